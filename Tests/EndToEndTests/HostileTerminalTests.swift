import FerryTestSupport
import Foundation
import Testing

/// What a person at a terminal sees and answers when the server is hostile or the user careless (issue 9),
/// on a real pseudo-terminal.
@Suite struct HostileTerminalTests {
    func session(_ arguments: [String], _ steps: [String], directory: String,
                 environment extra: [String: String] = [:]) throws -> ProcessRunner.Result {
        try Ferry.pty(arguments, steps, directory: directory, environment: extra)
    }

    /// OSC 52 would set the terminal's clipboard; ESC [2J would clear the screen.
    static let evilName = "evil\u{1B}]52;c;cHduZWQ=\u{07}\u{1B}[2J.txt"

    @Test func aNameWithAnEscapeSequenceNeverReachesTheTerminal() throws {
        let server = try PyFTPServer()
        try TestFiles.writeRandom(server.path(Self.evilName), size: 200_000)
        let work = try TemporaryDirectory("ferry-pty-hostile")
        let result = try session(["-n", server.host, String(server.port)], [
            "expect ftp> ", "send user \(server.user) \(server.password)",
            "expect ftp> ", "send mget evil*", "expect [anpqy?]? ", "send y",
            "expect ftp> ", "send ls", "expect ftp> ",
            "send pdir", "expect ftp> ",
            "send quit",
        ], directory: work.path, environment: ["PAGER": "cat"])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(!result.stdout.contains("\u{1B}]52"), "an OSC 52 sequence reached the terminal")
        #expect(!result.stdout.contains("\u{1B}[2J"), "a clear-screen sequence reached the terminal")
        #expect(result.stdout.contains("^[]52"), "the name is shown escaped: \(result.stdout)")
        let saved = TestFiles.names(in: work.path).filter { $0.hasPrefix("evil") }
        #expect(saved == ["evil_]52;c;cHduZWQ=__[2J.txt"], "saved under a plain name: \(saved)")
    }

    @Test func answeringAllAtMgetCoversThatCommandOnly() throws {
        let server = try PyFTPServer()
        for name in ["r1.txt", "r2.txt", "r3.txt"] { try TestFiles.write(server.path(name), name) }
        let work = try TemporaryDirectory("ferry-pty-hostile")
        let result = try session(["-n", server.host, String(server.port)], [
            "expect ftp> ", "send user \(server.user) \(server.password)",
            "expect ftp> ", "send mget r*", "expect mget r1.txt [anpqy?]? ", "send a",
            "expect Prompting off for duration of mget.", "expect ftp> ",
            "send mdelete r*", "expect mdelete r1.txt [anpqy?]? ", "send n",
            "expect mdelete r2.txt [anpqy?]? ", "send q",
            "expect ftp> ", "send quit",
        ], directory: work.path)
        #expect(result.status == 0, "\(result.stdout)")
        #expect(TestFiles.names(in: work.path) == ["r1.txt", "r2.txt", "r3.txt"])
        #expect(TestFiles.names(in: server.root) == ["r1.txt", "r2.txt", "r3.txt"], "mdelete asked, and nothing was deleted")
    }

    @Test func aListingIntoAnExistingLocalFileAsksFirst() throws {
        let server = try PyFTPServer()
        try TestFiles.write(server.path("a.txt"), "a")
        let work = try TemporaryDirectory("ferry-pty-hostile")
        try TestFiles.write(work.file("precious.txt"), "keep me\n")
        let result = try session(["-n", server.host, String(server.port)], [
            "expect ftp> ", "send user \(server.user) \(server.password)",
            "expect ftp> ", "send ls . precious.txt", "expect Replace the local file 'precious.txt'? ", "send n",
            "expect ftp> ", "send ls . new.txt", "expect ftp> ",
            "send quit",
        ], directory: work.path)
        #expect(result.status == 0, "\(result.stdout)")
        #expect(try TestFiles.read(work.file("precious.txt")) == Data("keep me\n".utf8))
        #expect(String(decoding: try TestFiles.read(work.file("new.txt")), as: UTF8.self).contains("a.txt"))
    }

    @Test func ctrlCDuringAnFTPSTransferKeepsTheSession() throws {
        let server = try VsftpdServer(security: .explicit)
        try TestFiles.writeRandom(server.path("slow.bin"), size: 3_000_000)
        let work = try TemporaryDirectory("ferry-pty-hostile")
        let result = try session(["--tls", "--cacert", server.certificatePath!, "-n", server.host, String(server.port)], [
            "expect ftps> ", "send user \(server.user) \(server.password)",
            "expect ftps> ", "send rate get 1000000",
            "expect ftps> ", "send get slow.bin",
            "sleep 1", "interrupt",
            "expect interrupted after", "expect ftps> ",
            "send pwd", "expect is the current directory",
            "expect ftps> ", "send rate get 0", "expect ftps> ",
            "send reget slow.bin", "expect ftps> ",
            "send quit",
        ], directory: work.path)
        #expect(result.status == 0, "\(result.stdout)")
        #expect(!result.stdout.contains("Not connected"), "\(result.stdout)")
        #expect(try TestFiles.sha256(work.file("slow.bin")) == TestFiles.sha256(server.path("slow.bin")))
    }
}
