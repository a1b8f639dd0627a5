import FerryClient
import FerryTestSupport
import Testing
@testable import FerryShell

/// Reconnecting after a drop keeps the session as protected as it was (issue 9).
@Suite struct ReconnectTests {
    @Test func aProtectedSessionNeverReconnectsInClearTextUnderTlsTry() throws {
        let server = try PyFTPServer()   // no TLS: it refuses AUTH TLS
        var settings = Settings()
        settings.debug = true
        var configuration = ClientConfiguration()
        configuration.tls.mode = .opportunistic
        let scripted = ScriptedShell(settings: settings, configuration: configuration)
        let shell = scripted.shell!
        shell.session = SessionRecipe(host: server.host, port: server.port, user: server.user, password: server.password,
                                      protected: true)
        let outcome = shell.reconnect()
        guard case .failure(let message) = outcome else { Issue.record("reconnected in clear text"); return }
        #expect(message.contains("refused TLS"), "\(message)")
        #expect(!shell.client.isLoggedIn)
        #expect(!scripted.out.contains("---> USER"), "nothing was sent after TLS was refused: \(scripted.out)")

        #expect(shell.configuration.tls.mode == .opportunistic, "the setting stays --tls-try for the next open")

        // A session that was in clear text from the start (--tls-try, as asked) reconnects as it was.
        shell.session = SessionRecipe(host: server.host, port: server.port, user: server.user, password: server.password)
        #expect(shell.reconnect() == .success)
        #expect(shell.client.isLoggedIn)
        shell.client.quit()
    }
}
