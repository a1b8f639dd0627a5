/// After ABOR during a transfer (RFC 959 §4.1.3) two replies are owed: the transfer's own final reply (426 when
/// it was cut, or 226 when it had completed first) and ABOR's (226, or 225 when nothing was in progress). This
/// pairs each reply with what caused it, so the next command gets its own reply and never a leftover.
public struct AbortReplies: Sendable, Equatable {
    public private(set) var transferReply: Reply?
    public private(set) var abortReply: Reply?

    public init() {}

    /// Both owed replies are in.
    public var isComplete: Bool { transferReply != nil && abortReply != nil }

    /// Takes the next final reply.
    public mutating func receive(_ reply: Reply) {
        if transferReply != nil {
            abortReply = reply
            return
        }
        switch reply.code.rawValue {
        case 225:
            // "No transfer to ABOR": the transfer had ended and its reply was read; nothing more is owed.
            abortReply = reply
            transferReply = reply
        case 500, 501, 502, 504:
            // ABOR itself refused (command-level codes): the transfer's reply is still owed.
            abortReply = reply
        default:
            transferReply = reply
        }
    }
}
