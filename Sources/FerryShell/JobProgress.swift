import FerryClient
import Synchronization

/// Renders a TransferPool's events for a person: one overall line on a terminal (files done/total, bytes, rate,
/// ETA), failures and retries as lines on standard error. Events come from several threads; each is drawn whole
/// under a lock.
/// @unchecked: only for `console` (a class shared with the shell), which is written to under `state`'s lock alone.
final class JobProgress: @unchecked Sendable {
    private struct State {
        var done = 0
        var failed = 0
        var bytesDone: Int64 = 0
        var current: [Int: Int64] = [:]
        var drawn = false
        var lastDraw = 0.0
        /// Notices said so far: each is said once (five sessions refused alike make one line).
        var notices: Set<String> = []
    }

    private let console: Console
    private let command: String
    private let names: [String]
    private let totalBytes: Int64?
    private let showsLine: Bool
    private let start = MonotonicClock.now
    private let state = Mutex(State())

    init(console: Console, command: String, names: [String], sizes: [Int64?], showsLine: Bool) {
        self.console = console
        self.command = command
        self.names = names
        self.showsLine = showsLine
        totalBytes = sizes.contains(where: { $0 == nil }) ? nil : sizes.reduce(0) { $0 + ($1 ?? 0) }
    }

    func handle(_ event: TransferPool.Event) {
        state.withLock { state in
            switch event {
            case .started(let index):
                state.current[index] = 0
            case .progress(let index, let progress):
                state.current[index] = progress.bytes
                draw(&state, force: false)
            case .finished(let index, let result):
                state.current[index] = nil
                state.done += 1
                switch result {
                case .success(let transfer): state.bytesDone += transfer.bytes
                case .failure(let error):
                    state.failed += 1
                    clear(&state)
                    if error.code != .interrupted {
                        console.error(Console.sanitize("\(command): \(names[index]): \(error.message)"))
                    }
                }
                draw(&state, force: true)
            case .engine(let index, .retrying(let error, let attempt, let total, let wait)):
                clear(&state)
                console.error(Console.sanitize("\(command): \(names[index]): \(error.message)"))
                console.error("Trying '\(Console.sanitize(names[index]))' again in \(wait < 1 ? "a moment" : "\(Int(wait)) s") (attempt \(attempt) of \(total)).")
            case .engine(_, .reconnected(let host)):
                clear(&state)
                console.error("Reconnected to \(Console.sanitize(host)).")
            case .notice(let text):
                guard state.notices.insert(text).inserted else { return }
                clear(&state)
                console.error(Console.sanitize("\(command): \(text)"))
            }
        }
    }

    /// A line of output while the job runs: the progress line is erased first and drawn again after it.
    func say(_ text: String) {
        state.withLock { state in
            clear(&state)
            console.line(text)
            draw(&state, force: true)
        }
    }

    /// Erases the line; with verbose, says what the job moved.
    /// `kept`: bytes the unfinished files hold in their `.part` files (the caller measures them on disk).
    func finish(verbose: Bool, received: Bool, kept: Int64 = 0) {
        state.withLock { state in
            clear(&state)
            guard verbose else { return }
            // tnftp's words for every transfer's end: "N bytes received in 00:03 (976.23 KiB/s)".
            let summary = ProgressLine.summary(bytes: state.bytesDone, seconds: MonotonicClock.now - start, received: received)
            let partial = kept > 0 && received ? "; \(kept) more kept in partial files" : ""
            console.chatter("\(state.done - state.failed) of \(names.count) files: \(summary)\(partial)")
        }
    }


    private func draw(_ state: inout State, force: Bool) {
        guard showsLine else { return }
        let now = MonotonicClock.now
        guard force || now - state.lastDraw >= 0.1 else { return }
        state.lastDraw = now
        let bytes = state.bytesDone + state.current.values.reduce(0, +)
        let elapsed = now - start
        let rate = elapsed > 0 ? Double(bytes) / elapsed : 0
        var text = "\r\(command): \(state.done)/\(names.count) files  \(ByteFormat.short(bytes))"
        if let totalBytes, totalBytes > 0 {
            text += " / \(ByteFormat.short(totalBytes))"
            if rate > 0, bytes < totalBytes {
                let eta = Int(Double(totalBytes - bytes) / rate)
                text += "  ETA \(eta / 60):\(eta % 60 < 10 ? "0" : "")\(eta % 60)"
            }
        }
        text += "  \(ByteFormat.short(Int64(rate)))/s"
        console.status(text + "\u{1B}[K")
        state.drawn = true
    }

    private func clear(_ state: inout State) {
        if state.drawn { console.status("\r\u{1B}[K") }
        state.drawn = false
    }
}
