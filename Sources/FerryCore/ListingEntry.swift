/// One line of a directory listing, parsed. Every format gives this one type.
public struct ListingEntry: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable { case file, directory, link, other, unknown }
    /// Which parser read the line; `.raw` when none could (the line is kept, never dropped).
    public enum Format: String, Sendable, Equatable { case mlsd, unix, dos, names, raw }

    /// The name as text; bytes that are not UTF-8 are kept losslessly (see `WireText`).
    public var name: String
    public var kind: Kind
    public var size: Int64?
    /// Modification time, seconds since 1970 UTC.
    public var modified: Int64?
    /// How exact `modified` is: MLSD to the second, a LIST time to the minute, an old LIST date to the day.
    public var timePrecision: TimePrecision = .second
    /// Permission bits (0o7777 at most), when the listing gives them in a form that can be trusted.
    public var permissions: UInt16?
    /// Where a symbolic link points.
    public var linkTarget: String?
    /// MLSD facts, names lower-cased; empty for other formats.
    public var facts: [String: String]
    public var format: Format
    /// The line as received (without its line end).
    public var raw: String

    public init(name: String, kind: Kind, size: Int64? = nil, modified: Int64? = nil, permissions: UInt16? = nil,
                linkTarget: String? = nil, facts: [String: String] = [:], format: Format, raw: String) {
        self.name = name
        self.kind = kind
        self.size = size
        self.modified = modified
        self.permissions = permissions
        self.linkTarget = linkTarget
        self.facts = facts
        self.format = format
        self.raw = raw
    }
}

/// How exact a listed time is. Two times are compared at the coarser of their precisions.
public enum TimePrecision: Int, Sendable, Equatable, Comparable {
    case second = 1, minute = 60, day = 86400

    public var seconds: Int64 { Int64(rawValue) }
    public static func < (a: TimePrecision, b: TimePrecision) -> Bool { a.rawValue < b.rawValue }
}

/// What a parser needs to know that the listing does not say: the time now and the server's time zone
/// (house rule 4: FerryCore never reads the clock).
public struct ListingContext: Sendable, Equatable {
    /// Seconds since 1970 UTC.
    public var now: Int64
    /// Seconds east of UTC of the times a LIST shows (0 for UTC, the default of vsftpd).
    public var timeZoneOffset: Int64

    public init(now: Int64, timeZoneOffset: Int64 = 0) {
        self.now = now
        self.timeZoneOffset = timeZoneOffset
    }
}
