/// A wire verb (RFC 959, 2228, 2389, 2428, 3659). An open struct: `quote` can send any verb.
public struct Verb: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue.uppercased() }
    public init(_ name: String) { self.init(rawValue: name) }
    public var description: String { rawValue }

    public static let user = Verb("USER"), pass = Verb("PASS"), acct = Verb("ACCT")
    public static let cwd = Verb("CWD"), cdup = Verb("CDUP"), pwd = Verb("PWD"), quit = Verb("QUIT")
    public static let type = Verb("TYPE"), mode = Verb("MODE"), stru = Verb("STRU")
    public static let pasv = Verb("PASV"), epsv = Verb("EPSV"), port = Verb("PORT"), eprt = Verb("EPRT")
    public static let retr = Verb("RETR"), stor = Verb("STOR"), appe = Verb("APPE"), stou = Verb("STOU")
    public static let rest = Verb("REST"), abor = Verb("ABOR")
    public static let list = Verb("LIST"), nlst = Verb("NLST"), mlsd = Verb("MLSD"), mlst = Verb("MLST")
    public static let dele = Verb("DELE"), rnfr = Verb("RNFR"), rnto = Verb("RNTO")
    public static let mkd = Verb("MKD"), rmd = Verb("RMD")
    public static let size = Verb("SIZE"), mdtm = Verb("MDTM"), mfmt = Verb("MFMT")
    public static let feat = Verb("FEAT"), opts = Verb("OPTS"), syst = Verb("SYST")
    public static let stat = Verb("STAT"), help = Verb("HELP"), site = Verb("SITE"), noop = Verb("NOOP")
}

/// One command line to send: a verb and an optional argument.
public struct Command: Hashable, Sendable, CustomStringConvertible {
    public enum EncodingError: Error, Equatable, Sendable {
        /// CR or LF inside an argument would smuggle a second command onto the wire.
        case lineBreakInArgument(Verb)
        case emptyVerb
    }

    public let verb: Verb
    public let argument: String?

    public init(_ verb: Verb, _ argument: String? = nil) {
        self.verb = verb
        self.argument = argument
    }

    /// The bytes to send, CRLF-terminated. Rejects CR/LF in the argument and in the verb.
    public func encoded() throws(EncodingError) -> [UInt8] {
        if verb.rawValue.isEmpty { throw .emptyVerb }
        if Command.hasLineBreak(verb.rawValue) { throw .lineBreakInArgument(verb) }
        var bytes = Array(verb.rawValue.utf8)
        if let argument {
            if Command.hasLineBreak(argument) { throw .lineBreakInArgument(verb) }
            bytes.append(UInt8(ascii: " "))
            bytes.append(contentsOf: WireText.encode(argument))
        }
        bytes.append(contentsOf: [0x0D, 0x0A])
        return bytes
    }

    /// The line as it may be shown in a trace: the password of PASS (and of ACCT) is masked.
    public var traceDescription: String {
        guard let argument else { return verb.rawValue }
        if verb == .pass || verb == .acct { return "\(verb.rawValue) XXXX" }
        return "\(verb.rawValue) \(argument)"
    }

    public var description: String { traceDescription }

    static func hasLineBreak(_ text: String) -> Bool {
        text.utf8.contains { $0 == 0x0D || $0 == 0x0A }
    }
}
