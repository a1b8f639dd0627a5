import FerryTestSupport
import Foundation
import Testing

/// The vsftpd test server leaves nothing on the machine that someone could log in with.
@Suite struct VsftpdServerTests {
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
}
