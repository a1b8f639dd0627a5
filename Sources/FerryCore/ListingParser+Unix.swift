/// Unix `ls -l` lines, as vsftpd, proftpd, pure-ftpd, pyftpdlib and busybox write them:
///
///     -rw-r--r--    1 owner    group        1234 Nov 21 15:09 name with spaces.txt
///     crw-rw-rw-    1 root     root       1,   3 Jan  1  2019 null
///     lrwxrwxrwx    1 0        0               9 Nov 21 16:09 link -> plain.txt
///     -rw-r--r--    1 54321          1 Jan  1  2019 no-group-column
///
/// The date is found by its shape (month name, day, time or year); everything before it is permissions,
/// links, owner, optional group and size (or "major, minor"); everything after the one space that follows it
/// is the name, leading spaces included.
extension ListingParser {
    static let months: [[UInt8]] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        .map { Array($0.utf8) }

    public static func parseUnix(_ line: ArraySlice<UInt8>, context: ListingContext) -> ListingEntry? {
        let bytes = Array(line)
        guard bytes.count >= 10, let kind = unixKind(bytes[0]), let permissions = unixPermissions(bytes[1..<10]) else {
            return nil
        }
        let fields = fieldRanges(bytes)
        guard fields.count >= 6 else { return nil }
        // Find month-day-(time|year): the first such triple after at least links and owner.
        var found: (month: Int, day: Int, index: Int)?
        for index in 2..<(fields.count - 2) {
            guard let month = monthNumber(bytes[fields[index]]),
                  let day = number(bytes[fields[index + 1]]), (1...31).contains(day),
                  isTimeOrYear(bytes[fields[index + 2]]) else { continue }
            found = (month, day, index)
            break
        }
        guard let date = found, fields.count > date.index + 3 || date.index + 3 == fields.count else { return nil }
        let sizeText = bytes[fields[date.index - 1]]
        var size = number64(sizeText)
        if kind == .other, date.index >= 3, bytes[fields[date.index - 2]].last == UInt8(ascii: ",") {
            size = nil   // a device: "major, minor"
        } else if sizeText.last == UInt8(ascii: ","), kind == .other {
            size = nil
        }
        guard size != nil || kind == .other else { return nil }
        let timeField = fields[date.index + 2]
        var nameStart = timeField.upperBound
        if nameStart < bytes.count, bytes[nameStart] == UInt8(ascii: " ") { nameStart += 1 }
        guard nameStart < bytes.count else { return nil }
        let nameBytes = Array(bytes[nameStart...])
        var name = WireText.decode(nameBytes)
        var target: String?
        if kind == .link, let arrow = find(Array(" -> ".utf8), in: nameBytes) {
            name = WireText.decode(nameBytes[..<arrow])
            target = WireText.decode(nameBytes[(arrow + 4)...])
        }
        let modified = unixTime(month: date.month, day: date.day, timeOrYear: bytes[timeField], context: context)
        var entry = ListingEntry(name: name, kind: kind, size: kind == .directory || kind == .file || kind == .link ? size : nil,
                                 modified: modified, permissions: permissions, linkTarget: target, format: .unix,
                                 raw: WireText.decode(bytes))
        entry.timePrecision = bytes[timeField].contains(UInt8(ascii: ":")) ? .minute : .day
        return entry
    }

    static func unixKind(_ byte: UInt8) -> ListingEntry.Kind? {
        switch byte {
        case UInt8(ascii: "-"): return .file
        case UInt8(ascii: "d"): return .directory
        case UInt8(ascii: "l"): return .link
        case UInt8(ascii: "c"), UInt8(ascii: "b"), UInt8(ascii: "p"), UInt8(ascii: "s"), UInt8(ascii: "D"): return .other
        default: return nil
        }
    }

    /// rwxrwxrwx with s/S/t/T in the execute places.
    static func unixPermissions(_ text: ArraySlice<UInt8>) -> UInt16? {
        let chars = Array(text)
        guard chars.count == 9 else { return nil }
        var mode: UInt16 = 0
        for triple in 0..<3 {
            let shift = UInt16(6 - triple * 3)
            let r = chars[triple * 3], w = chars[triple * 3 + 1], x = chars[triple * 3 + 2]
            guard r == UInt8(ascii: "r") || r == UInt8(ascii: "-"), w == UInt8(ascii: "w") || w == UInt8(ascii: "-") else {
                return nil
            }
            if r == UInt8(ascii: "r") { mode |= 4 << shift }
            if w == UInt8(ascii: "w") { mode |= 2 << shift }
            let special: UInt16 = triple == 0 ? 0o4000 : triple == 1 ? 0o2000 : 0o1000
            switch x {
            case UInt8(ascii: "x"): mode |= 1 << shift
            case UInt8(ascii: "-"): break
            case UInt8(ascii: "s") where triple < 2, UInt8(ascii: "t") where triple == 2: mode |= (1 << shift) | special
            case UInt8(ascii: "S") where triple < 2, UInt8(ascii: "T") where triple == 2: mode |= special
            default: return nil
            }
        }
        return mode
    }

    /// The seconds-since-1970 of an ls date. "HH:MM" dates carry no year: ls shows them for the last six
    /// months, so the year is the one that puts the date in the past (a day of clock skew allowed).
    static func unixTime(month: Int, day: Int, timeOrYear: ArraySlice<UInt8>, context: ListingContext) -> Int64? {
        let text = String(decoding: timeOrYear, as: UTF8.self)
        let localNow = context.now + context.timeZoneOffset
        if let colon = text.firstIndex(of: ":") {
            guard let hour = Int(text[..<colon]), let minute = Int(text[text.index(after: colon)...]),
                  hour < 24, minute < 60 else { return nil }
            let nowYear = Timestamp.components(localNow).year
            for year in [nowYear + 1, nowYear, nowYear - 1] {
                let days = Timestamp.daysFromCivil(year: year, month: month, day: day)
                let local = Int64(days) * 86400 + Int64(hour * 3600 + minute * 60)
                if local <= localNow + 86400 { return local - context.timeZoneOffset }
            }
            return nil
        }
        guard let year = Int(text), year >= 1900, year <= 9999 else { return nil }
        return Int64(Timestamp.daysFromCivil(year: year, month: month, day: day)) * 86400 - context.timeZoneOffset
    }

    static func monthNumber(_ text: ArraySlice<UInt8>) -> Int? {
        guard text.count == 3 else { return nil }
        let lowered = text.map { $0 | 0x20 }
        return months.firstIndex(of: lowered).map { $0 + 1 }
    }

    static func isTimeOrYear(_ text: ArraySlice<UInt8>) -> Bool {
        let chars = Array(text)
        if chars.count == 4, chars.allSatisfy(isDigit) { return true }
        guard (4...5).contains(chars.count), let colon = chars.firstIndex(of: UInt8(ascii: ":")) else { return false }
        return colon >= 1 && chars.count - colon == 3 && chars.enumerated().allSatisfy { $0.offset == colon || isDigit($0.element) }
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    static func number(_ text: ArraySlice<UInt8>) -> Int? {
        guard !text.isEmpty, text.count <= 9, text.allSatisfy(isDigit) else { return nil }
        return text.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }

    static func number64(_ text: ArraySlice<UInt8>) -> Int64? {
        guard !text.isEmpty, text.count <= 18, text.allSatisfy(isDigit) else { return nil }
        return text.reduce(Int64(0)) { $0 * 10 + Int64($1 - 0x30) }
    }

    /// Ranges of the space-separated fields.
    static func fieldRanges(_ bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var index = 0
        while index < bytes.count {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
            let start = index
            while index < bytes.count, bytes[index] != 0x20, bytes[index] != 0x09 { index += 1 }
            if index > start { ranges.append(start..<index) }
        }
        return ranges
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return start
        }
        return nil
    }
}
