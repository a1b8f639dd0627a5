import FerryTestSupport
import Foundation
import Testing

/// A server that answers one command twice (pyftpdlib: "500 Command too long." for a line over 2,048 bytes, then
/// another 500 for the rest of the line) must not put replies out of step: found by a review, where RETR took a
/// stray "200" as its answer and a 0-byte file was kept as whole with exit status 0.
@Suite struct ReplyPairingTests {
    @Test(arguments: [false, true])
    func aCommandAnsweredTwiceLeavesNoEmptyFileAndTheNextCommandsGetTheirOwnReplies(active: Bool) throws {
        let server = try PyFTPServer()
        try TestFiles.writeRandom(server.path("small.bin"), size: 5000)
        let work = try TemporaryDirectory("ferry-pairing")
        let long = String(repeating: "d/", count: 1100) + "z.bin"
        let script = (active ? "passive off\n" : "") + "get \(long) z.bin\npwd\nget small.bin\n"
        let result = try Ferry.session(server, script, directory: work.path, timeout: 90)
        #expect(result.status == 1, "\(result.output)")
        #expect(!TestFiles.exists(work.file("z.bin")), "no empty file kept as whole: \(TestFiles.names(in: work.path))")
        #expect(result.stdout.contains("Remote directory: /"), "\(result.output)")
        #expect(try TestFiles.sha256(work.file("small.bin")) == TestFiles.sha256(server.path("small.bin")), "\(result.output)")
    }
}

/// Found by a review: Ctrl-C while a command's reply was still owed left it to answer the next command (DELE took
/// SIZE's "213 …" and reported success). The connection is closed instead, and the next command reconnects.
@Suite struct InterruptedReplyTests {
    @Test func aCommandInterruptedBeforeItsReplyLeavesNoReplyForTheNext() throws {
        var options = ServerOptions()
        options.lateReply = (verb: "SIZE", seconds: 3)
        let server = try PyFTPServer(options: options)
        try TestFiles.writeRandom(server.path("f.bin"), size: 3000)
        let work = try TemporaryDirectory("ferry-pairing")
        let result = try Ferry.pty(["-n", server.host, String(server.port)], [
            "expect ftp> ", "send user \(server.user) \(server.password)", "expect ftp> ",
            "send size f.bin", "sleep 1", "interrupt", "expect ftp> ",
            "send delete nothere", "expect ftp> ", "sleep 3", "send quit",
        ], directory: work.path, expectTimeout: 15)
        #expect(result.stdout.contains("interrupted before its reply came"), "\(result.stdout)")
        #expect(result.stdout.contains("No such file"), "DELE gets its own 550: \(result.stdout)")
        #expect(TestFiles.exists(server.path("f.bin")))
    }
}
