import FerryTestSupport
import Foundation
import Testing

/// What people rely on, run against each of the four real servers (pyftpdlib, vsftpd, proftpd, pure-ftpd) by the
/// same test code; every copy is checked by sha256, every kept time against the original's.
@Suite struct ServerMatrixTests {
    static func setTime(_ path: String, _ seconds: Int) {
        var times = [timespec(tv_sec: seconds, tv_nsec: 0), timespec(tv_sec: seconds, tv_nsec: 0)]
        utimensat(AT_FDCWD, path, &times, 0)
    }

    @Test(arguments: ServerKind.allCases)
    func parallelMputAndMgetKeepEveryByteAndMgetKeepsTimes(server kind: ServerKind) throws {
        let server = try TestServers.start(kind)
        let work = try TemporaryDirectory("ferry-matrix")
        try FileManager.default.createDirectory(atPath: work.file("src"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: work.file("got"), withIntermediateDirectories: true)
        let names = (0..<6).map { "file \($0).bin" }
        for (index, name) in names.enumerated() { try TestFiles.writeRandom(work.file("src/\(name)"), size: 10_000 + index * 50_003) }
        let up = try Ferry.session(server, "mput -P 3 src/*.bin\n", directory: work.path, timeout: 120)
        #expect(up.status == 0, "\(up.output)")
        for (index, name) in names.enumerated() {
            #expect(try TestFiles.sha256(server.path(name)) == TestFiles.sha256(work.file("src/\(name)")), "\(name)")
            ServerMatrixTests.setTime(server.path(name), 1_500_000_000 + index * 3_600)
        }
        // vsftpd has no MLSD: the times come from MDTM, asked by each session of the job.
        let down = try Ferry.session(server, "lcd got\nmget -P 3 *.bin\n", directory: work.path, timeout: 120)
        #expect(down.status == 0, "\(down.output)")
        for (index, name) in names.enumerated() {
            #expect(try TestFiles.sha256(work.file("got/\(name)")) == TestFiles.sha256(server.path(name)), "\(name)")
            #expect(MirrorTests.modified(work.file("got/\(name)")) == 1_500_000_000 + index * 3_600, "\(name) kept its time")
        }
    }

    @Test(arguments: ServerKind.allCases)
    func mirrorUpAndDownWithDeleteThenASecondRunMovesNothing(server kind: ServerKind) throws {
        let server = try TestServers.start(kind)
        let work = try TemporaryDirectory("ferry-matrix")
        var files: [String] = []
        for folder in ["docs", "media files/deep"] {
            try FileManager.default.createDirectory(atPath: work.file("tree/\(folder)"), withIntermediateDirectories: true)
            for index in 0..<4 {
                let name = "\(folder)/fïle \(index).dat"
                try TestFiles.writeRandom(work.file("tree/\(name)"), size: 1_000 + index * 40_000)
                ServerMatrixTests.setTime(work.file("tree/\(name)"), 1_600_000_000 + index * 60)
                files.append(name)
            }
        }
        let up = try Ferry.session(server, "mirror -R -P 2 tree up\n", directory: work.path, timeout: 180)
        #expect(up.status == 0, "\(up.output)")
        for file in files {
            #expect(try TestFiles.sha256(server.path("up/\(file)")) == TestFiles.sha256(work.file("tree/\(file)")), "\(file)")
            #expect(MirrorTests.modified(server.path("up/\(file)")) == MirrorTests.modified(work.file("tree/\(file)")),
                    "\(kind) keeps \(file)'s time")
        }
        let upAgain = try Ferry.session(server, "mirror -R tree up\n", flags: ["-d"], directory: work.path, timeout: 180)
        #expect(upAgain.status == 0, "\(upAgain.output)")
        #expect(!upAgain.stderr.contains("---> STOR"), "\(upAgain.stderr.suffix(600))")

        // Down into a copy that has a file the server lacks: --delete removes it.
        try FileManager.default.createDirectory(atPath: work.file("down/docs"), withIntermediateDirectories: true)
        try TestFiles.write(work.file("down/docs/stale.txt"), "stale\n")
        let down = try Ferry.session(server, "mirror --delete -P 2 up down\n", directory: work.path, timeout: 180)
        #expect(down.status == 0, "\(down.output)")
        #expect(!TestFiles.exists(work.file("down/docs/stale.txt")))
        for file in files {
            #expect(try TestFiles.sha256(work.file("down/\(file)")) == TestFiles.sha256(work.file("tree/\(file)")), "\(file)")
            #expect(MirrorTests.modified(work.file("down/\(file)")) == MirrorTests.modified(work.file("tree/\(file)")), "\(file)")
        }
        let downAgain = try Ferry.session(server, "mirror --delete up down\n", flags: ["-d"], directory: work.path, timeout: 180)
        #expect(downAgain.status == 0, "\(downAgain.output)")
        #expect(!downAgain.stderr.contains("---> RETR"), "\(downAgain.stderr.suffix(600))")
    }

    @Test(arguments: ServerKind.allCases)
    func regetContinuesAPartialFileWithRest(server kind: ServerKind) throws {
        let server = try TestServers.start(kind)
        try TestFiles.writeRandom(server.path("big.bin"), size: 1_000_000)
        let work = try TemporaryDirectory("ferry-matrix")
        let whole = try TestFiles.read(server.path("big.bin"))
        try whole.prefix(400_000).write(to: URL(fileURLWithPath: work.file("big.bin")))
        let result = try Ferry.session(server, "reget big.bin\n", flags: ["-d"], directory: work.path, timeout: 120)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stderr.contains("---> REST 400000"), "\(result.stdout)")
        #expect(try TestFiles.sha256(work.file("big.bin")) == TestFiles.sha256(server.path("big.bin")))
    }
}

/// Explicit FTPS, required by the server for logins and data, on the two unpacked daemons (vsftpd's is tested in
/// TLSTests): the control session is resumed on every data connection (proftpd requires it by default).
@Suite struct UnpackedServerTLSTests {
    @Test(arguments: [ServerKind.proftpd, .pureftpd])
    func getPutAndListOverExplicitTLS(server kind: ServerKind) throws {
        let server: TestServer
        let certificate: String
        if kind == .proftpd {
            let proftpd = try ProftpdServer(tls: true)
            (server, certificate) = (proftpd, proftpd.certificatePath!)
        } else {
            let pure = try PureFTPdServer(tls: true)
            (server, certificate) = (pure, pure.certificatePath!)
        }
        try TestFiles.writeRandom(server.path("big.bin"), size: 1_500_000)
        _ = try ProcessRunner.run("/bin/chown", ["-R", TestAccount.name, server.root])
        let work = try TemporaryDirectory("ferry-matrix-tls")
        try TestFiles.writeRandom(work.file("up.bin"), size: 700_000)
        let result = try Ferry.session(server, "status\nls\nget big.bin\nput up.bin\nmget -P 2 big.bin\n",
                                       flags: ["--tls", "--cacert", certificate], directory: work.path, timeout: 120)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.contains("Protection: TLS"), "\(result.stdout)")
        #expect(try TestFiles.sha256(work.file("big.bin")) == TestFiles.sha256(server.path("big.bin")))
        #expect(try TestFiles.sha256(server.path("up.bin")) == TestFiles.sha256(work.file("up.bin")))
        // Without TLS the server turns the login away: the test is not passing in clear text.
        let clear = try Ferry.session(server, "ls\n", directory: work.path, timeout: 60)
        #expect(clear.status != 0, "\(clear.output)")
    }
}
