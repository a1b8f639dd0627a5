#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import FerryCore

/// Small text files written whole (temporary name, then rename) and read with a size bound.
enum SmallText {
    static func read(_ path: String, limit: Int = 1 << 20) -> String? {
        // Never a FIFO (that would block), a link, or a file someone else planted in a shared folder.
        let fd = WireText.withCString(path) { open($0, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC) }
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_uid == geteuid() else { return nil }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while bytes.count <= limit {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            bytes += chunk[0..<count]
        }
        return bytes.count <= limit ? String(decoding: bytes, as: UTF8.self) : nil
    }

    static func write(_ text: String, to path: String) {
        let temporary = path + ".tmp"
        _ = WireText.withCString(temporary) { unlink($0) }
        let fd = WireText.withCString(temporary) { open($0, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600) }
        guard fd >= 0 else { return }
        let ok = Array(text.utf8).withUnsafeBytes { raw in (try? DataPump.writeAll(fd, raw)) != nil }
        close(fd)
        let renamed = ok && WireText.withCString(temporary, { from in WireText.withCString(path) { rename(from, $0) } }) == 0
        if !renamed { _ = WireText.withCString(temporary) { unlink($0) } }
    }
}
