/// A three-digit FTP reply code (RFC 959 §4.2). Open: any code a server sends is representable.
public struct ReplyCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int

    public init(rawValue: Int) { self.rawValue = rawValue }
    public init(_ value: Int) { self.rawValue = value }

    /// The first digit says how the command went.
    public enum Category: Int, Sendable {
        case positivePreliminary = 1   // 1yz: more replies follow
        case positiveCompletion = 2    // 2yz: done
        case positiveIntermediate = 3  // 3yz: send the next command of the sequence
        case transientNegative = 4     // 4yz: try again later
        case permanentNegative = 5     // 5yz: do not retry as is
        case invalid = 0
    }

    public var category: Category { Category(rawValue: rawValue / 100) ?? .invalid }
    public var isPreliminary: Bool { category == .positivePreliminary }
    public var isSuccess: Bool { category == .positiveCompletion }
    public var isIntermediate: Bool { category == .positiveIntermediate }
    public var isNegative: Bool { category == .transientNegative || category == .permanentNegative }
    public var description: String { String(rawValue) }

    public static let restartMarker = ReplyCode(110)
    public static let serviceReadyLater = ReplyCode(120)
    public static let dataAlreadyOpen = ReplyCode(125)
    public static let fileStatusOK = ReplyCode(150)
    public static let commandOK = ReplyCode(200)
    public static let systemStatus = ReplyCode(211)
    public static let fileStatus = ReplyCode(213)
    public static let systemType = ReplyCode(215)
    public static let serviceReady = ReplyCode(220)
    public static let closingControl = ReplyCode(221)
    public static let closingData = ReplyCode(226)
    public static let enteringPassive = ReplyCode(227)
    public static let enteringExtendedPassive = ReplyCode(229)
    public static let loggedIn = ReplyCode(230)
    public static let fileActionOK = ReplyCode(250)
    public static let pathCreated = ReplyCode(257)
    public static let needPassword = ReplyCode(331)
    public static let needAccount = ReplyCode(332)
    public static let pendingFurtherInformation = ReplyCode(350)
    public static let serviceNotAvailable = ReplyCode(421)
    public static let cannotOpenData = ReplyCode(425)
    public static let transferAborted = ReplyCode(426)
    public static let notImplemented = ReplyCode(502)
    public static let notLoggedIn = ReplyCode(530)
    public static let fileUnavailable = ReplyCode(550)
}
