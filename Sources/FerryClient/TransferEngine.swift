import CFerrySys
import FerryCore
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Moves bytes between a data socket and a file descriptor in constant memory, with a stall timeout,
/// progress events at most ten times a second, and ASCII line-ending conversion when asked.
final class TransferEngine {
    let bufferSize: Int
    let stallTimeout: Double
    let useSplice: Bool
    let expected: Int64?
    let progress: (TransferProgress) -> Void

    init(bufferSize: Int, stallTimeout: Double, useSplice: Bool, expected: Int64?,
         progress: @escaping (TransferProgress) -> Void) {
        self.bufferSize = bufferSize
        self.stallTimeout = stallTimeout
        self.useSplice = useSplice
        self.expected = expected
        self.progress = progress
    }

    private final class Meter {
        let start = MonotonicClock.now
        var lastReport = 0.0
        var bytes: Int64 = 0
    }

    private var meter = Meter()
    /// Bytes moved so far, also after an error.
    var bytes: Int64 { meter.bytes }

    /// Data socket → `output` until the server closes the stream. Throws when the stream breaks or stalls.
    func receive(from socket: Socket, to output: Int32, type: TransferType) throws(FTPError) -> Int64 {
        meter = Meter()
        if type == .image, useSplice, TransferEngine.isRegularFile(output) {
            if try spliceReceive(from: socket, to: output, meter: meter) { return meter.bytes }
        }
        var converter = type == .ascii ? LineEndingConverter(.toLocal) : nil
        var converted: [UInt8] = []
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 4096)
        defer { buffer.deallocate() }
        while true {
            let count = try socket.read(into: buffer, timeout: stallTimeout, what: "data transfer")
            if count == 0 { break }
            meter.bytes += Int64(count)
            if converter != nil {
                converted.removeAll(keepingCapacity: true)
                converter!.convert(UnsafeRawBufferPointer(rebasing: buffer[0..<count]), into: &converted)
                try withBytes(converted) { (raw) throws(FTPError) in try TransferEngine.writeAll(output, raw) }
            } else {
                try TransferEngine.writeAll(output, UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            }
            report(meter)
        }
        if converter != nil {
            converted.removeAll(keepingCapacity: true)
            converter!.finish(into: &converted)
            try withBytes(converted) { (raw) throws(FTPError) in try TransferEngine.writeAll(output, raw) }
        }
        report(meter, final: true)
        return meter.bytes
    }

    /// `input` → data socket until end of file; the caller closes the socket to mark the end.
    func send(from input: Int32, to socket: Socket, type: TransferType) throws(FTPError) -> Int64 {
        meter = Meter()
        var converter = type == .ascii ? LineEndingConverter(.toWire) : nil
        var converted: [UInt8] = []
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 4096)
        defer { buffer.deallocate() }
        while true {
            let count = Glibc.read(input, buffer.baseAddress, buffer.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw FTPError(.localFile, "cannot read the local file: \(FTPError.systemMessage(errno))")
            }
            if count == 0 { break }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
            if converter != nil {
                converted.removeAll(keepingCapacity: true)
                converter!.convert(chunk, into: &converted)
                try withBytes(converted) { (raw) throws(FTPError) in
                    try socket.writeAll(raw, timeout: stallTimeout, what: "data transfer")
                }
            } else {
                try socket.writeAll(chunk, timeout: stallTimeout, what: "data transfer")
            }
            meter.bytes += Int64(count)
            report(meter)
        }
        report(meter, final: true)
        return meter.bytes
    }

    /// socket → pipe → file with splice(2). Returns false when splice is not possible here (nothing moved).
    private func spliceReceive(from socket: Socket, to output: Int32, meter: Meter) throws(FTPError) -> Bool {
        var fds: [Int32] = [-1, -1]
        guard ferry_pipe_cloexec(&fds) == 0 else { return false }
        defer { Glibc.close(fds[0]); Glibc.close(fds[1]) }
        let chunk = max(65536, Int(ferry_pipe_set_size(fds[1], Int32(bufferSize))))
        while true {
            guard try socket.wait(for: Int16(POLLIN), timeout: stallTimeout) else {
                throw FTPError(.timedOut, "data transfer: nothing received for \(format(stallTimeout)) s; the server or network stalled")
            }
            let moved = ferry_splice(socket.descriptor, fds[1], chunk, 1)
            if moved < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                if meter.bytes == 0, errno == EINVAL || errno == ENOSYS { return false }
                throw FTPError(.connectionClosed, "data transfer: \(FTPError.systemMessage(errno))")
            }
            if moved == 0 { break }
            var pending = moved
            while pending > 0 {
                let written = ferry_splice(fds[0], output, pending, 0)
                if written < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    throw FTPError(.localFile, "cannot write the local file: \(FTPError.systemMessage(errno))")
                }
                pending -= written
            }
            meter.bytes += Int64(moved)
            report(meter)
        }
        report(meter, final: true)
        return true
    }

    private func report(_ meter: Meter, final: Bool = false) {
        let now = MonotonicClock.now
        guard final || now - meter.lastReport >= 0.1 else { return }
        meter.lastReport = now
        progress(TransferProgress(bytes: meter.bytes, expected: expected, elapsed: now - meter.start))
    }

    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(FTPError) {
        var offset = 0
        while offset < bytes.count {
            let count = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if count < 0 {
                if errno == EINTR { continue }
                throw FTPError(.localFile, "cannot write the local file: \(FTPError.systemMessage(errno))")
            }
            offset += count
        }
    }

    static func isRegularFile(_ fd: Int32) -> Bool {
        var info = stat()
        return fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }
}
