import FerryCore
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Negotiating a data connection: the plan (FerryCore) decides, this carries its actions out.
extension FTPClient {
    enum PreparedData {
        /// Passive: already connected to the server.
        case connected(Socket)
        /// Active: listening; the server connects after the transfer command. `plan` is the negotiation, to learn
        /// whether the server got through.
        case listening(Socket, plan: DataChannelPlan)
    }

    /// How long a data port may stay silent before it is taken as filtered: a few seconds on a path whose control
    /// connection answers at once (a SYN lost once is resent after 1 s), ten round trips on a slow one, never more
    /// than the data-connection timeout.
    var dataConnectWait: Double {
        let roundTrip = control?.socket.roundTripTime ?? 0
        return min(configuration.dataConnectTimeout, max(configuration.firewallWait, 10 * roundTrip))
    }

    /// How long the server may take to connect back in active mode, or to answer the transfer command: longer than
    /// a silent port's wait, because here the server also opens the file first (a slow disk), and a server that is
    /// merely slow must not be taken for a firewall; never more than the data-connection timeout.
    var connectBackWait: Double {
        let roundTrip = control?.socket.roundTripTime ?? 0
        return min(configuration.dataConnectTimeout, max(configuration.firewallWait + 5, 10 * roundTrip))
    }

    func openDataChannel() throws(FTPError) -> PreparedData {
        let connection = try connected()
        guard let local = connection.socket.localAddress, let peer = connection.socket.peerAddress else {
            throw FTPError(.notConnected, "Not connected", advice: .reconnect)
        }
        var plan = DataChannelPlan(planPreferences(peer: peer))
        defer { remember(plan) }

        var listener: Socket?
        var action = plan.start()
        while true {
            switch action {
            case .request(let step) where step.isPassive:
                action = plan.receive(try connection.execute(Command(step == .extendedPassive ? .epsv : .pasv)))
            case .request(let step):
                if step == .active, peer.isIPv6 {
                    action = plan.connectFailed("PORT cannot carry an IPv6 address")
                    continue
                }
                do throws(FTPError) {
                    let socket = try listenForServer(on: local)
                    listener = socket
                    guard var listening = socket.localAddress else { throw FTPError(.dataConnectionFailed, "no local address") }
                    if let advertised = configuration.activeAddress, !listening.isIPv6,
                       let address = SocketAddress(ip: advertised, port: listening.port) {
                        listening = address
                    }
                    action = plan.receive(try connection.execute(portCommand(step, listening)), advertising: listening.ip)
                } catch where error.code == .dataConnectionFailed {
                    action = plan.connectFailed(error.message)
                }
            case .connect(let target):
                let address: SocketAddress?
                switch target {
                case .address(let endpoint):
                    address = SocketAddress(ip: endpoint.address, port: endpoint.port)
                    if endpoint.address != peer.ip, !configuration.trustPassiveAddress {
                        notice("trying the address PASV offered, \(endpoint.address), as \(peer.ip) did not answer")
                    }
                case .controlPeer(let port, let offered):
                    var peerWithPort = peer
                    peerWithPort.port = port
                    address = peerWithPort
                    if let offered, offered.address != peer.ip {
                        notice("PASV offered \(offered.address), using the server's address \(peer.ip)")
                    }
                }
                guard let address else {
                    action = plan.connectFailed("unusable address")
                    continue
                }
                let wait = dataConnectWait
                do throws(FTPError) {
                    let socket = try Socket.connect(to: address, timeout: wait, bufferSize: configuration.socketBufferSize,
                                                    source: configuration.sourceAddress)
                    plan.connected()
                    return .connected(socket)
                } catch {
                    let failure: DataChannelPlan.Failure = error.code == .timedOut
                        ? .noAnswer(address: address.ip, port: address.port, seconds: wait)
                        : error.refusedConnection ? .connectionRefused(address: address.ip, port: address.port) : .other(error.message)
                    let what = error.code == .timedOut ? "nothing answered within \(format(wait)) s"
                        : error.refusedConnection ? "the connection was refused" : error.message
                    notice("\(plan.current?.rawValue ?? "data") connection to \(address) failed (\(what)); trying the next method")
                    action = plan.connectFailed(failure)
                }
            case .acceptAfterTransferCommand:
                guard let listener else { throw FTPError(.dataConnectionFailed, "no listener for active mode") }
                return .listening(listener, plan: plan)
            case .fail(let reason):
                throw FTPError(.dataConnectionFailed, "no data connection could be made: \(reason)")
            }
        }
    }

    private func planPreferences(peer: SocketAddress) -> DataChannelPlan.Preferences {
        var preferences = DataChannelPlan.Preferences()
        preferences.settingNames = configuration.settingNames
        preferences.mode = configuration.dataMode
        preferences.fallback = configuration.fallback
        preferences.fallbackOnRefusal = configuration.fallbackOnRefusal
        preferences.extended = peer.isIPv6 ? configuration.extendedOnIPv6 : configuration.extendedOnIPv4
        preferences.trustPassiveAddress = configuration.trustPassiveAddress
        preferences.controlPeer = peer.isIPv6 ? nil : peer.ip
        preferences.refused = dataChannelMemory.refused
        preferences.unreachable = dataChannelMemory.unreachable
        preferences.working = dataChannelMemory.working
        preferences.only = probedStep
        return preferences
    }

    /// What the negotiation learned, for the rest of the session (and reconnections to the same server).
    func remember(_ plan: DataChannelPlan) {
        lastNegotiation = plan
        guard probedStep == nil else { return }
        let before = dataChannelMemory.working
        dataChannelMemory.refused = plan.refused
        dataChannelMemory.unreachable = plan.unreachable
        if let working = plan.working {
            dataChannelMemory.working = working
        } else if let before, plan.unreachable.contains(before.step) || plan.refused.contains(before.step) {
            dataChannelMemory.working = nil
        }
        if let mode = plan.switchedMode {
            let refused = mode == .passive ? "EPRT and PORT" : "EPSV and PASV"
            notice("the server refused \(refused): using \(mode.rawValue) mode for the rest of this session ('\(configuration.settingNames.stayStrict)' to stay strict)")
        }
        if let working = plan.working, working != before, !plan.attempts.isEmpty {
            let how = working.viaOfferedAddress ? " to the address PASV offered" : ""
            notice("\(working.step.rawValue)\(how) works here: Ferry uses it for the rest of this session")
        }
    }

    /// A listener on the control connection's local address: any port, or the first free one of the range.
    private func listenForServer(on local: SocketAddress) throws(FTPError) -> Socket {
        var address = local
        guard let range = configuration.activePortRange else {
            address.port = 0
            return try Socket.listen(on: address, bufferSize: configuration.socketBufferSize)
        }
        var lastError = FTPError(.dataConnectionFailed, "no port free in \(range.lowerBound)-\(range.upperBound) for active mode")
        for port in range {
            address.port = port
            do throws(FTPError) {
                return try Socket.listen(on: address, bufferSize: configuration.socketBufferSize)
            } catch { lastError = error }
        }
        throw lastError
    }

    private func portCommand(_ step: DataChannelPlan.Step, _ listening: SocketAddress) throws(FTPError) -> Command {
        if step == .extendedActive {
            let endpoint = ExtendedEndpoint(family: listening.isIPv6 ? .ipv6 : .ipv4, address: listening.ip, port: listening.port)
            return Command(.eprt, AddressCodec.encodeExtendedPort(endpoint))
        }
        guard let endpoint = IPv4Endpoint(address: listening.ip, port: listening.port) else {
            throw FTPError(.dataConnectionFailed, "PORT cannot carry \(listening.ip)")
        }
        return Command(.port, AddressCodec.encodePort(endpoint))
    }

    /// A transfer the server says is complete without having opened it (2yz, no 1yz): an empty listing may come
    /// so, but a file never does (RFC 959 §5.4: RETR, STOR, APPE and STOU answer 125/150 first). Such a reply
    /// belongs to another command — replies are out of step — and taking it would commit an empty file as whole:
    /// the connection is closed, and the transfer is retried on a new one.
    private func completedAtOnce(_ command: Command, _ reply: Reply) throws(FTPError) -> Reply {
        guard [.retr, .stor, .appe, .stou].contains(command.verb) else { return reply }
        control?.socket.close()
        throw FTPError(.connectionClosed, "the server answered \(command.verb.rawValue) with '\(reply.summary)' without opening the transfer; its replies are out of step with the commands, so the connection was closed", reply: reply, advice: .reconnect)
    }

    /// Sends the transfer command on a prepared channel and returns the data socket once the server has
    /// answered 1yz. Returns nil socket when the server completed at once (2yz, e.g. an empty listing).
    func startTransfer(_ command: Command, restartAt offset: Int64 = 0) throws(FTPError) -> (Socket?, Reply) {
        let connection = try connected()
        let prepared = try openDataChannel()
        if offset > 0 {
            let reply = try connection.execute(Command(.rest, String(offset)))
            guard reply.code == .pendingFurtherInformation else {
                throw FTPError(.commandFailed, "the server cannot resume at byte \(offset): \(reply.summary)", reply: reply)
            }
        }
        try connection.send(command)
        guard case .listening(let listener, var plan) = prepared else {
            let reply = try connection.readReply()
            if reply.code.isSuccess { return (nil, try completedAtOnce(command, reply)) }
            guard reply.code.isPreliminary, case .connected(let socket) = prepared else {
                throw FTPError(.commandFailed, "\(command.traceDescription): \(reply.summary)", reply: reply)
            }
            return (socket, reply)
        }
        // Active: the server connects back before its 1yz (vsftpd) or after it (others); wait for whichever comes.
        let wait = connectBackWait
        var accepted = try awaitConnectBack(listener, connection, wait: wait, plan: &plan)
        let reply = try connection.readReply()
        if reply.code.isSuccess {
            accepted?.close()
            return (nil, try completedAtOnce(command, reply))
        }
        guard reply.code.isPreliminary else {
            if reply.code == .cannotOpenData {
                throw connectBackFailed(.serverCouldNotConnect(reply), plan: &plan, reply: reply)
            }
            throw FTPError(.commandFailed, "\(command.traceDescription): \(reply.summary)", reply: reply)
        }
        if accepted == nil {
            do throws(FTPError) {
                accepted = try acceptServer(on: listener, peer: connection.socket.peerAddress, wait: wait)
            } catch where error.code == .timedOut {
                // The server will report its failure; read it so the next command pairs with its own reply.
                _ = try? control?.readFinalReply(timeout: 2)
                throw connectBackFailed(.noConnectBack(seconds: wait), plan: &plan)
            } catch where error.code == .interrupted {
                // The transfer's final reply is still owed: the connection can no longer pair replies.
                abandonControlConnection()
                throw error
            }
        }
        guard let socket = accepted else { throw FTPError(.dataConnectionFailed, "no data connection") }
        plan.connected()
        remember(plan)
        return (socket, reply)
    }

    /// Active mode, after the transfer command: the server's connection, or nil once its reply is there first.
    /// When neither comes within `wait`, the server is still trying to reach us through a filter that drops it:
    /// its late "425" would answer the next command, so the control connection is closed (the shell reconnects).
    private func awaitConnectBack(_ listener: Socket, _ connection: ControlConnection, wait: Double,
                                  plan: inout DataChannelPlan) throws(FTPError) -> Socket? {
        let deadline = MonotonicClock.now + wait
        let peer = connection.socket.peerAddress
        while true {
            if Interruption.isRequested {
                // The transfer command is outstanding, its reply still to come: the connection cannot pair replies
                // any more (the shell reconnects before the next command).
                abandonControlConnection()
                throw FTPError(.interrupted, "interrupted")
            }
            var fds = [pollfd(fd: listener.descriptor, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: connection.socket.descriptor, events: Int16(POLLIN), revents: 0)]
            let slice = min(max(0, deadline - MonotonicClock.now), 0.25)
            let ready = poll(&fds, 2, Int32((slice * 1000).rounded(.up)))
            if ready < 0, errno != EINTR { throw FTPError(.dataConnectionFailed, "poll failed: \(FTPError.systemMessage(errno))") }
            if ready > 0, fds[0].revents != 0 {
                let socket = try listener.accept(timeout: 0)
                if fromTheServer(socket, peer: peer) { return socket }
                continue
            }
            if ready > 0, fds[1].revents != 0 || connection.hasPartialReply { return nil }
            if MonotonicClock.now >= deadline {
                let error = connectBackFailed(.noConnectBack(seconds: wait), plan: &plan)
                abandonControlConnection()
                throw error
            }
        }
    }

    private func connectBackFailed(_ failure: DataChannelPlan.Failure, plan: inout DataChannelPlan, reply: Reply? = nil) -> FTPError {
        plan.connectBackFailed(failure)
        remember(plan)
        return FTPError(.dataConnectionFailed, "no data connection could be made: \(DataChannelTrouble.summary(plan.attempts, naming: configuration.settingNames))", reply: reply)
    }

    /// Accepts the server's data connection, refusing any other peer (house rule 9).
    private func acceptServer(on listener: Socket, peer: SocketAddress?, wait: Double) throws(FTPError) -> Socket {
        let deadline = MonotonicClock.now + wait
        while true {
            let socket = try listener.accept(timeout: max(0, deadline - MonotonicClock.now))
            if fromTheServer(socket, peer: peer) { return socket }
        }
    }

    /// An accepted data connection is kept only when it comes from the server (house rule 9); another is closed.
    private func fromTheServer(_ socket: Socket, peer: SocketAddress?) -> Bool {
        guard let peer, let from = socket.peerAddress, from.ip != peer.ip else { return true }
        notice("refused a data connection from \(from.ip): it is not the server (\(peer.ip))")
        socket.close()
        return false
    }
}
