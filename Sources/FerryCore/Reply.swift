/// One complete server reply: its code and every line of text, without the CRLF.
public struct Reply: Hashable, Sendable, CustomStringConvertible {
    public let code: ReplyCode
    /// The raw lines as received (including the code prefix), first to last.
    public let lines: [String]

    public init(code: ReplyCode, lines: [String]) {
        self.code = code
        self.lines = lines
    }

    /// The text of the reply: each line with the leading "123-" / "123 " taken off where present.
    public var text: String {
        lines.map { Reply.strip(code: code, from: $0) }.joined(separator: "\n")
    }

    /// The text of the last line only (where PASV/EPSV/257 put their payload is the first; see `firstLineText`).
    public var firstLineText: String { lines.first.map { Reply.strip(code: code, from: $0) } ?? "" }

    public var description: String { lines.joined(separator: "\n") }

    /// The code and the first line's text, for one-line messages ("550 No such file or directory.").
    public var summary: String {
        let text = firstLineText
        return text.isEmpty ? code.description : "\(code) \(text)"
    }

    /// The summary without a final period, for the middle of a sentence ("530 Login incorrect; check …").
    public var clause: String {
        let text = summary
        return text.hasSuffix(".") ? String(text.dropLast()) : text
    }

    static func strip(code: ReplyCode, from line: String) -> String {
        let prefix = String(code.rawValue)
        guard line.hasPrefix(prefix) else { return line }
        var rest = line.dropFirst(prefix.count)
        if let first = rest.first, first == "-" || first == " " { rest = rest.dropFirst() }
        return String(rest)
    }
}
