#if canImport(Glibc)
@preconcurrency import Glibc
#endif

public enum LineInput: Equatable {
    case line(String)
    case endOfInput
    /// Ctrl-C at the prompt: the partial line is dropped.
    case interrupted
    /// A line longer than the reader takes: dropped whole (never cut into a command and a tail).
    case tooLong(limit: Int)
}

/// Where command lines come from: libedit on a terminal, plain lines otherwise.
public protocol LineReader: AnyObject {
    /// A line for a question (a password prompt aside): never remembered in the history.
    func readLine(prompt: String) -> LineInput
    /// A command line: remembered in the history (secrets masked).
    func readCommand(prompt: String) -> LineInput
    /// Adds a command line to the history (one put together from a question's answer).
    func remember(_ line: String)
    /// The command lines remembered, oldest first (`history`); none for plain lines.
    var historyLines: [String] { get }
}

extension LineReader {
    public func readCommand(prompt: String) -> LineInput { readLine(prompt: prompt) }
    public func remember(_ line: String) {}
    public var historyLines: [String] { [] }
}

/// Reads lines from a descriptor in large chunks (libedit on a pipe costs one read(2) per byte).
/// A line longer than `maximumLineLength` is reported as `.tooLong` and skipped whole, up to its newline.
public final class PlainLineReader: LineReader {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var atEnd = false
    /// Dropping the rest of an over-long line.
    private var skipping = false
    public let maximumLineLength: Int

    /// Print the prompt before reading (a terminal without line editing, `-e`).
    let showPrompt: Bool

    public init(descriptor: Int32 = 0, maximumLineLength: Int = 65536, showPrompt: Bool = false) {
        self.descriptor = descriptor
        self.maximumLineLength = maximumLineLength
        self.showPrompt = showPrompt
    }

    /// Closes the descriptor (for readers of files, not of standard input).
    public func close() {
        if descriptor > 2 { _ = Glibc.close(descriptor) }
    }

    public func readLine(prompt: String) -> LineInput {
        if showPrompt, !prompt.isEmpty { Console.write(1, prompt) }
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                var line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                if skipping { skipping = false; continue }
                if line.last == 0x0D { line.removeLast() }
                if line.count > maximumLineLength { return .tooLong(limit: maximumLineLength) }
                return .line(String(decoding: line, as: UTF8.self))
            }
            if buffer.count > maximumLineLength + 1 {
                // No newline yet and already too long: report it now, drop the rest of it as it arrives.
                buffer = []
                let reported = skipping
                skipping = true
                if !reported { return .tooLong(limit: maximumLineLength) }
            }
            if atEnd {
                guard !buffer.isEmpty, !skipping else { return .endOfInput }
                let line = buffer
                buffer = []
                if line.count > maximumLineLength { return .tooLong(limit: maximumLineLength) }
                return .line(String(decoding: line, as: UTF8.self))
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { return .interrupted }
                atEnd = true
            } else if count == 0 {
                atEnd = true
            } else {
                buffer.append(contentsOf: chunk[0..<count])
            }
        }
    }
}
