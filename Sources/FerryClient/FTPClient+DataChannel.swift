import FerryCore

/// Negotiating a data connection: the plan (FerryCore) decides, this carries its actions out.
extension FTPClient {
    enum PreparedData {
        /// Passive: already connected to the server.
        case connected(Socket)
        /// Active: listening; the server connects after the transfer command.
        case listening(Socket)
    }

    func openDataChannel() throws(FTPError) -> PreparedData {
        let connection = try connected()
        guard let local = connection.socket.localAddress, let peer = connection.socket.peerAddress else {
            throw FTPError(.notConnected, "Not connected", advice: .reconnect)
        }
        var preferences = DataChannelPlan.Preferences()
        preferences.mode = configuration.dataMode
        preferences.fallback = configuration.fallback
        preferences.fallbackOnRefusal = configuration.fallbackOnRefusal
        preferences.extended = peer.isIPv6 ? configuration.extendedOnIPv6 : configuration.extendedOnIPv4
        preferences.trustPassiveAddress = configuration.trustPassiveAddress
        preferences.refused = refusedSteps
        var plan = DataChannelPlan(preferences)
        defer {
            refusedSteps = plan.refused
            if let mode = plan.switchedMode {
                let refused = mode == .passive ? "EPRT and PORT" : "EPSV and PASV"
                notice("the server refused \(refused): using \(mode.rawValue) mode for the rest of this session ('set fallback off' to stay strict)")
            }
        }

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
                    action = plan.receive(try connection.execute(portCommand(step, listening)))
                } catch where error.code == .dataConnectionFailed {
                    action = plan.connectFailed(error.message)
                }
            case .connect(let target):
                let address: SocketAddress?
                switch target {
                case .address(let endpoint):
                    address = SocketAddress(ip: endpoint.address, port: endpoint.port)
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
                do throws(FTPError) {
                    return .connected(try Socket.connect(to: address, timeout: configuration.dataConnectTimeout,
                                                         bufferSize: configuration.socketBufferSize,
                                                         source: configuration.sourceAddress))
                } catch {
                    notice("data connection to \(address) failed (\(error.message)); trying the next method")
                    action = plan.connectFailed(error.message)
                }
            case .acceptAfterTransferCommand:
                guard let listener else { throw FTPError(.dataConnectionFailed, "no listener for active mode") }
                return .listening(listener)
            case .fail(let reason):
                throw FTPError(.dataConnectionFailed, "no data connection could be made (\(reason))", advice: .switchDataMode)
            }
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
        let reply = try connection.readReply()
        if reply.code.isSuccess { return (nil, reply) }
        guard reply.code.isPreliminary else {
            throw FTPError(.commandFailed, "\(command.traceDescription): \(reply.summary)", reply: reply)
        }
        switch prepared {
        case .connected(let socket):
            return (socket, reply)
        case .listening(let listener):
            return (try acceptServer(on: listener, peer: connection.socket.peerAddress), reply)
        }
    }

    /// Accepts the server's data connection, refusing any other peer (house rule 9).
    private func acceptServer(on listener: Socket, peer: SocketAddress?) throws(FTPError) -> Socket {
        let deadline = MonotonicClock.now + configuration.dataConnectTimeout
        while true {
            let remaining = deadline - MonotonicClock.now
            let socket: Socket
            do throws(FTPError) {
                socket = try listener.accept(timeout: max(0, remaining))
            } catch {
                // The server will report its failure; read it so the next command pairs with its own reply.
                _ = try? control?.readFinalReply(timeout: 2)
                throw error
            }
            if let peer, let from = socket.peerAddress, from.ip != peer.ip {
                notice("refused a data connection from \(from.ip): it is not the server (\(peer.ip))")
                socket.close()
                continue
            }
            return socket
        }
    }
}
