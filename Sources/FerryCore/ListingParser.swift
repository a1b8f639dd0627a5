/// Directory listings: MLSD (RFC 3659), Unix `ls -l` and DOS/IIS LIST lines, detected per line.
/// A line no parser reads comes back with format `.raw`: kept, never dropped, never fatal.
public enum ListingParser {
    /// A whole listing: one entry per line (CR/LF ends stripped), in order; `total N` lines are left out.
    public static func parse(_ bytes: [UInt8], mlsd: Bool, context: ListingContext) -> [ListingEntry] {
        var entries: [ListingEntry] = []
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            var lineEnd = end
            if lineEnd > start, bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            let line = bytes[start..<lineEnd]
            if !line.isEmpty, let entry = mlsd ? parseMLSDEntry(line) : parseLine(line, context: context) {
                entries.append(entry)
            }
            start = end + 1
        }
        return entries
    }

    /// One line of an MLSD (`mlsd`) or LIST listing, as `parse` reads it; nil for `total N` lines and empty ones.
    public static func parseEntry(_ line: ArraySlice<UInt8>, mlsd: Bool, context: ListingContext) -> ListingEntry? {
        guard !line.isEmpty else { return nil }
        return mlsd ? parseMLSDEntry(line) : parseLine(line, context: context)
    }

    /// One LIST line: Unix, then DOS; otherwise `.raw`. Nil only for `total N` summary lines.
    public static func parseLine(_ line: ArraySlice<UInt8>, context: ListingContext) -> ListingEntry? {
        if isTotalLine(line) { return nil }
        if let entry = parseUnix(line, context: context) ?? parseDOS(line) { return entry }
        let text = WireText.decode(line)
        return ListingEntry(name: text, kind: .unknown, format: .raw, raw: text)
    }

    /// An MLSD line, or `.raw` when it is not one.
    static func parseMLSDEntry(_ line: ArraySlice<UInt8>) -> ListingEntry {
        if let entry = parseMLSDBytes(line) { return entry }
        let text = WireText.decode(line)
        return ListingEntry(name: text, kind: .unknown, format: .raw, raw: text)
    }

    static func isTotalLine(_ line: ArraySlice<UInt8>) -> Bool {
        let text = Array(line)
        guard text.count > 6, text.starts(with: Array("total ".utf8)) else { return false }
        return text[6...].allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// "0644", "644", "4755"; pyftpdlib's Python-style "0o644" is read as the octal it spells. Anything else
    /// (an empty value, a digit 8 or 9, more than four digits) is not a mode.
    static func parseOctalMode(_ text: String) -> UInt16? {
        var digits = Substring(text)
        if digits.hasPrefix("0o") || digits.hasPrefix("0O") { digits = digits.dropFirst(2) }
        guard (1...5).contains(digits.count), digits.allSatisfy({ ("0"..."7").contains($0) }),
              let value = UInt16(digits, radix: 8), value <= 0o7777 else { return nil }
        return value
    }

    /// `cdir`/`pdir` entries name the directory itself and its parent.
    public static func isSelfOrParent(_ entry: ListingEntry) -> Bool {
        let type = entry.facts["type"]?.lowercased()
        return type == "cdir" || type == "pdir" || entry.name == "." || entry.name == ".."
    }
}
