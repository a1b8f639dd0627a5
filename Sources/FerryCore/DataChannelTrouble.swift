/// Words for why a data connection failed: the likely cause behind each kind of failure the NAT and firewall lab
/// shows apart, and what fixes it. Used by the errors of every command and by `--diagnose`.
///
/// FerryCore knows no shell flags: the fixes name modes and settings in words ("use active mode", "set
/// active-address"), as the shell's own help does.
public enum DataChannelTrouble {
    /// One attempt's cause and fix, as a clause: "nothing answered on port 40123 of 203.0.113.2 within 3 s: …".
    public static func explain(_ attempt: DataChannelPlan.Attempt, naming names: SettingNames = SettingNames()) -> String {
        let step = attempt.step.rawValue
        switch attempt.failure {
        case .refused(let reply):
            let said = "\(reply.code.rawValue) \(reply.firstLineText)"
            if !attempt.step.isPassive {
                // 502/504/202: the command is not implemented at all, whatever the address.
                if [202, 502, 504].contains(reply.code.rawValue) {
                    return "the server does not offer \(step) (\(said)); use passive mode"
                }
                let serverIsPublic = attempt.server.flatMap { IPv4Endpoint(address: $0, port: 0) }?.isPubliclyRoutable ?? false
                if let address = attempt.advertised, let ip = IPv4Endpoint(address: address, port: 0), !ip.isPubliclyRoutable {
                    if serverIsPublic {
                        return "the server refused \(step) \(address) (\(said)): you are behind NAT, and \(address) is your private address; use passive mode, or \(names.setActiveAddress) to your public address and forward the active port range to this machine"
                    }
                    return "the server refused \(step) \(address) (\(said)): it does not connect back to that address; use passive mode, or \(names.setActiveAddress) to an address it accepts"
                }
                return "the server refused \(step) (\(said)): it does not allow active mode from here; use passive mode"
            }
            if reply.code.category == .permanentNegative {
                return "the server refused \(step) (\(said)): it does not offer it"
            }
            return "the server could not open a port for \(step) (\(said)): it may be out of passive ports; try again later"
        case .unreadable(let what):
            return "\(what): the server's reply is not FTP"
        case .noAnswer(let address, let port, let seconds):
            return "nothing answered on port \(port) of \(address) within \(Seconds.text(seconds)) s (\(step)): a firewall drops the server's passive ports; the server's administrator must open them, or use active mode"
        case .connectionRefused(let address, let port):
            return "port \(port) of \(address) refused the connection (\(step)): a firewall rejects the server's passive ports, or the server is behind NAT that does not forward them; the server's administrator must open them, or use active mode"
        case .noConnectBack(let seconds):
            return "the server did not connect back within \(Seconds.text(seconds)) s (\(step)): a firewall drops connections to you, or NAT hides your address; use passive mode"
        case .serverCouldNotConnect(let reply):
            return "the server could not connect back to you (\(step): \(reply.code.rawValue) \(reply.firstLineText)): a firewall drops connections to you, or NAT hides your address; use passive mode"
        case .other(let reason):
            return "\(step) failed: \(reason)"
        }
    }

    /// The failures of one negotiation, as the rest of a one-line error: the last failure of each mode tried.
    public static func summary(_ attempts: [DataChannelPlan.Attempt], naming names: SettingNames = SettingNames()) -> String {
        guard let last = attempts.last else { return "no data-channel method is enabled" }
        var modes: [DataChannelPlan.Mode] = []
        for attempt in attempts where !modes.contains(attempt.step.mode) { modes.append(attempt.step.mode) }
        let telling = modes.compactMap { mode in attempts.last { $0.step.mode == mode && isTelling($0) } ?? attempts.last { $0.step.mode == mode } }
        let parts = telling.isEmpty ? [last] : telling
        return parts.map { explain($0, naming: names) }.joined(separator: "; and ")
    }

    /// A refusal of EPSV says less about the path than what became of PASV after it.
    private static func isTelling(_ attempt: DataChannelPlan.Attempt) -> Bool {
        if case .refused(let reply) = attempt.failure, attempt.step.isPassive {
            return reply.code.category != .permanentNegative
        }
        return true
    }
}

extension DataChannelTrouble {
    /// What a probe that worked shows, in words: above all a 227 address that differs from the server's own.
    public static func success(step: DataChannelPlan.Step, plan: DataChannelPlan?, controlPeer: String, dataPort: UInt16,
                               naming names: SettingNames = SettingNames()) -> String {
        if step.isPassive {
            if step == .passive, let offered = plan?.offered, offered.address != controlPeer {
                if plan?.working?.viaOfferedAddress == true {
                    return "\(controlPeer) did not answer on the passive port, the address the 227 reply names (\(offered.address)) did: a middlebox forwards the passive ports there; Ferry dials it after the server's own address"
                }
                let kind = offered.isPubliclyRoutable ? "an address" : "a private address"
                return "the server's 227 names \(offered.address), \(kind) that differs from the address you connected to: the server is behind NAT and does not know its public address; Ferry uses the control connection's address instead (\(names.distrustPASV), the default), and a listing came through port \(dataPort)"
            }
            return "a listing came through port \(dataPort) of \(controlPeer)"
        }
        let advertised = plan?.lastAdvertised.map { " to \($0)" } ?? ""
        return "the server connected back\(advertised) (port \(dataPort)) and sent a listing"
    }
}

/// How the fixes in these texts name the settings they change. A library user's program has its own words for them;
/// the defaults name the `ClientConfiguration` properties, and the `ferry` shell passes its `set` commands.
public struct SettingNames: Sendable, Equatable {
    /// Advertise another address in EPRT/PORT.
    public var setActiveAddress = "set ClientConfiguration.activeAddress"
    /// Dial the control connection's peer, not the 227 address.
    public var distrustPASV = "ClientConfiguration.trustPassiveAddress false"
    /// Keep the chosen mode strictly, without the fall-back to the other.
    public var stayStrict = "ClientConfiguration.fallbackOnRefusal false"
    public init() {}
    public init(setActiveAddress: String, distrustPASV: String, stayStrict: String) {
        self.setActiveAddress = setActiveAddress
        self.distrustPASV = distrustPASV
        self.stayStrict = stayStrict
    }
}
