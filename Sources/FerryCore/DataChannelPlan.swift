/// How a data connection is negotiated, as a state machine: it names the next step, reads the replies and
/// connection outcomes, and learns which steps this server refuses, which do not get through, and which works.
///
/// Passive: EPSV → PASV → (with fallback) EPRT → PORT. Active: EPRT → PORT → (with fallback) EPSV → PASV.
/// A PASV reply's address is not trusted unless asked: the client dials the control connection's peer, and only
/// when that does not answer, a publicly routable address the 227 reply names (a middlebox that rewrote it).
public struct DataChannelPlan: Sendable {
    public enum Mode: String, Sendable, Equatable { case passive, active }

    public struct Preferences: Sendable, Equatable {
        public var mode: Mode = .passive
        /// Use EPSV and EPRT (tnftp's `epsv4`/`epsv6` for the control connection's family).
        public var extended: Bool = true
        /// Try the other mode when every step of the chosen one failed (tnftp's "fallback to active").
        public var fallback: Bool = true
        /// Even without `fallback`: when the server refuses (5yz) both commands of the chosen mode, use the other
        /// mode (FileZilla's behaviour); off (`set fallback off`, `-p`, `-A`) keeps the chosen mode strictly.
        public var fallbackOnRefusal: Bool = true
        /// Dial the address a 227 reply names instead of the control connection's peer.
        public var trustPassiveAddress: Bool = false
        /// The control connection's peer (IPv4 text), to tell a 227 address that differs from it.
        public var controlPeer: String?
        /// Steps this server refused before in the session (5yz); skipped.
        public var refused: Set<Step> = []
        /// Steps whose data connection did not get through before in the session; skipped (not a refusal).
        public var unreachable: Set<Step> = []
        /// What made the last data connection of the session: tried first.
        public var working: Working?
        /// This step alone, whatever the rest says (a diagnosis probes each step by itself).
        public var only: Step?
        /// How the fixes in failure texts name settings (see `SettingNames`).
        public var settingNames = SettingNames()
        public init() {}
    }

    public enum Step: String, Sendable, Hashable, CaseIterable {
        case extendedPassive = "EPSV", passive = "PASV", extendedActive = "EPRT", active = "PORT"
        public var isPassive: Bool { self == .extendedPassive || self == .passive }
        public var mode: Mode { isPassive ? .passive : .active }
    }

    /// A step that made a data connection, and whether it dialled the address a 227 reply named.
    public struct Working: Sendable, Hashable {
        public var step: Step
        public var viaOfferedAddress: Bool
        public init(step: Step, viaOfferedAddress: Bool = false) {
            self.step = step
            self.viaOfferedAddress = viaOfferedAddress
        }
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

    /// Why one attempt made no data connection: what the lab shows apart (a refusal, silence, a reset, 425).
    public enum Failure: Sendable, Equatable {
        /// The server answered the step's command with 4yz/5yz.
        case refused(Reply)
        /// The 227/229 reply could not be read.
        case unreadable(String)
        /// Nothing answered the connection (no SYN-ACK, no reset) within the wait: a filter drops it.
        case noAnswer(address: String, port: UInt16, seconds: Double)
        /// The connection was reset at once: a filter rejects it, or nothing listens there.
        case connectionRefused(address: String, port: UInt16)
        /// Active mode: the server did not connect back within the wait, nor answer.
        case noConnectBack(seconds: Double)
        /// Active mode: the server said it could not connect back (425).
        case serverCouldNotConnect(Reply)
        case other(String)
    }

    /// One step tried, and what became of it; `advertised` is the address PORT/EPRT named.
    public struct Attempt: Sendable, Equatable {
        public var step: Step
        public var failure: Failure
        public var advertised: String?
        /// The control connection's peer: NAT is the likely cause of a refused PORT only when it is a public one.
        public var server: String?
        public init(step: Step, failure: Failure, advertised: String? = nil, server: String? = nil) {
            self.step = step
            self.failure = failure
            self.advertised = advertised
            self.server = server
        }
    }

    public private(set) var current: Step?
    public private(set) var refused: Set<Step>
    public private(set) var unreachable: Set<Step>
    /// Set once a data connection is made (`connected()`), for the next negotiation to start with.
    public private(set) var working: Working?
    /// Every failed attempt of this negotiation, in order.
    public private(set) var attempts: [Attempt] = []
    /// The address and port the last 227 reply named; the address the last PORT/EPRT named.
    public private(set) var offered: IPv4Endpoint?
    public private(set) var lastAdvertised: String?
    /// The server refused every command of the chosen mode, so the other mode is in use: say so once.
    public private(set) var switchedMode: Mode?
    private var remaining: [Step]
    private let preferences: Preferences
    private let chosen: [Step]
    private let other: [Step]
    private let otherMode: Mode
    private var mayFallBackOnRefusal: Bool
    /// Steps the server answered with 5yz in this negotiation (a failed connection is not a refusal).
    private var commandRefused: Set<Step> = []
    /// PASV named a routable address other than the control peer's: dialled if the peer does not answer.
    private var offeredFallback: IPv4Endpoint?
    private var dialledOffered = false
    private var advertised: String?

    public init(_ given: Preferences) {
        var preferences = given
        if preferences.only != nil {
            // A probe of one step: nothing the session learned applies, nothing else is tried.
            preferences.refused = []
            preferences.unreachable = []
            preferences.working = nil
            preferences.fallback = false
            preferences.fallbackOnRefusal = false
        }
        self.preferences = preferences
        let passive: [Step] = preferences.extended ? [.extendedPassive, .passive] : [.passive]
        let active: [Step] = preferences.extended ? [.extendedActive, .active] : [.active]
        chosen = preferences.mode == .passive ? passive : active
        other = preferences.mode == .passive ? active : passive
        otherMode = preferences.mode == .passive ? .active : .passive
        var order = chosen
        if preferences.fallback { order += other }
        if let only = preferences.only { order = [only] }
        mayFallBackOnRefusal = preferences.fallbackOnRefusal && !preferences.fallback
        let skipped = preferences.refused.union(preferences.unreachable)
        remaining = order.filter { !skipped.contains($0) }
        refused = preferences.refused
        unreachable = preferences.unreachable
        if let working = preferences.working, order.contains(working.step) {
            remaining = [working.step] + remaining.filter { $0 != working.step }
        }
        if remaining.isEmpty, mayFallBackOnRefusal, chosen.allSatisfy(preferences.refused.contains) {
            // The chosen mode was refused earlier in the session: go straight to the other one.
            remaining = other.filter { !skipped.contains($0) }
            mayFallBackOnRefusal = false
            switchedMode = otherMode
        }
        if remaining.isEmpty, !order.isEmpty {
            // Everything failed before: try the chosen mode once more rather than give up unasked.
            remaining = order.filter { !preferences.refused.contains($0) }
            if remaining.isEmpty { remaining = order }
        }
    }

    public mutating func start() -> Action { advance() }

    /// The server's reply to the current step's command; `advertising` is the address PORT/EPRT named.
    public mutating func receive(_ reply: Reply, advertising: String? = nil) -> Action {
        guard let step = current else { return .fail(problem) }
        advertised = advertising
        if advertising != nil { lastAdvertised = advertising }
        if reply.code == .serviceNotAvailable { return .fail("server closed the connection: \(reply.firstLineText)") }
        switch (step, reply.code) {
        case (.extendedPassive, .enteringExtendedPassive):
            do {
                let port = try AddressCodec.parseExtendedPassiveReply(reply.text)
                return .connect(.controlPeer(port: port, offered: nil))
            } catch {
                return record(.unreadable("unreadable EPSV reply: \(reply.firstLineText)"))
            }
        case (.passive, .enteringPassive):
            do {
                let endpoint = try AddressCodec.parsePassiveReply(reply.text)
                offered = endpoint
                let trusted = preferences.trustPassiveAddress
                    || (preferences.working == Working(step: .passive, viaOfferedAddress: true))
                if trusted { return dial(offered: endpoint) }
                if let peer = preferences.controlPeer, endpoint.address != peer, endpoint.isPubliclyRoutable {
                    offeredFallback = endpoint
                }
                return .connect(.controlPeer(port: endpoint.port, offered: endpoint))
            } catch {
                return record(.unreadable("unreadable PASV reply: \(reply.firstLineText)"))
            }
        case (.extendedActive, _) where reply.code.isSuccess, (.active, _) where reply.code.isSuccess:
            return .acceptAfterTransferCommand
        default:
            if reply.code.category == .permanentNegative {
                refused.insert(step)
                commandRefused.insert(step)
            }
            return record(.refused(reply))
        }
    }

    /// The data connection of the current (passive) step could not be made.
    public mutating func connectFailed(_ failure: Failure) -> Action {
        guard let step = current else { return .fail(problem) }
        attempts.append(Attempt(step: step, failure: failure, advertised: advertised, server: preferences.controlPeer))
        // Only silence sends Ferry to the 227 address: a server's own address that resets the connection is a
        // server choosing where the bytes go (and it could name any machine).
        if step == .passive, let offered = offeredFallback, !dialledOffered, case .noAnswer = failure {
            offeredFallback = nil
            return dial(offered: offered)
        }
        unreachable.insert(step)
        return advance()
    }

    public mutating func connectFailed(_ reason: String) -> Action { connectFailed(.other(reason)) }

    /// The current step made the data connection (passive) or the server connected back (active).
    public mutating func connected() {
        guard let step = current else { return }
        working = Working(step: step, viaOfferedAddress: step == .passive && dialledOffered)
        unreachable.remove(step)
    }

    /// Active mode, after the transfer command: the server did not connect back. Nothing further is tried in this
    /// negotiation (the transfer command is spent); the step is not tried first next time.
    public mutating func connectBackFailed(_ failure: Failure) {
        guard let step = current else { return }
        attempts.append(Attempt(step: step, failure: failure, advertised: advertised, server: preferences.controlPeer))
        unreachable.insert(step)
        if working?.step == step { working = nil }
    }

    private mutating func dial(offered: IPv4Endpoint) -> Action {
        dialledOffered = true
        return .connect(.address(offered))
    }

    private mutating func record(_ failure: Failure) -> Action {
        if let step = current { attempts.append(Attempt(step: step, failure: failure, advertised: advertised, server: preferences.controlPeer)) }
        return advance()
    }

    private var problem: String {
        attempts.isEmpty ? "no data-channel method is enabled" : DataChannelTrouble.summary(attempts, naming: preferences.settingNames)
    }

    private mutating func advance() -> Action {
        if remaining.isEmpty, mayFallBackOnRefusal, chosen.allSatisfy(commandRefused.contains) {
            mayFallBackOnRefusal = false
            switchedMode = otherMode
            remaining = other
        }
        offeredFallback = nil
        dialledOffered = false
        advertised = nil
        guard !remaining.isEmpty else {
            current = nil
            return .fail(problem)
        }
        let step = remaining.removeFirst()
        current = step
        return .request(step)
    }
}
