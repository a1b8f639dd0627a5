import FerryTestSupport
import Foundation
import Testing

/// pget: one file over several sessions at once (issue 10), on pyftpdlib and vsftpd.
@Suite struct SegmentedDownloadTests {
    func run(_ server: TestServer, _ script: String, flags: [String] = [], directory: String,
             timeout: Double = 120) throws -> ProcessRunner.Result {
        try Ferry.session(server, script, flags: flags, directory: directory, timeout: timeout)
    }

    /// 0 bytes, 1 byte, fewer bytes than segments, and an odd prime number of bytes (3 MiB and a bit).
    static let sizes = [0, 1, 3, 3_145_739]

    @Test(arguments: ServerKind.allCases)
    func everySizeArrivesWholeWithOneFourAndEightSegments(kind: ServerKind) throws {
        let server = try TestServers.start(kind)
        for size in Self.sizes { try TestFiles.writeRandom(server.path("s\(size).bin"), size: size) }
        if kind == .vsftpd { _ = try ProcessRunner.run("/bin/chown", ["-R", server.user, server.root]) }
        for segments in [1, 4, 8] {
            let work = try TemporaryDirectory("ferry-pget")
            let script = Self.sizes.map { "pget -n \(segments) s\($0).bin\n" }.joined()
            let result = try run(server, script, directory: work.path)
            #expect(result.status == 0, "\(kind) -n \(segments): \(result.output)")
            for size in Self.sizes {
                #expect(try TestFiles.sha256(work.file("s\(size).bin")) == TestFiles.sha256(server.path("s\(size).bin")),
                        "\(kind) -n \(segments), \(size) bytes")
            }
            #expect(TestFiles.names(in: work.path) == Self.sizes.map { "s\($0).bin" }.sorted(),
                    "no .part or state file left: \(TestFiles.names(in: work.path))")
        }
    }

    @Test func aServerThatRefusesRestGetsTheFileOnOneConnection() throws {
        var options = ServerOptions()
        options.refuse = ["REST"]
        let server = try PyFTPServer(options: options)
        try TestFiles.writeRandom(server.path("f.bin"), size: 1_000_003)
        let work = try TemporaryDirectory("ferry-pget")
        let result = try run(server, "pget -n 4 f.bin\n", directory: work.path)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stderr.contains("downloading on one connection"), "\(result.stderr)")
        #expect(try TestFiles.sha256(work.file("f.bin")) == TestFiles.sha256(server.path("f.bin")))
    }

    @Test func vsftpdAllowingTwoConnectionsStillCompletesEightSegments() throws {
        let server = try VsftpdServer(extraConfiguration: ["max_per_ip=2"])
        try TestFiles.writeRandom(server.path("f.bin"), size: 4_000_037)
        let work = try TemporaryDirectory("ferry-pget")
        let result = try run(server, "pget -n 8 f.bin\n", directory: work.path)
        #expect(result.status == 0, "\(result.output)")
        #expect(try TestFiles.sha256(work.file("f.bin")) == TestFiles.sha256(server.path("f.bin")))
        #expect(TestFiles.names(in: work.path) == ["f.bin"])
    }

    @Test func aRangeCutMidwayResumes() throws {
        var options = ServerOptions()
        options.cutRetrieveAfter = 300_000
        let server = try PyFTPServer(options: options)
        try TestFiles.writeRandom(server.path("f.bin"), size: 2_000_003)
        let work = try TemporaryDirectory("ferry-pget")
        let result = try run(server, "pget -n 2 f.bin\n", directory: work.path)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stderr.contains("resuming it"), "\(result.stderr)")
        #expect(try TestFiles.sha256(work.file("f.bin")) == TestFiles.sha256(server.path("f.bin")))
        #expect(TestFiles.names(in: work.path) == ["f.bin"])
    }

    @Test func aKilledPgetContinuesFromItsStateFile() throws {
        var options = ServerOptions()
        options.rateLimit = 150_000
        let server = try PyFTPServer(options: options)
        try TestFiles.writeRandom(server.path("slow.bin"), size: 3_000_017)
        let work = try TemporaryDirectory("ferry-pget")
        // Killed after a second and a half: at 4 × 150 kB/s, more than 2 MB of 3 are still to come.
        let killed = try Ferry.run(["-n", server.host, String(server.port)],
                                   script: "user \(server.user) \(server.password)\npget -n 4 slow.bin\n",
                                   timeout: 1.5, directory: work.path, expectTimeout: true)
        #expect(killed.status != 0)
        #expect(TestFiles.exists(work.file(".slow.bin.part")) && TestFiles.exists(work.file(".slow.bin.pget")),
                "\(TestFiles.names(in: work.path))")
        #expect(!TestFiles.exists(work.file("slow.bin")), "nothing looks complete")
        let again = try run(server, "pget -n 4 slow.bin\n", directory: work.path)
        #expect(again.status == 0, "\(again.output)")
        #expect(again.stderr.contains("continuing 'slow.bin' from"), "\(again.stderr)")
        #expect(try TestFiles.sha256(work.file("slow.bin")) == TestFiles.sha256(server.path("slow.bin")))
        #expect(TestFiles.names(in: work.path) == ["slow.bin"])
    }

    /// The state file never records a range before its bytes are durable: under strace, every write of the state
    /// (a rename of its temporary file into place) follows an fdatasync of the .part since the previous one.
    @Test func thePgetStateIsWrittenOnlyAfterItsBytesAreOnDisk() throws {
        var options = ServerOptions()
        options.rateLimit = 400_000
        let server = try PyFTPServer(options: options)
        try TestFiles.writeRandom(server.path("slow.bin"), size: 4_000_000)
        let work = try TemporaryDirectory("ferry-pget")
        let trace = work.file("trace.txt")
        let result = try ProcessRunner.run("/usr/bin/strace", ["-f", "-o", trace, "-e", "trace=fdatasync,rename,renameat,renameat2",
                                                               TestPaths.ferryBinary, "-n", server.host, String(server.port)],
                                           stdin: "user tester secret\npget -n 2 slow.bin\n", timeout: 120, directory: work.path)
        #expect(result.status == 0, "\(result.output)")
        #expect(try TestFiles.sha256(work.file("slow.bin")) == TestFiles.sha256(server.path("slow.bin")))
        let calls = try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n").filter { !$0.contains("resumed>") || $0.contains("= 0") }
        var synced = false
        var stateWrites = 0
        for call in calls {
            if call.contains("fdatasync(") { synced = true }
            if call.contains("rename"), call.contains(".slow.bin.pget") {
                stateWrites += 1
                #expect(synced, "a state write with no fdatasync of the .part before it: \(call)")
                synced = false
            }
        }
        #expect(stateWrites >= 3, "the state was written as the ranges arrived: \(stateWrites)")
    }

    @Test func getUsesSegmentsAboveTheThresholdAndURLsWithSegments() throws {
        let server = try PyFTPServer()
        try TestFiles.writeRandom(server.path("big.bin"), size: 2_500_000)
        let work = try TemporaryDirectory("ferry-pget")
        let result = try run(server, "set pget-segments 3\nset pget-threshold 1m\nget big.bin\n", flags: ["-v"], directory: work.path)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stderr.contains("(3 segments)"), "\(result.stderr)")
        #expect(try TestFiles.sha256(work.file("big.bin")) == TestFiles.sha256(server.path("big.bin")))
        let url = "ftp://\(server.user):\(server.password)@\(server.host):\(server.port)/big.bin"
        let other = try TemporaryDirectory("ferry-pget")
        let oneShot = try Ferry.run(["-v", "--segments", "4", url], directory: other.path)
        #expect(oneShot.status == 0, "\(oneShot.output)")
        #expect(oneShot.stderr.contains("(4 segments)"), "\(oneShot.stderr)")
        #expect(try TestFiles.sha256(other.file("big.bin")) == TestFiles.sha256(server.path("big.bin")))
    }

    // MARK: hostile servers (written before the feature was called done)

    @Test func aPipeNameIsSavedAsAPlainFile() throws {
        let server = try PyFTPServer()
        try TestFiles.writeRandom(server.path("|touch pwned"), size: 700_001)
        let work = try TemporaryDirectory("ferry-pget")
        let result = try run(server, "pget -n 3 \"|touch pwned\"\n", directory: work.path)
        #expect(result.status == 0, "\(result.output)")
        #expect(!TestFiles.exists(work.file("pwned")))
        #expect(try TestFiles.sha256(work.file("_touch pwned")) == TestFiles.sha256(server.path("|touch pwned")))
    }

    @Test(arguments: ["213 100000", "213 9999999"])
    func aSizeThatLiesNeverGivesAFileThatLooksComplete(sizeReply: String) throws {
        var options = ServerOptions()
        options.sizeReply = sizeReply
        let server = try PyFTPServer(options: options)
        try TestFiles.writeRandom(server.path("f.bin"), size: 1_000_003)
        let work = try TemporaryDirectory("ferry-pget")
        let result = try run(server, "set retries 1\npget -n 4 f.bin\n", directory: work.path)
        #expect(result.status == 1, "\(sizeReply): \(result.output)")
        #expect(!TestFiles.exists(work.file("f.bin")), "\(sizeReply): a file that looks complete")
        if sizeReply == "213 100000" {
            #expect(result.stderr.contains("more bytes than it announced"), "\(result.stderr)")
            #expect(TestFiles.names(in: work.path).isEmpty, "nothing worth continuing is kept: \(TestFiles.names(in: work.path))")
        }
    }
}
