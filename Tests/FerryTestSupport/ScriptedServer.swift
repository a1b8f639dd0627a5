import Foundation

/// A control-connection peer that plays a fixed script, for replies no real server sends on demand
/// (120 before 220, 421 at greeting, 332 for ACCT, garbage). One connection; 127.0.0.1 only.
public final class ScriptedServer: @unchecked Sendable {
    public enum Step: Sendable {
        /// Send these bytes (CRLF is not added).
        case send(String)
        /// Read one line from the client; it must start with this text.
        case expect(String)
        /// Close the connection.
        case close
        /// Wait, then go on.
        case pause(Double)
    }

    public let port: UInt16
    private let listener: Int32
    private let lock = NSLock()
    private var problems: [String] = []
    private var received: [String] = []
    private let done = DispatchSemaphore(value: 0)

    /// Plays `steps` for one connection on 127.0.0.1:`port` (0: any free port).
    public init(_ steps: [Step], port requested: UInt16 = 0) throws {
        let listener = try FreePort.listener(port: requested, backlog: 1)
        self.listener = listener
        port = FreePort.localPort(listener)
        let thread = Thread { [self] in play(steps) }
        thread.start()
    }

    deinit { close(listener) }

    /// Lines the client sent, and script steps that did not hold.
    public func finish(timeout: Double = 10) -> (received: [String], problems: [String]) {
        if done.wait(timeout: .now() + timeout) == .timedOut { record(problem: "script did not finish") }
        lock.lock(); defer { lock.unlock() }
        return (received, problems)
    }

    private func record(problem: String) { lock.lock(); problems.append(problem); lock.unlock() }

    private func play(_ steps: [Step]) {
        defer { done.signal() }
        var pfd = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, 10_000) == 1 else { record(problem: "no client connected"); return }
        let fd = accept(listener, nil, nil)
        guard fd >= 0 else { record(problem: "accept failed"); return }
        defer { close(fd) }
        var pending = Data()
        for step in steps {
            switch step {
            case .send(let text):
                _ = text.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
            case .close:
                return
            case .pause(let seconds):
                usleep(UInt32(seconds * 1_000_000))
            case .expect(let prefix):
                while !pending.contains(0x0A) {
                    var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                    guard poll(&poller, 1, 10_000) == 1 else { record(problem: "timed out waiting for \(prefix)"); return }
                    var buffer = [UInt8](repeating: 0, count: 4096)
                    let count = read(fd, &buffer, buffer.count)
                    if count <= 0 { record(problem: "client closed before \(prefix)"); return }
                    pending.append(contentsOf: buffer[0..<count])
                }
                let newline = pending.firstIndex(of: 0x0A)!
                let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                pending = Data(pending[(newline + 1)...])
                lock.lock(); received.append(line); lock.unlock()
                if !line.hasPrefix(prefix) { record(problem: "expected \(prefix), got \(line)") }
            }
        }
    }
}
