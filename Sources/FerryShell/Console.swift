#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Where the shell's words go: normal output and error lines, each written whole.
public final class Console {
    private let writeOut: (String) -> Void
    private let writeError: (String) -> Void
    public let outputIsTerminal: Bool
    public let errorIsTerminal: Bool

    public init(out: @escaping (String) -> Void, error: @escaping (String) -> Void,
                outputIsTerminal: Bool = false, errorIsTerminal: Bool = false) {
        self.writeOut = out
        self.writeError = error
        self.outputIsTerminal = outputIsTerminal
        self.errorIsTerminal = errorIsTerminal
    }

    /// Standard output and standard error.
    public static func standard() -> Console {
        Console(out: { Console.write(1, $0) }, error: { Console.write(2, $0) },
                outputIsTerminal: isatty(1) == 1, errorIsTerminal: isatty(2) == 1)
    }

    /// Standard output carries a file's bytes (`-o -`, `get f -`): every message goes to standard error instead.
    public var standardOutputIsData = false

    public func line(_ text: String) { standardOutputIsData ? writeError(text + "\n") : writeOut(text + "\n") }
    /// The session's running commentary (server replies, the `--->` trace, "Connected to", transfer statistics):
    /// on standard output at a terminal, as classic ftp has it; on standard error when standard output goes to a
    /// file or a pipe, where it may carry a file's bytes or JSON (`get f -`, `ls --json`) at any point of a session.
    public func chatter(_ text: String) { outputIsTerminal && !standardOutputIsData ? writeOut(text + "\n") : writeError(text + "\n") }
    public func error(_ text: String) { writeError(text + "\n") }
    /// Text without a line end (prompts, progress redraws) to the error stream.
    public func status(_ text: String) { writeError(text) }
    /// Raw text to standard output (a listing already has its line ends), or to standard error while
    /// standard output carries data.
    public func raw(_ text: String) { standardOutputIsData ? writeError(text) : writeOut(text) }

    /// Runs `body` with standard output kept for data: messages printed meanwhile go to standard error.
    public func keepingStandardOutputForData<T>(_ body: () -> T) -> T {
        let before = standardOutputIsData
        standardOutputIsData = true
        defer { standardOutputIsData = before }
        return body()
    }

    /// Columns of the terminal on standard error now (TIOCGWINSZ), else $COLUMNS, else 80.
    static func terminalWidth() -> Int {
        var size = winsize()
        if ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let text = getenv("COLUMNS"), let columns = Int(String(cString: text)), columns > 0 { return columns }
        return 80
    }

    static func write(_ fd: Int32, _ text: String) {
        _ = write(fd, bytes: Array(text.utf8))
    }

    /// Writes every byte (retrying after signals); false with errno set when the descriptor refuses.
    static func write(_ fd: Int32, bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if count < 0 { if errno == EINTR { continue } else { return false } }
            offset += count
        }
        return true
    }

    /// U+202A–U+202E and U+2066–U+2069: the characters that reorder text on display.
    static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
    }

    /// Makes control characters and escape sequences in server text visible (`^[`, `\x9b`) instead of
    /// letting them act on the terminal.
    public static func sanitize(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.count)
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x09:
                result.unicodeScalars.append(scalar)
            case 0x00..<0x20:
                result += "^" + String(UnicodeScalar(UInt8(scalar.value + 0x40)))
            case 0x7F:
                result += "^?"
            case 0x80..<0xA0:
                result += "\\x" + String(scalar.value, radix: 16)
            case _ where Console.isBidiControl(scalar):
                // Bidi overrides and isolates would make a name read as another (U+202E "txt.exe" tricks).
                result += "\\u{" + String(scalar.value, radix: 16) + "}"
            case 0xF700...0xF7FF:
                // a byte of a name that was not UTF-8 (WireText)
                result += "\\x" + String(scalar.value - 0xF700, radix: 16)
            default:
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
