#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Lines to a descriptor through a 64 KiB buffer: a listing of any length streams out in constant memory
/// without a system call per line. The first failed write is kept and every later line dropped.
final class LineWriter {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private(set) var failure: Int32?
    private(set) var written: Int64 = 0

    /// A terminal gets each line at once, so a listing is on the screen before the reply that ends it.
    private let eachLine: Bool

    init(_ fd: Int32) {
        self.fd = fd
        eachLine = isatty(fd) == 1
        buffer.reserveCapacity(64 << 10)
    }

    func line<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        buffer.append(contentsOf: bytes)
        buffer.append(0x0A)
        if eachLine || buffer.count >= 60 << 10 { flush() }
    }

    func line(_ text: String) { line(text.utf8) }

    func flush() {
        defer { buffer.removeAll(keepingCapacity: true) }
        guard failure == nil, !buffer.isEmpty else { return }
        if Console.write(fd, bytes: buffer) { written += Int64(buffer.count) } else { failure = errno }
    }
}
