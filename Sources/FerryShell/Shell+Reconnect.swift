import FerryClient
import FerryCore
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// What it takes to rebuild a session after the connection dropped.
struct SessionRecord {
    var host: String
    var port: UInt16
    var user: String?
    var password: String?
    var account: String?
    /// The session ran over TLS: a reconnect must too, even under --tls-try (never a clear-text login after a drop).
    var protected = false
    /// cd / cdup since login, replayed in order.
    var moves: [Command] = []
}

extension Shell {
    /// Opens the connection again, logs in as before and returns to the directory the session was in.
    func reconnect() -> CommandOutcome {
        guard let record = session else { return .failure("Not connected.") }
        if record.protected, client.configuration.tls.mode == .opportunistic { client.configuration.tls.mode = .required }
        do throws(FTPError) {
            try client.connect(host: record.host, port: record.port)
            if let user = record.user {
                _ = try client.login(user: user, password: record.password, account: record.account)
                try? client.setType(settings.transferType)
            }
            for move in record.moves { _ = try client.execute(move) }
        } catch {
            return failure("reconnect", error)
        }
        console.error("Reconnected to \(record.host).")
        session = record
        return .success
    }

    /// Remembers a successful cd/cdup for reconnecting.
    func recordMove(_ command: Command) {
        session?.moves.append(command)
    }

    /// With `set keepalive N`: a NOOP before a command after N idle seconds finds a connection that NAT or the
    /// server dropped, and reconnects before the command needs it.
    func keepAliveIfIdle() {
        guard let interval = settings.noopInterval, client.isConnected, lastActivity > 0 else { return }
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        guard Double(now.tv_sec) - lastActivity >= interval else { return }
        if (try? client.execute(Command(.noop))) == nil, session != nil {
            console.error("The connection was lost while idle; reconnecting.")
            _ = reconnect()
        }
    }

    func markActivity() {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        lastActivity = Double(now.tv_sec)
    }
}
