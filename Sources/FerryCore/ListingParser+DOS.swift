/// DOS / IIS LIST lines:
///
///     11-05-24  09:41AM       <DIR>          Projects
///     11-05-2024  21:41             1,234 report final.txt
///
/// Date MM-DD-YY or MM-DD-YYYY (two-digit years below 70 are 20xx), time 12-hour with AM/PM or 24-hour,
/// then `<DIR>` or the size (commas allowed), then the name. IIS gives no time zone: times are read as UTC.
extension ListingParser {
    public static func parseDOS(_ line: ArraySlice<UInt8>) -> ListingEntry? {
        let bytes = Array(line)
        let fields = fieldRanges(bytes)
        guard fields.count >= 4 else { return nil }
        guard let date = dosDate(bytes[fields[0]]) else { return nil }
        var timeText = Array(bytes[fields[1]])
        var next = 2
        if fields.count > 4, ["AM", "PM"].contains(String(decoding: bytes[fields[2]], as: UTF8.self).uppercased()) {
            timeText += bytes[fields[2]]
            next = 3
        }
        guard let seconds = dosTime(timeText) else { return nil }
        let marker = bytes[fields[next]]
        let kind: ListingEntry.Kind
        var size: Int64?
        if String(decoding: marker, as: UTF8.self).uppercased() == "<DIR>" {
            kind = .directory
        } else {
            let digits = marker.filter { $0 != UInt8(ascii: ",") && $0 != UInt8(ascii: ".") }
            guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy(isDigit),
                  marker.first.map(isDigit) == true else { return nil }
            size = digits.reduce(Int64(0)) { $0 * 10 + Int64($1 - 0x30) }
            kind = .file
        }
        guard next + 1 < fields.count else { return nil }
        let name = WireText.decode(bytes[fields[next + 1].lowerBound...])
        let modified = Int64(Timestamp.daysFromCivil(year: date.year, month: date.month, day: date.day)) * 86400 + seconds
        var entry = ListingEntry(name: name, kind: kind, size: size, modified: modified, format: .dos, raw: WireText.decode(bytes))
        entry.timePrecision = .minute
        return entry
    }

    static func dosDate(_ text: ArraySlice<UInt8>) -> (year: Int, month: Int, day: Int)? {
        let parts = text.split(whereSeparator: { $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "/") })
        guard parts.count == 3, let month = number(parts[0]), let day = number(parts[1]), let rawYear = number(parts[2]),
              parts[0].count <= 2, parts[1].count <= 2, parts[2].count == 2 || parts[2].count == 4,
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        let year = parts[2].count == 4 ? rawYear : (rawYear < 70 ? 2000 + rawYear : 1900 + rawYear)
        return (year, month, day)
    }

    /// "09:41AM", "9:41 PM", "21:41" → seconds after midnight.
    static func dosTime(_ text: [UInt8]) -> Int64? {
        var chars = text
        var meridiem: UInt8?
        if chars.count >= 2, [UInt8(ascii: "M"), UInt8(ascii: "m")].contains(chars.last!) {
            meridiem = chars[chars.count - 2] | 0x20
            chars.removeLast(2)
        }
        guard let colon = chars.firstIndex(of: UInt8(ascii: ":")), let hour = number(chars[..<colon][...]),
              let minute = number(chars[(colon + 1)...]), chars.count - colon == 3, minute < 60 else { return nil }
        var hours = hour
        switch meridiem {
        case UInt8(ascii: "a")?: guard (1...12).contains(hour) else { return nil }; hours = hour % 12
        case UInt8(ascii: "p")?: guard (1...12).contains(hour) else { return nil }; hours = hour % 12 + 12
        case nil: guard hour < 24 else { return nil }
        default: return nil
        }
        return Int64(hours * 3600 + minute * 60)
    }
}
