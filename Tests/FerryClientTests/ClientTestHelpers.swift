import FerryClient
import FerryCore
import FerryTestSupport
import Foundation

/// The four ways to open a data connection, each pinned (no fallback) so a test proves that one.
enum DataMethod: String, CaseIterable, Sendable, CustomStringConvertible {
    case epsv = "EPSV", pasv = "PASV", eprt = "EPRT", port = "PORT"
    var description: String { rawValue }

    var configuration: ClientConfiguration {
        var configuration = ClientConfiguration()
        configuration.dataMode = self == .epsv || self == .pasv ? .passive : .active
        configuration.extendedOnIPv4 = self == .epsv || self == .eprt
        configuration.fallback = false
        configuration.replyTimeout = 20
        configuration.dataConnectTimeout = 5
        configuration.stallTimeout = 20
        return configuration
    }
}

/// Collects the client's events for assertions.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [ClientEvent] = []

    func record(_ event: ClientEvent) { lock.lock(); events.append(event); lock.unlock() }

    var sent: [String] {
        lock.lock(); defer { lock.unlock() }
        return events.compactMap { if case .sent(let line) = $0 { return line } else { return nil } }
    }

    var notices: [String] {
        lock.lock(); defer { lock.unlock() }
        return events.compactMap { if case .notice(let text) = $0 { return text } else { return nil } }
    }
}

/// A logged-in client on `server`.
func loggedInClient(_ server: TestServer, _ configuration: ClientConfiguration = DataMethod.epsv.configuration,
                    log: EventLog = EventLog()) throws -> FTPClient {
    let client = FTPClient(configuration: configuration) { log.record($0) }
    try client.connect(host: server.host, port: server.port)
    try client.login(user: server.user, password: server.password)
    return client
}

/// Expects `body` to throw an FTPError and returns it.
func expectFTPError(_ body: () throws(FTPError) -> Void) -> FTPError? {
    do throws(FTPError) {
        try body()
        return nil
    } catch {
        return error
    }
}
