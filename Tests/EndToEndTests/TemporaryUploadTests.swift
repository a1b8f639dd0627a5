import FerryTestSupport
import Foundation
import Testing

/// put goes through `.name.part` and a rename on the server: an interrupted put leaves the server's file as it was.
@Suite struct TemporaryUploadTests {
    @Test func anInterruptedPutLeavesTheServersFileAsItWas() throws {
        var options = ServerOptions()
        options.cutStoreAfter = 100_000
        let server = try PyFTPServer(options: options)
        try TestFiles.writeRandom(server.path("up.bin"), size: 50_000)
        let before = try TestFiles.sha256(server.path("up.bin"))
        let work = try TemporaryDirectory("ferry-temp-upload")
        try TestFiles.writeRandom(work.file("up.bin"), size: 300_000)
        let result = try Ferry.session(server, "set retries 0\nput up.bin\n", directory: work.path)
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stderr.contains("the server's 'up.bin' is as it was, the partial upload is '.up.bin.part'"), "\(result.stderr)")
        #expect(try TestFiles.sha256(server.path("up.bin")) == before, "the old content is still there")
    }

    @Test func aWholePutIsRenamedIntoPlaceAndLeavesNothingElse() throws {
        let server = try PyFTPServer()
        try TestFiles.writeRandom(server.path("up.bin"), size: 50_000)
        let work = try TemporaryDirectory("ferry-temp-upload")
        try TestFiles.writeRandom(work.file("up.bin"), size: 300_000)
        let result = try Ferry.session(server, "put up.bin\n", flags: ["-d"], directory: work.path)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stderr.contains("---> STOR .up.bin.part") && result.stderr.contains("---> RNTO up.bin"), "\(result.stderr)")
        #expect(try TestFiles.sha256(server.path("up.bin")) == TestFiles.sha256(work.file("up.bin")))
        #expect(TestFiles.names(in: server.root) == ["up.bin"])
    }

    @Test(arguments: [false, true])
    func aServerThatRefusesTheTemporaryNameOrTheRenameGetsAPlainStor(refuseRename: Bool) throws {
        var options = ServerOptions()
        options.refuseDotStore = !refuseRename
        options.refuseRename = refuseRename
        let server = try PyFTPServer(options: options)
        let work = try TemporaryDirectory("ferry-temp-upload")
        try TestFiles.writeRandom(work.file("a.bin"), size: 100_000)
        try TestFiles.writeRandom(work.file("b.bin"), size: 100_000)
        let result = try Ferry.session(server, "put a.bin\nput b.bin\n", directory: work.path)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stderr.contains("uploading under the real name for this session"), "\(result.stderr)")
        #expect(result.stderr.components(separatedBy: "uploading under the real name").count == 2, "said once: \(result.stderr)")
        for name in ["a.bin", "b.bin"] { #expect(try TestFiles.sha256(server.path(name)) == TestFiles.sha256(work.file(name))) }
        #expect(TestFiles.names(in: server.root) == ["a.bin", "b.bin"], "no temporary left: \(TestFiles.names(in: server.root))")
    }

    /// Review: on a server that renames nothing, the old file was deleted before the new one was in place. Now the
    /// temporary goes and the plain STOR replaces the file, as classic put does; nothing is deleted first.
    @Test func aServerThatRenamesNothingNeverSeesTheOriginalDeletedFirst() throws {
        var options = ServerOptions()
        options.refuseRename = true
        let server = try PyFTPServer(options: options)
        try TestFiles.writeRandom(server.path("up.bin"), size: 1_000)
        let work = try TemporaryDirectory("ferry-temp-upload")
        try TestFiles.writeRandom(work.file("up.bin"), size: 100_000)
        let result = try Ferry.session(server, "put up.bin\n", flags: ["-d"], directory: work.path)
        #expect(result.status == 0, "\(result.output)")
        #expect(!result.stderr.contains("---> DELE up.bin"), "\(result.stderr)")
        #expect(try TestFiles.sha256(server.path("up.bin")) == TestFiles.sha256(work.file("up.bin")))
    }

    /// Review: a missing folder or a folder under the name is no reason to give up the temporary name.
    @Test func aMissingFolderOrAFolderNameFailsWithoutGivingUpTheTemporaryName() throws {
        let server = try PyFTPServer()
        try FileManager.default.createDirectory(atPath: server.path("d"), withIntermediateDirectories: true)
        let work = try TemporaryDirectory("ferry-temp-upload")
        try TestFiles.writeRandom(work.file("a.bin"), size: 10_000)
        let result = try Ferry.session(server, "put a.bin nosuch/x\nput a.bin d\nput a.bin b.bin\n", flags: ["-d"], directory: work.path)
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stderr.contains("put: cannot store 'nosuch/x'"), "\(result.stderr)")
        #expect(result.stderr.contains("put: cannot put 'd' in place"), "\(result.stderr)")
        #expect(!result.stderr.contains("uploading under the real name"), "\(result.stderr)")
        #expect(result.stderr.contains("---> STOR .b.bin.part"), "the next put still goes through the temporary name")
        #expect(TestFiles.names(in: server.root) == ["b.bin", "d"], "\(TestFiles.names(in: server.root))")
    }
}
