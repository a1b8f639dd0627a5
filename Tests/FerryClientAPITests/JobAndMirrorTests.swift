import FerryClient
import FerryTestSupport
import Foundation
import Synchronization
import Testing

/// The blocking API in process: a mirror with deletions and a no-change second run, and the Examples/ program.
@Suite struct JobAndMirrorTests {
    @Test(arguments: [ServerKind.pyftpdlib, .vsftpd])
    func aMirrorInProcessCopiesDeletesAndThenHasNothingToDo(kind: ServerKind) throws {
        let server = try TestServers.start(kind)
        try FileManager.default.createDirectory(atPath: server.path("site/sub"), withIntermediateDirectories: true)
        try TestFiles.write(server.path("site/a.txt"), "a\n")
        try TestFiles.writeRandom(server.path("site/sub/b.bin"), size: 120_000)
        let work = try TemporaryDirectory("ferry-api")
        try FileManager.default.createDirectory(atPath: work.file("copy"), withIntermediateDirectories: true)
        try TestFiles.write(work.file("copy/stale.txt"), "old\n")

        let client = FTPClient()
        try client.connect(host: server.host, port: server.port)
        try client.login(user: server.user, password: server.password)
        let recipe = SessionRecipe(host: server.host, port: server.port, user: server.user, password: server.password)
        var options = MirrorOptions()
        options.delete = true
        options.parallel = 3
        let events = EventLog()
        func mirror() throws -> TreeMirror.Summary {
            let tree = try TreeMirror(client: client, recipe: recipe, configuration: client.configuration, options: options,
                                      remote: "site", local: work.file("copy")) { events.add($0) }
            return tree.run(try tree.plan(), allowDeletions: true)
        }
        let first = try mirror()
        #expect(first.transferred == 2 && first.deleted == 1 && first.failed == 0, "\(first)")
        #expect(TestFiles.names(in: work.file("copy")) == ["a.txt", "sub"])
        #expect(try TestFiles.sha256(work.file("copy/sub/b.bin")) == TestFiles.sha256(server.path("site/sub/b.bin")))
        let second = try mirror()
        #expect(second.transferred == 0 && second.deleted == 0 && second.failed == 0, "\(second)")
        #expect(events.count > 0)
        client.quit()
    }

    @Test func theExampleProgramCopiesAFolder() throws {
        let server = try PyFTPServer()
        try FileManager.default.createDirectory(atPath: server.path("pub"), withIntermediateDirectories: true)
        for index in 0..<5 { try TestFiles.writeRandom(server.path("pub/f\(index).bin"), size: 70_000 * (index + 1)) }
        let work = try TemporaryDirectory("ferry-api")
        let example = URL(fileURLWithPath: TestPaths.ferryBinary).deletingLastPathComponent().appendingPathComponent("mirror-folder").path
        let result = try ProcessRunner.run(example, [server.host, String(server.port), server.user, server.password, "pub", work.file("out")],
                                           timeout: 60)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.contains("5 of 5 files copied"), "\(result.output)")
        for index in 0..<5 {
            #expect(try TestFiles.sha256(work.file("out/f\(index).bin")) == TestFiles.sha256(server.path("pub/f\(index).bin")))
        }
    }
}

/// Events from the mirror's threads, counted.
final class EventLog: Sendable {
    private let events = Mutex(0)
    func add(_ event: TreeMirror.Event) { events.withLock { $0 += 1 } }
    var count: Int { events.withLock { $0 } }
}
