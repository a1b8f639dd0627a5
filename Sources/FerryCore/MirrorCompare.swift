/// What a mirror knows of one file on one side: size and modification time (UTC), and how exact that time is.
/// Unknown values are stored as Int64.min, so a stamp is 17 bytes, not 25 (a mirror keeps one per entry).
public struct FileStamp: Sendable, Equatable {
    private var storedSize: Int64
    private var storedModified: Int64
    public var precision: TimePrecision

    public var size: Int64? {
        get { storedSize == .min ? nil : storedSize }
        set { storedSize = newValue ?? .min }
    }
    public var modified: Int64? {
        get { storedModified == .min ? nil : storedModified }
        set { storedModified = newValue ?? .min }
    }

    public init(size: Int64?, modified: Int64?, precision: TimePrecision = .second) {
        storedSize = size ?? .min
        storedModified = modified ?? .min
        self.precision = precision
    }
}

/// Whether a file goes from the source to the target, and why (mirror's plan and `--dry-run` say the reason).
public enum MirrorDecision: Equatable, Sendable {
    public enum Transfer: String, Sendable { case missing = "new", sizeDiffers = "size differs", timeDiffers = "time differs", newer = "newer",
                                             contentDiffers = "content differs" }
    public enum Skip: String, Sendable { case same = "unchanged", notNewer = "not newer" }
    case transfer(Transfer)
    case skip(Skip)
}

/// The pure part of mirror: deciding from two stamps, and reading the server's time zone from one file.
public enum MirrorCompare {
    public struct Rules: Sendable, Equatable {
        /// `--only-newer`: transfer only when the source is newer than the target.
        public var onlyNewer = false
        /// The target's times cannot be set (an upload to a server without MFMT): a target file as large as the
        /// source and not older than it is the copy made last time.
        public var targetKeepsTransferTime = false
        /// Seconds east of UTC of the server's wall clock: times to the minute or day are compared on that clock.
        public var wallClockOffset: Int64 = 0
        public init() {}
    }

    public static func decide(source: FileStamp, target: FileStamp?, rules: Rules) -> MirrorDecision {
        guard let target else { return .transfer(.missing) }
        let order = compareTimes(source, target, offset: rules.wallClockOffset)
        if rules.onlyNewer, let order {
            return order == .newer ? .transfer(.newer) : .skip(.notNewer)
        }
        if let a = source.size, let b = target.size, a != b { return .transfer(.sizeDiffers) }
        switch order {
        case nil, .same: return .skip(.same)
        case .older where rules.targetKeepsTransferTime: return .skip(.same)
        case .newer, .older: return .transfer(.timeDiffers)
        }
    }

    /// How the source's time stands to the target's: compared at the coarser of the two precisions, on the
    /// server's wall clock (an `ls` date is a date there); to the second, a difference of 1 s is still the same.
    /// Nil when either time is unknown.
    public enum Order: Equatable, Sendable { case same, newer, older }
    public static func compareTimes(_ source: FileStamp, _ target: FileStamp, offset: Int64 = 0) -> Order? {
        guard let a = source.modified, let b = target.modified else { return nil }
        let grain = max(source.precision, target.precision).seconds
        if grain == 1 {
            return abs(a - b) <= 1 ? .same : a > b ? .newer : .older
        }
        let left = floorDiv(a &+ offset, grain), right = floorDiv(b &+ offset, grain)
        return left == right ? .same : left > right ? .newer : .older
    }

    /// The server's time-zone offset (seconds east of UTC, a multiple of 15 minutes within ±14 h) from one file:
    /// `listed` is its LIST time read as if it were UTC (to the minute), `exact` its MDTM (UTC, to the second).
    /// Nil when the two cannot be the same moment on any clock.
    public static func timeZoneOffset(listed: Int64, exact: Int64) -> Int64? {
        // listed = floor((exact + offset) / 60) * 60, so listed - exact lies in (offset - 60, offset].
        let difference = listed - exact + 30
        let quarter: Int64 = 900
        let offset = floorDiv(difference + quarter / 2, quarter) * quarter
        guard abs(offset) <= 14 * 3600, difference - 30 > offset - 60 - 1, difference - 30 <= offset + 1 else { return nil }
        return offset
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }
}
