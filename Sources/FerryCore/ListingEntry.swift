/// One entry of a parsed directory listing.
public struct ListingEntry: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable { case file, directory, link, other, unknown }

    public var name: String
    public var kind: Kind
    public var size: Int64?
    /// MLSD `modify` as sent (YYYYMMDDHHMMSS[.sss], UTC).
    public var modify: String?
    /// Every fact, names lower-cased (MLSD); empty for NLST names.
    public var facts: [String: String]
    public var raw: String

    public init(name: String, kind: Kind, size: Int64? = nil, modify: String? = nil, facts: [String: String] = [:], raw: String) {
        self.name = name
        self.kind = kind
        self.size = size
        self.modify = modify
        self.facts = facts
        self.raw = raw
    }
}

public enum ListingParser {
    /// RFC 3659 §7.2: `entry = [facts] SP pathname`, `facts = 1*(fact ";")`, `fact = factname "=" value`.
    /// Fact names are case-insensitive; a size that is not a number is dropped rather than trusted.
    public static func parseMLSD(_ line: String) -> ListingEntry? {
        guard let space = line.firstIndex(of: " ") else { return nil }
        let factText = line[..<space]
        let name = String(line[line.index(after: space)...])
        guard !name.isEmpty, factText.contains("=") || factText.isEmpty else { return nil }
        var facts: [String: String] = [:]
        for fact in factText.split(separator: ";") {
            guard let equals = fact.firstIndex(of: "=") else { return nil }
            facts[fact[..<equals].lowercased()] = String(fact[fact.index(after: equals)...])
        }
        let kind: ListingEntry.Kind
        switch facts["type"]?.lowercased() {
        case "file": kind = .file
        case "dir", "cdir", "pdir": kind = .directory
        case let type? where type.hasPrefix("os.unix=slink") || type.hasPrefix("os.unix=symlink"): kind = .link
        case nil: kind = .unknown
        default: kind = .other
        }
        let size = facts["size"].flatMap { Int64($0) }.flatMap { $0 >= 0 ? $0 : nil }
        return ListingEntry(name: name, kind: kind, size: size, modify: facts["modify"], facts: facts, raw: line)
    }

    /// `cdir`/`pdir` entries name the directory itself and its parent.
    public static func isSelfOrParent(_ entry: ListingEntry) -> Bool {
        let type = entry.facts["type"]?.lowercased()
        return type == "cdir" || type == "pdir" || entry.name == "." || entry.name == ".."
    }
}
