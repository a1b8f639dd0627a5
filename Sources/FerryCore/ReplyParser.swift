/// An incremental parser for FTP replies (RFC 959 §4.2).
///
/// Bytes arrive in any split; `feed` buffers them and `next()` returns a reply once its last line is complete.
/// Forms accepted:
///   single line:  `123 text` (or a bare `123`)
///   multi-line:   `123-First line` … any inner lines … `123 Last line`
/// Inner lines may begin with digits, spaces or even `123-`; only the same code followed by a space
/// (or the end of the line) ends the reply.
public struct ReplyParser: Sendable {
    public enum ParseError: Error, Equatable, Sendable {
        /// A first line that does not start with three digits.
        case malformedLine(String)
        /// A line longer than `maximumLineLength` bytes.
        case lineTooLong(limit: Int)
        /// A multi-line reply with more than `maximumLines` lines.
        case replyTooLong(limit: Int)
    }

    public let maximumLineLength: Int
    public let maximumLines: Int

    private var buffer: [UInt8] = []
    private var scanned = 0
    private var pendingCode: ReplyCode?
    private var pendingLines: [String] = []

    public init(maximumLineLength: Int = 8192, maximumLines: Int = 10_000) {
        self.maximumLineLength = maximumLineLength
        self.maximumLines = maximumLines
    }

    /// Appends received bytes.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        buffer.append(contentsOf: bytes)
    }

    /// True when bytes are buffered that do not yet make a reply.
    public var hasPartialInput: Bool { !buffer.isEmpty || pendingCode != nil }

    /// The next complete reply, nil when more bytes are needed, or an error for malformed input.
    public mutating func next() throws(ParseError) -> Reply? {
        while let line = try nextLine() {
            if let reply = try accept(line: line) { return reply }
        }
        return nil
    }

    private mutating func nextLine() throws(ParseError) -> String? {
        guard let newline = buffer[scanned...].firstIndex(of: UInt8(ascii: "\n")) else {
            scanned = buffer.count
            if buffer.count > maximumLineLength { throw .lineTooLong(limit: maximumLineLength) }
            return nil
        }
        var end = newline
        if end > 0, buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        if end > maximumLineLength { throw .lineTooLong(limit: maximumLineLength) }
        let line = WireText.decode(buffer[0..<end])
        buffer.removeSubrange(0...newline)
        scanned = 0
        return line
    }

    private mutating func accept(line: String) throws(ParseError) -> Reply? {
        if let code = pendingCode {
            pendingLines.append(line)
            if ReplyParser.isLastLine(line, of: code) {
                let reply = Reply(code: code, lines: pendingLines)
                pendingCode = nil
                pendingLines = []
                return reply
            }
            if pendingLines.count >= maximumLines { throw .replyTooLong(limit: maximumLines) }
            return nil
        }
        guard let code = ReplyParser.leadingCode(line) else {
            // Some servers pad with empty lines between replies; anything else is not FTP.
            if line.isEmpty { return nil }
            throw .malformedLine(String(line.prefix(80)))
        }
        let utf8 = Array(line.utf8)
        if utf8.count > 3, utf8[3] == UInt8(ascii: "-") {
            pendingCode = code
            pendingLines = [line]
            return nil
        }
        if utf8.count == 3 || utf8[3] == UInt8(ascii: " ") {
            return Reply(code: code, lines: [line])
        }
        throw .malformedLine(String(line.prefix(80)))
    }

    static func leadingCode(_ line: String) -> ReplyCode? {
        let utf8 = Array(line.utf8.prefix(3))
        guard utf8.count == 3, utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        guard utf8[0] >= UInt8(ascii: "1"), utf8[0] <= UInt8(ascii: "5") else { return nil }
        let value = utf8.reduce(0) { $0 * 10 + Int($1 - 0x30) }
        return ReplyCode(value)
    }

    static func isLastLine(_ line: String, of code: ReplyCode) -> Bool {
        let utf8 = Array(line.utf8.prefix(4))
        guard utf8.count >= 3, leadingCode(line) == code else { return false }
        return utf8.count == 3 || utf8[3] == UInt8(ascii: " ")
    }
}
