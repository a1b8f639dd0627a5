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
