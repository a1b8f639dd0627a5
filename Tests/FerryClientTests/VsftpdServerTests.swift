import FerryClient
import FerryTestSupport
import Foundation
import Testing

/// The vsftpd test server leaves nothing on the machine that someone could log in with.
/// Serialized: one test gives the account a login shell for a moment, which another would see.
@Suite(.serialized) struct VsftpdServerTests {
    func shell(of user: String) throws -> String? {
        let entry = try ProcessRunner.run("/usr/bin/getent", ["passwd", user])
        return entry.status == 0 ? entry.stdout.trimmingCharacters(in: .newlines).components(separatedBy: ":").last : nil
    }

    @Test func theTestAccountHasNoLoginShell() throws {
        let server = try VsftpdServer()
        #expect(try shell(of: server.user) == "/usr/sbin/nologin")
    }

    @Test func anAccountLeftWithALoginShellLosesIt() throws {
        // An account from an older checkout's tests (or made by hand) with /bin/sh.
        _ = try VsftpdServer()
        #expect(try ProcessRunner.run("/usr/sbin/usermod", ["-s", "/bin/sh", "ferrytest"]).status == 0)
        let server = try VsftpdServer()
        #expect(try shell(of: server.user) == "/usr/sbin/nologin")
    }

    @Test func thePasswordIsMadeByThisRunAndWrittenNowhereInTheSources() throws {
        let server = try VsftpdServer()
        #expect(server.password.count == 32 && server.password.allSatisfy(\.isHexDigit), "128 random bits")
        let sources = TestPaths.packageRoot.appendingPathComponent("Tests").path
        let found = try ProcessRunner.run("/bin/grep", ["-rlF", "--", server.password, sources])
        #expect(found.status == 1, "the password is in \(found.stdout)")
    }

    @Test func listeningSocketsFindThePortABindToZeroGot() throws {
        let fd = try FreePort.listener(port: 0)
        let port = FreePort.localPort(fd)
        #expect(ListeningSockets.ports(ofProcess: getpid()).contains(port))
        close(fd)
        #expect(!ListeningSockets.ports(ofProcess: getpid()).contains(port), "a closed listener is not reported")
    }

    @Test func severalServersEachGetTheirOwnPortAndTakeALogin() throws {
        let servers = try (0..<4).map { _ in try VsftpdServer() }
        #expect(Set(servers.map(\.port)).count == servers.count)
        for server in servers {
            let client = try loggedInClient(server)
            #expect(try client.currentDirectory() == server.root, "this port is this server")
            client.quit()
        }
    }
}
