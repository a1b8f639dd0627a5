/// `ftp://[user[:password]@]host[:port]/path[;type=a|i]` (RFC 1738 §3.2), percent-decoded.
public struct FTPURL: Equatable, Sendable {
    public var user: String?
    public var password: String?
    public var host: String
    public var port: UInt16
    /// Decoded path segments; the file name is the last one unless `isDirectory`.
    public var segments: [String]
    /// The path ended with "/" (or was empty): a folder, not a file.
    public var isDirectory: Bool
    /// `;type=a` or `;type=i`; nil when not given.
    public var type: Character?
    /// ftps:// — implicit TLS.
    public var implicitTLS = false

    public enum ParseError: Error, Equatable {
        case notFTP, missingHost, badPort, badEscape, badType

        /// What is wrong, for "'URL' <words>".
        public var words: String {
            switch self {
            case .notFTP: return "is not an ftp:// or ftps:// URL"
            case .missingHost: return "names no host (ftp://host/path)"
            case .badPort: return "has a port that is not a number from 1 to 65535"
            case .badEscape: return "has a % that is not followed by two hex digits"
            case .badType: return "has a ;type= other than a or i"
            }
        }
    }

    /// The folder part, to CWD into ("" for the login directory). A first segment that was `%2F` makes it absolute.
    public var directory: String { (isDirectory ? segments : segments.dropLast()).joined(separator: "/") }
    public var fileName: String? { isDirectory ? nil : segments.last }

    public static func parse(_ text: String) throws(ParseError) -> FTPURL {
        let implicitTLS = text.lowercased().hasPrefix("ftps://")
        guard text.lowercased().hasPrefix("ftp://") || implicitTLS else { throw .notFTP }
        var rest = Substring(text.dropFirst(implicitTLS ? 7 : 6))
        var type: Character?
        if let semicolon = rest.lastIndex(of: ";") {
            let parameter = rest[rest.index(after: semicolon)...].lowercased()
            guard parameter.hasPrefix("type="), parameter.count == 6, let letter = parameter.last, "aid".contains(letter) else {
                throw .badType
            }
            type = letter
            rest = rest[..<semicolon]
        }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        var authority = rest[..<slash]
        let pathText = slash < rest.endIndex ? rest[rest.index(after: slash)...] : ""
        var user: String?, password: String?
        if let at = authority.lastIndex(of: "@") {
            let credentials = authority[..<at]
            authority = authority[authority.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                user = try decode(credentials[..<colon])
                password = try decode(credentials[credentials.index(after: colon)...])
            } else {
                user = try decode(credentials)
            }
        }
        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .missingHost }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty { throw .badPort }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty else { throw .missingHost }
        var port: UInt16 = implicitTLS ? 990 : 21
        if let portText {
            guard let value = UInt16(portText), value > 0 else { throw .badPort }
            port = value
        }
        var segments: [String] = []
        for segment in pathText.split(separator: "/", omittingEmptySubsequences: false) {
            segments.append(try decode(segment))
        }
        let isDirectory = pathText.isEmpty || pathText.hasSuffix("/")
        if isDirectory, segments.last == "" { segments.removeLast() }
        return FTPURL(user: user, password: password, host: String(host), port: port, segments: segments,
                      isDirectory: isDirectory, type: type, implicitTLS: implicitTLS)
    }

    /// %XX → byte; the result must be UTF-8, and may not hold CR, LF or NUL.
    static func decode(_ text: Substring) throws(ParseError) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard iterator.count >= 2, let value = UInt8(String(decoding: iterator.prefix(2), as: UTF8.self), radix: 16) else {
                throw .badEscape
            }
            iterator = iterator.dropFirst(2)
            guard value != 0x0D, value != 0x0A, value != 0 else { throw .badEscape }
            bytes.append(value)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
