/// The server's extensions as listed by FEAT (RFC 2389 §3.2).
///
///     211-Features:
///      MDTM
///      MLST type*;size*;modify*;
///     211 End
public struct Features: Sendable, Equatable {
    /// Feature names upper-cased, mapped to their parameters ("" when none).
    public private(set) var entries: [String: String]

    public init(entries: [String: String] = [:]) { self.entries = entries }

    /// Parses a FEAT reply; a reply other than 211 means the server lists nothing.
    public init(reply: Reply) {
        var entries: [String: String] = [:]
        if reply.code == .systemStatus, reply.lines.count > 1 {
            for line in reply.lines.dropFirst().dropLast() {
                // RFC 2389: each feature line starts with a single space; be lenient about more or none.
                let trimmed = line.drop { $0 == " " || $0 == "\t" }
                guard !trimmed.isEmpty else { continue }
                let name = trimmed.prefix { $0 != " " }
                let parameters = trimmed.dropFirst(name.count).drop { $0 == " " }
                entries[name.uppercased()] = String(parameters)
            }
        }
        self.entries = entries
    }

    public func supports(_ name: String) -> Bool { entries[name.uppercased()] != nil }
    public func parameters(of name: String) -> String? { entries[name.uppercased()] }
    public var names: [String] { entries.keys.sorted() }
}
