import FerryTestSupport
import Foundation
import Testing

/// What an adversarial review of pget and mget/mput -P found (issue 10): state files and `.part`s that are not what
/// they seem, sessions in the wrong folder, servers that cut, stall or lie.
@Suite struct SegmentedHostileTests {
    func run(_ server: TestServer, _ script: String, directory: String, timeout: Double = 90,
             expectTimeout: Bool = false) throws -> ProcessRunner.Result {
        try Ferry.run(["-n", server.host, String(server.port)], script: "user \(server.user) \(server.password)\n" + script,
                      timeout: timeout, directory: directory, expectTimeout: expectTimeout)
    }

    /// A pget killed half-way: `.f.bin.part` (preallocated, full of holes) and `.f.bin.pget` are left.
    func interruptedPget(_ server: TestServer, in work: String, file: String = "f.bin") throws {
        _ = try run(server, "pget -n 4 \(file)\n", directory: work, timeout: 1.5, expectTimeout: true)
        #expect(TestFiles.exists(work + "/.\(file).pget"), "the pget was not interrupted: \(TestFiles.names(in: work))")
    }

    func slowServer() throws -> (PyFTPServer, String) {
        var options = ServerOptions()
        options.rateLimit = 150_000
        let server = try PyFTPServer(options: options)
        try FileManager.default.createDirectory(atPath: server.path("sub"), withIntermediateDirectories: true)
        try TestFiles.writeRandom(server.path("f.bin"), size: 3_000_017)
        try TestFiles.writeRandom(server.path("sub/f.bin"), size: 3_000_017)
        return (server, try TestFiles.sha256(server.path("sub/f.bin")))
    }

    @Test func regetNeverTakesAnInterruptedPgetsPartAsComplete() throws {
        let (server, _) = try slowServer()
        let work = try TemporaryDirectory("ferry-pget-hostile")
        try interruptedPget(server, in: work.path)
        let result = try run(server, "reget f.bin\n", directory: work.path)
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stderr.contains("run pget again to continue"), "\(result.stderr)")
        #expect(!TestFiles.exists(work.file("f.bin")))
    }

    @Test func everySessionWorksInTheFolderThisOneIsIn() throws {
        let (server, want) = try slowServer()
        let work = try TemporaryDirectory("ferry-pget-hostile")
        // quote CWD moves the session without a cd the shell could record.
        let result = try Ferry.run(["-n", server.host, String(server.port)],
                                   script: "user \(server.user) \(server.password)\nquote CWD sub\npget -n 4 f.bin\n",
                                   timeout: 90, directory: work.path)
        #expect(result.status == 0, "\(result.output)")
        #expect(try TestFiles.sha256(work.file("f.bin")) == want, "the sessions mixed two files")
    }

    @Test func aStateFileOfAnotherFileIsNotContinued() throws {
        let (server, want) = try slowServer()
        let work = try TemporaryDirectory("ferry-pget-hostile")
        try interruptedPget(server, in: work.path)          // f.bin in /
        let result = try run(server, "cd sub\npget -n 4 f.bin\n", directory: work.path)   // f.bin in /sub
        #expect(result.status == 0, "\(result.output)")
        #expect(!result.stderr.contains("continuing"), "\(result.stderr)")
        #expect(try TestFiles.sha256(work.file("f.bin")) == want)
    }

    @Test func aStateFileSomeoneElsePlantedOrAFifoIsRefused() throws {
        let (server, _) = try slowServer()
        let work = try TemporaryDirectory("ferry-pget-hostile")
        try TestFiles.write(work.file(".f.bin.pget"), "ferry-pget 1\nsize 3000017\nfile x\nrange 0 3000017 3000017\n")
        chown(work.file(".f.bin.pget"), 65534, 65534)
        let planted = try run(server, "pget -n 4 f.bin\n", directory: work.path, timeout: 30)
        #expect(planted.status == 1, "\(planted.output)")
        #expect(planted.stderr.contains("not a regular file of yours"), "\(planted.stderr)")
        unlink(work.file(".f.bin.pget"))
        mkfifo(work.file(".f.bin.pget"), 0o644)
        let fifo = try run(server, "pget -n 4 f.bin\n", directory: work.path, timeout: 30)
        #expect(fifo.status == 1, "no hang on a FIFO: \(fifo.output)")
    }

    @Test func aSizeOfZeroOrOneMoreThanTheDiskIsNotBelieved() throws {
        var options = ServerOptions()
        options.sizeReply = "213 0"
        let zero = try PyFTPServer(options: options)
        try TestFiles.writeRandom(zero.path("f.bin"), size: 50_000)
        let work = try TemporaryDirectory("ferry-pget-hostile")
        let result = try run(zero, "pget -n 4 f.bin\n", directory: work.path)
        #expect(result.status == 1, "an empty file from a SIZE of 0: \(result.output)")
        let got = (try? TestFiles.read(work.file("f.bin")).count) ?? 0
        #expect(got == 0 || got == 50_000, "a file that looks complete but is not: \(got) bytes")
        options.sizeReply = "213 999999999999999"
        let huge = try PyFTPServer(options: options)
        try TestFiles.writeRandom(huge.path("f.bin"), size: 5_000_000)
        let other = try TemporaryDirectory("ferry-pget-hostile")
        let refused = try run(huge, "pget -n 4 f.bin\n", directory: other.path)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("more than the free space"), "\(refused.stderr)")
        #expect(TestFiles.names(in: other.path).isEmpty, "nothing reserved: \(TestFiles.names(in: other.path))")
    }

    @Test func aServerThatCutsEveryRangeIsNotRetriedForEver() throws {
        var options = ServerOptions()
        options.cutRetrieveAfter = 20_000
        let server = try PyFTPServer(options: options)
        try TestFiles.writeRandom(server.path("f.bin"), size: 5_000_000)
        let work = try TemporaryDirectory("ferry-pget-hostile")
        let result = try run(server, "set retries 2\npget -n 4 f.bin\n", directory: work.path)
        #expect(result.status == 1, "\(result.output)")
        let retries = result.stderr.components(separatedBy: "resuming it").count - 1
        #expect(retries <= 2 * 4 + 4, "\(retries) attempts")
        #expect(!TestFiles.exists(work.file("f.bin")))
    }

    @Test func ctrlCStopsSessionsWaitingOnAStalledServer() throws {
        var options = ServerOptions()
        options.stallRetrieveAfter = 100_000
        let server = try PyFTPServer(options: options)
        try TestFiles.writeRandom(server.path("f.bin"), size: 5_000_000)
        let work = try TemporaryDirectory("ferry-pget-hostile")
        let start = Date()
        let result = try Ferry.pty(["-n", server.host, String(server.port)], [
            "expect ftp> ", "send user \(server.user) \(server.password)",
            "expect ftp> ", "send pget -n 4 f.bin", "sleep 2", "interrupt",
            "expect ftp> ", "send quit",
        ], directory: work.path)
        #expect(result.status == 0, "\(result.stdout)")
        #expect(Date().timeIntervalSince(start) < 20, "the helper sessions waited out the 60 s stall timeout")
    }

    @Test func parallelJobsKeepUniqueNamesAndNeverShareALocalFile() throws {
        let server = try PyFTPServer()
        try TestFiles.write(server.path("u1.txt"), "new")
        try TestFiles.write(server.path("m1.dat"), "m")
        let work = try TemporaryDirectory("ferry-pget-hostile")
        try TestFiles.write(work.file("u1.txt"), "mine")
        let result = try run(server, "runique on\nmget -P 2 u*.txt\nrunique off\nmget -P 2 m1.dat m1.dat\npget f.bin \"\"\n",
                             directory: work.path)
        #expect(try TestFiles.read(work.file("u1.txt")) == Data("mine".utf8), "runique: the local file was overwritten")
        #expect(try TestFiles.read(work.file("u1.txt.1")) == Data("new".utf8))
        #expect(try TestFiles.read(work.file("m1.dat")) == Data("m".utf8))
        #expect(result.stderr.contains("too; skipped"), "\(result.stderr)")
        #expect(result.stderr.contains("usage: pget"), "an empty local name is a usage error: \(result.stderr)")
        #expect(!TestFiles.names(in: work.path).contains { $0.hasPrefix("..") }, "\(TestFiles.names(in: work.path))")
    }

    @Test func aSessionThatHangsLoggingInDoesNotHoldTheJob() throws {
        var options = ServerOptions()
        options.muteAfterSessions = 1
        let server = try PyFTPServer(options: options)
        try TestFiles.writeRandom(server.path("f.bin"), size: 3_000_017)
        for index in 0..<4 { try TestFiles.write(server.path("m\(index).txt"), "m\(index)") }
        let work = try TemporaryDirectory("ferry-pget-hostile")
        let start = Date()
        let result = try run(server, "pget -n 4 f.bin\nmget -P 4 m*.txt\n", directory: work.path, timeout: 60)
        #expect(result.status == 0, "\(result.output)")
        #expect(Date().timeIntervalSince(start) < 30, "the job waited for sessions stuck in login (reply timeout 60 s)")
        #expect(try TestFiles.sha256(work.file("f.bin")) == TestFiles.sha256(server.path("f.bin")))
        #expect(TestFiles.exists(work.file("m3.txt")))
    }
}
