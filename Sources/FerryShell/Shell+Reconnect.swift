import FerryClient
import FerryCore
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

extension Shell {
    /// Opens the connection again, logs in as before and returns to the directory the session was in.
    func reconnect() -> CommandOutcome {
        guard let recipe = session else { return .failure("Not connected.") }
        do throws(FTPError) { try client.reopen(recipe, type: settings.transferType) } catch {
            return failure("reconnect", error)
        }
        console.error("Reconnected to \(recipe.host).")
        session = recipe
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
