import CFerrySys
import FerryCore
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Moves bytes between a data socket and a file descriptor in constant memory, with a stall timeout,
/// progress events at most ten times a second, and ASCII line-ending conversion when asked.
final class DataPump {
    let bufferSize: Int
    let stallTimeout: Double
    let useSplice: Bool
    let expected: Int64?
    /// Bytes per second at most; nil for no limit.
    var rateLimit: Int?
    /// Turn CRLF into LF on ASCII downloads (tnftp's `cr`).
    var convertLineEnds = true
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
        var windowStart = MonotonicClock.now
        var windowBytes: Int64 = 0
    }

    /// Bytes that must move in every stall-timeout window: a server that trickles a byte a second is as stalled
    /// as one that sends nothing (curl's --speed-limit, here always on).
    static let minimumBytesPerWindow: Int64 = 1024
    /// When the whole transfer must be over (listings: a bound in time as well as in bytes); nil for none.
    var deadline: Double?
    /// Where a resumed transfer started in the file (for progress that shows the whole file).
    var resumedFrom: Int64 = 0
    /// At most this many bytes (a listing read line by line); more is an error.
    var limit: Int64?
    /// The control connection: when the data has been silent for a second and a reply waits there, the server
    /// ended the transfer (150 then 426 with no data) and waiting out the stall timeout would help nobody.
    var control: Socket?

    /// After each chunk: one clock read for the pace check and the progress report.
    private func tick(_ meter: Meter) throws(FTPError) {
        let now = MonotonicClock.now
        try checkPace(meter, now: now)
        report(meter, now: now)
    }

    private func checkPace(_ meter: Meter, now: Double) throws(FTPError) {
        if let deadline, now > deadline {
            throw FTPError(.timedOut, "data transfer timed out: not finished after \(format(deadline - meter.start)) s")
        }
        guard now - meter.windowStart >= stallTimeout else { return }
        // A rate limit the user set below the floor is theirs to keep.
        if let rateLimit, Double(rateLimit) * stallTimeout < 2 * Double(DataPump.minimumBytesPerWindow) { return }
        if meter.bytes - meter.windowBytes < DataPump.minimumBytesPerWindow {
            throw FTPError(.timedOut, "data transfer timed out: less than 1 KiB in \(format(stallTimeout)) s; the server or network is stalling")
        }
        meter.windowStart = now
        meter.windowBytes = meter.bytes
    }

    private var meter = Meter()
    /// Bytes moved so far, also after an error.
    var bytes: Int64 { meter.bytes }

    /// Data socket → `sink` until the server closes the stream. Throws when the stream breaks or stalls.
    func receive(from stream: ByteStream, to sink: DataSink, type: TransferType) throws(FTPError) -> Int64 {
        meter = Meter()
        // A file the size of one small read: a pipe for splice would cost more calls than the copy it saves.
        let small = expected.map { $0 < Int64(DataPump.smallFile) } ?? false
        if !small, case .plain(let socket) = stream, case .descriptor(let output) = sink, type == .image, useSplice,
           rateLimit == nil, DataPump.isRegularFile(output) {
            if try spliceReceive(from: socket, to: output, meter: meter) { return meter.bytes }
        }
        guard small else {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 4096)
            defer { buffer.deallocate() }
            return try copy(from: stream, to: sink, type: type, through: buffer)
        }
        // On the stack: a heap buffer for every small file cost each session's malloc arena about 100 KiB.
        return try withUnsafeTemporaryAllocation(byteCount: DataPump.roomFor(expected!), alignment: 16) {
            (buffer) throws(FTPError) -> Int64 in try copy(from: stream, to: sink, type: type, through: buffer)
        }
    }

    private func copy(from stream: ByteStream, to sink: DataSink, type: TransferType,
                      through buffer: UnsafeMutableRawBufferPointer) throws(FTPError) -> Int64 {
        var converter = type == .ascii && convertLineEnds ? LineEndingConverter(.toLocal) : nil
        var converted: [UInt8] = []
        let slice = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<min(buffer.count, chunkSize)])
        while true {
            let count = try read(stream, into: slice)
            if count == 0 { break }
            try checkAnnounced(meter.bytes + Int64(count))
            meter.bytes += Int64(count)
            if converter != nil {
                converted.removeAll(keepingCapacity: true)
                converter!.convert(UnsafeRawBufferPointer(rebasing: buffer[0..<count]), into: &converted)
                try withBytes(converted) { (raw) throws(FTPError) in try sink.write(raw) }
            } else {
                try sink.write(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            }
            try tick(meter)
            throttle(meter)
        }
        if converter != nil {
            converted.removeAll(keepingCapacity: true)
            converter!.finish(into: &converted)
            try withBytes(converted) { (raw) throws(FTPError) in try sink.write(raw) }
        }
        report(meter, final: true)
        return meter.bytes
    }

    /// Files smaller than this move through one buffer of their size on the stack (no pipe, no splice, no
    /// allocation): five system calls fewer per file.
    static let smallFile = 16 << 10

    /// A buffer that holds `size` bytes and still has room to see the end of the stream: whole pages.
    static func roomFor(_ size: Int64) -> Int { max(4096, Int(clamping: (size + 4096) & ~4095)) }

    /// Reads and writes in pieces of a tenth of a second's worth when a rate limit is set.
    private var chunkSize: Int {
        guard let rateLimit else { return bufferSize }
        return min(bufferSize, max(1024, rateLimit / 10))
    }

    /// Sleeps long enough to keep the average at or below the rate limit.
    private func throttle(_ meter: Meter) {
        guard let rateLimit, rateLimit > 0 else { return }
        let due = Double(meter.bytes) / Double(rateLimit)
        let elapsed = MonotonicClock.now - meter.start
        if due > elapsed { Pause.sleep(min(due - elapsed, 10)) }
    }

    /// The most an upload reads and writes at once. The server copies out of its socket what we copied in; in
    /// pieces of 256 KiB those bytes are still in the CPU's cache when it does, in pieces of 1 MiB (or with
    /// sendfile straight from the page cache) they are not: vsftpd spent 0.77 against 0.85-0.87 CPU-s receiving
    /// 1 GiB, and the put took 1.19 against 1.29-1.35 s (lftp 1.16, curl 1.18; 9 interleaved runs).
    static let sendPiece = 256 << 10

    /// `input` → data socket until end of file; the caller closes the socket to mark the end.
    func send(from input: Int32, to stream: ByteStream, type: TransferType) throws(FTPError) -> Int64 {
        meter = Meter()
        // A small file is read whole into a buffer on the stack, with room to see its end (as `receive`).
        if let expected, expected < Int64(DataPump.smallFile) {
            return try withUnsafeTemporaryAllocation(byteCount: min(chunkSize, DataPump.roomFor(expected)), alignment: 16) {
                (buffer) throws(FTPError) -> Int64 in try send(from: input, to: stream, type: type, through: buffer)
            }
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: min(chunkSize, DataPump.sendPiece), alignment: 4096)
        defer { buffer.deallocate() }
        return try send(from: input, to: stream, type: type, through: buffer)
    }

    private func send(from input: Int32, to stream: ByteStream, type: TransferType,
                      through buffer: UnsafeMutableRawBufferPointer) throws(FTPError) -> Int64 {
        var converter = type == .ascii ? LineEndingConverter(.toWire) : nil
        var converted: [UInt8] = []
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
                    try stream.writeAll(raw, timeout: stallTimeout, what: "data transfer")
                }
            } else {
                try stream.writeAll(chunk, timeout: stallTimeout, what: "data transfer")
            }
            meter.bytes += Int64(count)
            try tick(meter)
            throttle(meter)
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
            try waitForData { (slice) throws(FTPError) in try socket.wait(for: Int16(POLLIN), timeout: slice) }
            let moved = ferry_splice(socket.descriptor, fds[1], chunk, 1)
            if moved < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                if meter.bytes == 0, errno == EINVAL || errno == ENOSYS { return false }
                throw FTPError(.connectionClosed, "data transfer: \(FTPError.systemMessage(errno))")
            }
            if moved == 0 { break }
            try checkAnnounced(meter.bytes + Int64(moved))
            var pending = moved
            while pending > 0 {
                let written = ferry_splice(fds[0], output, pending, 0)
                if written < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    throw FTPError.localWrite(errno)
                }
                pending -= written
            }
            meter.bytes += Int64(moved)
            try tick(meter)
        }
        report(meter, final: true)
        return true
    }

    /// Reads what arrives within the stall timeout, waiting in slices of a second: between them the progress is
    /// reported unchanged, so a display can say the transfer stalled.
    private func read(_ stream: ByteStream, into slice: UnsafeMutableRawBufferPointer) throws(FTPError) -> Int {
        var count = 0
        try waitForData { (wait) throws(FTPError) -> Bool in
            do throws(FTPError) {
                count = try stream.read(into: slice, timeout: wait, what: "data transfer")
                return true
            } catch where error.code == .timedOut { return false }
        }
        return count
    }

    /// Calls `attempt` with slices of at most a second until it says data came, for up to the stall timeout. Data
    /// within the first slice (every chunk of a flowing transfer) costs no clock read.
    private func waitForData(_ attempt: (Double) throws(FTPError) -> Bool) throws(FTPError) {
        let first = min(1, stallTimeout)
        if try attempt(first) { return }
        let start = MonotonicClock.now - first
        while true {
            report(meter, final: true)
            if let control, (try? control.wait(for: Int16(POLLIN), timeout: 0)) == true {
                throw FTPError(.transferIncomplete, "the server answered on the control connection while the data connection stayed silent")
            }
            let waited = MonotonicClock.now - start
            guard waited < stallTimeout else {
                throw FTPError(.timedOut, "data transfer timed out: nothing received for \(format(stallTimeout)) s; the server or network stalled")
            }
            if try attempt(min(1, stallTimeout - waited)) { return }
        }
    }

    /// A download may not run past the size the server announced (SIZE): the bytes would not be the file.
    private func checkAnnounced(_ total: Int64) throws(FTPError) {
        if let limit, total > limit {
            throw FTPError(.protocolViolation, "the listing is larger than \(limit >> 20) MiB; list a smaller directory")
        }
        guard let expected, total > expected else { return }
        throw FTPError(.protocolViolation, "the server sent more bytes than it announced (\(expected)); the download is discarded")
    }

    private func report(_ meter: Meter, final: Bool = false, now: Double = MonotonicClock.now) {
        guard final || now - meter.lastReport >= 0.1 else { return }
        meter.lastReport = now
        progress(TransferProgress(bytes: meter.bytes, expected: expected, elapsed: now - meter.start, resumedFrom: resumedFrom))
    }

    /// Where received bytes go: a descriptor, or memory (listings the client parses itself).
    enum DataSink {
        case descriptor(Int32)
        case memory(MemorySink)
        case lines(LineSink)

        func write(_ bytes: UnsafeRawBufferPointer) throws(FTPError) {
            switch self {
            case .descriptor(let fd): try DataPump.writeAll(fd, bytes)
            case .memory(let sink): try sink.append(bytes)
            case .lines(let sink): try sink.append(bytes)
            }
        }
    }

    /// Hands each complete line (without its LF or CR LF) to `body` as it arrives: a listing of any length in
    /// the memory of its longest line, which is bounded.
    final class LineSink {
        private var pending: [UInt8] = []
        let lineLimit: Int
        let body: (ArraySlice<UInt8>) throws(FTPError) -> Void
        init(lineLimit: Int, body: @escaping (ArraySlice<UInt8>) throws(FTPError) -> Void) {
            self.lineLimit = lineLimit
            self.body = body
        }

        func append(_ more: UnsafeRawBufferPointer) throws(FTPError) {
            var start = 0
            for index in 0..<more.count where more[index] == 0x0A {
                if pending.isEmpty {
                    try emit(ArraySlice(UnsafeRawBufferPointer(rebasing: more[start..<index])))
                } else {
                    pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: more[start..<index]))
                    let line = pending
                    pending.removeAll(keepingCapacity: true)
                    try emit(line[...])
                }
                start = index + 1
            }
            pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: more[start...]))
            guard pending.count <= lineLimit else {
                throw FTPError(.protocolViolation, "a listing line is longer than \(lineLimit) bytes; the listing was not read")
            }
        }

        /// The last line when the listing did not end with a line end.
        func finish() throws(FTPError) {
            guard !pending.isEmpty else { return }
            let line = pending
            pending = []
            try emit(line[...])
        }

        private func emit(_ line: ArraySlice<UInt8>) throws(FTPError) {
            var line = line
            if line.last == 0x0D { line = line.dropLast() }
            if !line.isEmpty { try body(line) }
        }
    }

    final class MemorySink {
        private(set) var bytes: [UInt8] = []
        let limit: Int
        init(limit: Int) { self.limit = limit }
        func append(_ more: UnsafeRawBufferPointer) throws(FTPError) {
            guard bytes.count + more.count <= limit else {
                throw FTPError(.protocolViolation, "the listing is larger than \(limit / 1_048_576) MiB; list a smaller directory")
            }
            bytes.append(contentsOf: more)
        }
    }

    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(FTPError) {
        var offset = 0
        while offset < bytes.count {
            let count = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if count < 0 {
                if errno == EINTR { continue }
                throw FTPError.localWrite(errno)
            }
            offset += count
        }
    }

    static func isRegularFile(_ fd: Int32) -> Bool {
        var info = stat()
        return fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }
}
