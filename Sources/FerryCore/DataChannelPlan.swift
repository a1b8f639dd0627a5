/// How a data connection is negotiated, as a state machine: it names the next step, reads the replies and
/// connection outcomes, and learns which steps this server refuses.
///
/// Passive: EPSV → PASV → (with fallback) EPRT → PORT. Active: EPRT → PORT → (with fallback) EPSV → PASV.
/// A PASV reply's address is not trusted unless asked: the client dials the control connection's peer.
public struct DataChannelPlan: Sendable {
    public enum Mode: String, Sendable, Equatable { case passive, active }

    public struct Preferences: Sendable, Equatable {
        public var mode: Mode = .passive
        /// Use EPSV and EPRT (tnftp's `epsv4`/`epsv6` for the control connection's family).
        public var extended: Bool = true
        /// Try the other mode when every step of the chosen one failed (tnftp's "fallback to active").
        public var fallback: Bool = true
        /// Even without `fallback`: when the server refuses (5yz) both commands of the chosen mode, use the other
        /// mode (FileZilla's behaviour); off (`set fallback off`) keeps the chosen mode strictly.
        public var fallbackOnRefusal: Bool = true
        /// Dial the address a 227 reply names instead of the control connection's peer.
        public var trustPassiveAddress: Bool = false
        /// Steps this server refused before in the session; skipped.
        public var refused: Set<Step> = []
        public init() {}
    }

    public enum Step: String, Sendable, Hashable {
        case extendedPassive = "EPSV", passive = "PASV", extendedActive = "EPRT", active = "PORT"
        public var isPassive: Bool { self == .extendedPassive || self == .passive }
    }

    public enum PassiveTarget: Sendable, Equatable {
        case controlPeer(port: UInt16, offered: IPv4Endpoint?)
        case address(IPv4Endpoint)
    }

    public enum Action: Sendable, Equatable {
        /// Send this step's command (for active steps, after opening a listener).
        case request(Step)
        /// Connect to the server's data port, then send the transfer command.
        case connect(PassiveTarget)
        /// The server accepted PORT/EPRT: send the transfer command, then accept its connection.
        case acceptAfterTransferCommand
        /// Nothing is left to try.
        case fail(String)
    }

    public private(set) var current: Step?
    public private(set) var refused: Set<Step>
    /// The server refused every command of the chosen mode, so the other mode is in use: say so once.
    public private(set) var switchedMode: Mode?
    private var remaining: [Step]
    private var lastProblem = "no data-channel method is enabled"
    private let trustPassiveAddress: Bool
    private let chosen: [Step]
    private let other: [Step]
    private let otherMode: Mode
    private var mayFallBackOnRefusal: Bool
    /// Steps the server answered with 5yz in this negotiation (a failed connection is not a refusal).
    private var commandRefused: Set<Step> = []

    public init(_ preferences: Preferences) {
        let passive: [Step] = preferences.extended ? [.extendedPassive, .passive] : [.passive]
        let active: [Step] = preferences.extended ? [.extendedActive, .active] : [.active]
        chosen = preferences.mode == .passive ? passive : active
        other = preferences.mode == .passive ? active : passive
        otherMode = preferences.mode == .passive ? .active : .passive
        var order = chosen
        if preferences.fallback { order += other }
        mayFallBackOnRefusal = preferences.fallbackOnRefusal && !preferences.fallback
        remaining = order.filter { !preferences.refused.contains($0) }
        refused = preferences.refused
        trustPassiveAddress = preferences.trustPassiveAddress
        if remaining.isEmpty, mayFallBackOnRefusal, chosen.allSatisfy(preferences.refused.contains) {
            // The chosen mode was refused earlier in the session: go straight to the other one.
            remaining = other.filter { !preferences.refused.contains($0) }
            mayFallBackOnRefusal = false
            switchedMode = otherMode
        }
        if remaining.isEmpty, !order.isEmpty {
            // Everything was refused before: try the chosen mode once more rather than give up unasked.
            remaining = order
        }
    }

    public mutating func start() -> Action { advance() }

    /// The server's reply to the current step's command.
    public mutating func receive(_ reply: Reply) -> Action {
        guard let step = current else { return .fail(lastProblem) }
        if reply.code == .serviceNotAvailable { return .fail("server closed the connection: \(reply.firstLineText)") }
        switch (step, reply.code) {
        case (.extendedPassive, .enteringExtendedPassive):
            do {
                let port = try AddressCodec.parseExtendedPassiveReply(reply.text)
                return .connect(.controlPeer(port: port, offered: nil))
            } catch {
                lastProblem = "unreadable EPSV reply: \(reply.firstLineText)"
                return advance()
            }
        case (.passive, .enteringPassive):
            do {
                let endpoint = try AddressCodec.parsePassiveReply(reply.text)
                if trustPassiveAddress { return .connect(.address(endpoint)) }
                return .connect(.controlPeer(port: endpoint.port, offered: endpoint))
            } catch {
                lastProblem = "unreadable PASV reply: \(reply.firstLineText)"
                return advance()
            }
        case (.extendedActive, _) where reply.code.isSuccess, (.active, _) where reply.code.isSuccess:
            return .acceptAfterTransferCommand
        default:
            lastProblem = "\(step.rawValue) refused: \(reply.description)"
            if reply.code.category == .permanentNegative {
                refused.insert(step)
                commandRefused.insert(step)
            }
            return advance()
        }
    }

    /// The data connection of the current (passive) step could not be made.
    public mutating func connectFailed(_ reason: String) -> Action {
        lastProblem = "\(current?.rawValue ?? "data") connection failed: \(reason)"
        if let current { refused.insert(current) }
        return advance()
    }

    private mutating func advance() -> Action {
        if remaining.isEmpty, mayFallBackOnRefusal, chosen.allSatisfy(commandRefused.contains) {
            mayFallBackOnRefusal = false
            switchedMode = otherMode
            remaining = other
        }
        guard !remaining.isEmpty else {
            current = nil
            return .fail(lastProblem)
        }
        let step = remaining.removeFirst()
        current = step
        return .request(step)
    }
}
