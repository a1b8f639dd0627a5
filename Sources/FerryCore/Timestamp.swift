/// An MDTM / MLSD time value (RFC 3659 §2.3: `YYYYMMDDHHMMSS[.sss]`, always UTC) as seconds since 1970.
public enum Timestamp {
    public static func parse(_ text: String) -> Int64? {
        let digits = Array(text.utf8.prefix { $0 != UInt8(ascii: ".") })
        guard digits.count == 14, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        func number(_ from: Int, _ count: Int) -> Int {
            digits[from..<(from + count)].reduce(0) { $0 * 10 + Int($1 - 0x30) }
        }
        let year = number(0, 4), month = number(4, 2), day = number(6, 2)
        let hour = number(8, 2), minute = number(10, 2), second = number(12, 2)
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second <= 60 else { return nil }
        return Int64(daysFromCivil(year: year, month: month, day: day)) * 86400
            + Int64(hour * 3600 + minute * 60 + second)
    }

    /// The range every formatted time is held to: years 0000 to 9999, so the text always has its fixed width.
    public static let earliest: Int64 = -62_167_219_200   // 0000-01-01T00:00:00Z
    public static let latest: Int64 = 253_402_300_799     // 9999-12-31T23:59:59Z

    /// Seconds since 1970 as `YYYYMMDDHHMMSS` (for MFMT and display); times outside years 0000–9999 are clamped.
    public static func format(_ seconds: Int64) -> String {
        let parts = fields(seconds)
        return digits(parts.year, 4) + digits(parts.month, 2) + digits(parts.day, 2)
            + digits(parts.hour, 2) + digits(parts.minute, 2) + digits(parts.second, 2)
    }

    /// Seconds since 1970 as `YYYY-MM-DD<separator>HH:MM:SS` (UTC): "T" for ISO 8601, " " for people.
    public static func readable(_ seconds: Int64, separator: String = "T") -> String {
        let parts = fields(seconds)
        return "\(digits(parts.year, 4))-\(digits(parts.month, 2))-\(digits(parts.day, 2))\(separator)"
            + "\(digits(parts.hour, 2)):\(digits(parts.minute, 2)):\(digits(parts.second, 2))"
    }

    private static func fields(_ seconds: Int64) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        let clamped = min(max(seconds, earliest), latest)
        let days = clamped >= 0 ? clamped / 86400 : (clamped - 86399) / 86400
        let rest = Int(clamped - days * 86400)
        let (year, month, day) = civilFromDays(Int(days))
        return (year, month, day, rest / 3600, rest / 60 % 60, rest % 60)
    }

    /// `value` in decimal, zero-padded to `width` digits (value is never negative here).
    private static func digits(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    /// The calendar date of a time (UTC).
    public static func components(_ seconds: Int64) -> (year: Int, month: Int, day: Int) {
        let clamped = min(max(seconds, earliest), latest)
        return civilFromDays(Int(clamped >= 0 ? clamped / 86400 : (clamped - 86399) / 86400))
    }

    /// Howard Hinnant's days-from-civil algorithm (proleptic Gregorian calendar).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
