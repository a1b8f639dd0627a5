/// MLSD lines (RFC 3659 §7.2), read on bytes: `entry = [facts] SP pathname`, `facts = 1*(fact ";")`,
/// `fact = factname "=" value`. Fact names are case-insensitive; unknown facts are kept; a value that cannot
/// be right (a negative or non-numeric size, a malformed time or mode) is dropped rather than applied.
extension ListingParser {
    public static func parseMLSD(_ line: String) -> ListingEntry? {
        parseMLSDBytes(WireText.encode(line)[...])
    }

    static func parseMLSDBytes(_ line: ArraySlice<UInt8>) -> ListingEntry? {
        guard let space = line.firstIndex(of: 0x20), space > line.startIndex, line[space - 1] == UInt8(ascii: ";"),
              space + 1 < line.endIndex else { return nil }
        var facts: [String: String] = [:]
        var start = line.startIndex
        while start < space {
            var end = start
            while end < space, line[end] != UInt8(ascii: ";") { end += 1 }
            guard let equals = line[start..<end].firstIndex(of: UInt8(ascii: "=")), equals > start else { return nil }
            let name = String(decoding: line[start..<equals].map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
            facts[name] = WireText.decode(line[(equals + 1)..<end])
            start = end + 1
        }
        let name = WireText.decode(line[(space + 1)...])
        let type = facts["type"]?.lowercased()
        let kind: ListingEntry.Kind
        switch type {
        case "file": kind = .file
        case "dir", "cdir", "pdir": kind = .directory
        case let type? where type.hasPrefix("os.unix=slink") || type.hasPrefix("os.unix=symlink"): kind = .link
        case nil: kind = .unknown
        default: kind = .other
        }
        let size = facts["size"].flatMap { Int64($0) }.flatMap { $0 >= 0 ? $0 : nil }
        var target: String?
        if kind == .link, let full = facts["type"], let colon = full.firstIndex(of: ":") {
            let rest = full[full.index(after: colon)...]
            target = rest.isEmpty ? nil : String(rest)
        }
        return ListingEntry(name: name, kind: kind, size: size, modified: facts["modify"].flatMap(Timestamp.parse),
                            permissions: facts["unix.mode"].flatMap(parseOctalMode), linkTarget: target, facts: facts,
                            format: .mlsd, raw: WireText.decode(line))
    }
}
