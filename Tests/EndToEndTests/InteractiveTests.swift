import FerryTestSupport
import Foundation
import Testing

/// The interactive path on a real pseudo-terminal: libedit prompt, password without echo, confirmations.
@Suite struct InteractiveTests {
    func session(_ arguments: [String], _ steps: [String], directory: String) throws -> ProcessRunner.Result {
        let helper = TestPaths.fixtures.appendingPathComponent("pty_session.py").path
        return try ProcessRunner.run("/usr/bin/env", ["python3", helper, "10", TestPaths.ferryBinary] + arguments,
                                     stdin: steps.joined(separator: "\n") + "\n", timeout: 60, directory: directory)
    }

    @Test func logsInAsksBeforeEachFileAndKeepsThePasswordHidden() throws {
        let server = try PyFTPServer()
        try TestFiles.write(server.path("a.txt"), "alpha\n")
        try TestFiles.write(server.path("b.txt"), "bravo\n")
        let work = try TemporaryDirectory("ferry-pty")
        let result = try session([server.host, String(server.port)], [
            "expect Name (", "send \(server.user)",
            "expect Password:", "send \(server.password)",
            "expect 230", "expect ftp> ",
            "send mget *.txt", "expect mget a.txt [anpqy?]? ", "send n",
            "expect mget b.txt [anpqy?]? ", "send y",
            "expect ftp> ", "send quit", "expect 221",
        ], directory: work.path)
        #expect(result.status == 0, "\(result.stdout)")
        #expect(!result.stdout.contains(server.password), "the password is not echoed")
        #expect(!TestFiles.exists(work.file("a.txt")), "answered no")
        #expect(try TestFiles.read(work.file("b.txt")) == Data("bravo\n".utf8), "answered yes")
    }

    @Test func ctrlCDuringATransferAbortsItKeepsTheSessionAndRegetFinishesIt() throws {
        let server = try PyFTPServer()
        try TestFiles.writeRandom(server.path("slow.bin"), size: 3_000_000)
        let work = try TemporaryDirectory("ferry-pty")
        let result = try session(["-n", server.host, String(server.port)], [
            "expect ftp> ", "send user \(server.user) \(server.password)",
            "expect ftp> ", "send rate get 1000000",
            "expect ftp> ", "send get slow.bin",
            "sleep 1", "interrupt",
            "expect interrupted after", "expect ftp> ",
            "send rate get 0", "expect ftp> ",
            "send reget slow.bin", "expect ftp> ",
            "send pwd", "expect 257 \"/\"", "send quit",
        ], directory: work.path)
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains("ABOR") || result.stdout.contains("226") || result.stdout.contains("225"), "\(result.stdout)")
        #expect(try TestFiles.sha256(work.file("slow.bin")) == TestFiles.sha256(server.path("slow.bin")))
        #expect(!TestFiles.exists(work.file(".slow.bin.part")))
    }

    @Test func ctrlCAtThePromptDropsTheLineAndTheSessionGoesOn() throws {
        let work = try TemporaryDirectory("ferry-pty")
        let result = try session([], [
            "expect ftp> ", "send abc partial", "interrupt",
            "expect ftp> ", "send lpwd", "expect Local directory:",
            "expect ftp> ", "send quit",
        ], directory: work.path)
        #expect(result.status == 0, "\(result.stdout)")
    }
}
