import FerryTestSupport
import Foundation
import Testing

/// mget -P and mput -P on a pool of sessions (issue 10), against vsftpd with its strict defaults.
@Suite struct ParallelTransferTests {
    func run(_ server: TestServer, _ script: String, flags: [String] = [], directory: String) throws -> ProcessRunner.Result {
        try Ferry.session(server, script, flags: flags, directory: directory, timeout: 120)
    }

    @Test func mgetOnFourSessionsFetches300FilesAndReportsTheOneItCouldNotRead() throws {
        let server = try VsftpdServer()
        try FileManager.default.createDirectory(atPath: server.path("many"), withIntermediateDirectories: true)
        for index in 0..<300 { try TestFiles.writeRandom(server.path("many/f\(index).bin"), size: 1000 + index * 37) }
        // Owned by root, mode 0600: vsftpd, serving as the test user, cannot read it.
        try TestFiles.write(server.path("many/locked.bin"), "secret")
        chmod(server.path("many/locked.bin"), 0o600)
        _ = try ProcessRunner.run("/bin/chown", ["-R", "\(server.user)", server.path("many")])
        _ = try ProcessRunner.run("/bin/chown", ["root:root", server.path("many/locked.bin")])
        let work = try TemporaryDirectory("ferry-parallel")
        let result = try run(server, "cd many\nmget -P 4 *\n", flags: ["-d"], directory: work.path)
        #expect(result.status == 1, "one file could not be read: \(result.stderr)")
        #expect(result.stderr.contains("locked.bin"), "\(result.stderr)")
        #expect(result.stderr.contains("1 of 301 files failed"), "\(result.stderr)")
        for index in 0..<300 {
            #expect(try TestFiles.sha256(work.file("f\(index).bin")) == TestFiles.sha256(server.path("many/f\(index).bin")))
        }
        #expect(TestFiles.names(in: work.path).count == 300, "no .part left: \(TestFiles.names(in: work.path).filter { $0.hasPrefix(".") })")
        let sizes = result.stderr.components(separatedBy: "---> SIZE").count - 1
        #expect(sizes == 0, "the listing gave the sizes: no SIZE per file (\(sizes))")
    }

    @Test func mputOnFourSessionsStores300FilesAndGoesOnPastAnUnreadableOne() throws {
        let server = try VsftpdServer()
        let work = try TemporaryDirectory("ferry-parallel")
        for index in 0..<300 { try TestFiles.writeRandom(work.file("u\(index).dat"), size: 500 + index * 41) }
        symlink(work.file("nowhere"), work.file("u_broken.dat"))
        let result = try run(server, "mput -P 4 *.dat\n", directory: work.path)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("u_broken.dat"), "\(result.stderr)")
        for index in 0..<300 {
            #expect(try TestFiles.sha256(server.path("u\(index).dat")) == TestFiles.sha256(work.file("u\(index).dat")))
        }
    }

    @Test func aServerThatAllowsTwoConnectionsStillGetsEveryFile() throws {
        let server = try VsftpdServer(extraConfiguration: ["max_per_ip=2"])
        for index in 0..<20 { try TestFiles.writeRandom(server.path("g\(index).bin"), size: 20_000) }
        let work = try TemporaryDirectory("ferry-parallel")
        let result = try run(server, "set parallel 8\nmget g*\n", directory: work.path)
        #expect(result.status == 0, "\(result.output)")
        // Said once, though six sessions were refused alike.
        #expect(result.stderr.components(separatedBy: "going on with fewer").count == 2, "\(result.stderr)")
        for index in 0..<20 {
            #expect(try TestFiles.sha256(work.file("g\(index).bin")) == TestFiles.sha256(server.path("g\(index).bin")))
        }
    }

    @Test func mgetOnOneConnectionTakesSizesAndTimesFromTheListing() throws {
        let server = try PyFTPServer()   // MLSD: sizes and UTC times to the second
        for index in 0..<5 { try TestFiles.writeRandom(server.path("m\(index).bin"), size: 10_000 + index) }
        var old = [timespec(tv_sec: 1_500_000_000, tv_nsec: 0), timespec(tv_sec: 1_500_000_000, tv_nsec: 0)]
        utimensat(AT_FDCWD, server.path("m3.bin"), &old, 0)
        let work = try TemporaryDirectory("ferry-parallel")
        let result = try run(server, "mget m*\n", flags: ["-d"], directory: work.path)
        #expect(result.status == 0, "\(result.output)")
        #expect(!result.stderr.contains("---> SIZE") && !result.stderr.contains("---> MDTM"), "\(result.stdout)")
        for index in 0..<5 {
            #expect(try TestFiles.sha256(work.file("m\(index).bin")) == TestFiles.sha256(server.path("m\(index).bin")))
        }
        let modified = try FileManager.default.attributesOfItem(atPath: work.file("m3.bin"))[.modificationDate] as? Date
        #expect(modified?.timeIntervalSince1970 == 1_500_000_000, "preserve took the listing's time")
    }

    @Test(arguments: [10, 999_999])
    func aListingThatLiesAboutSizesNeverGivesAFileThatLooksComplete(listedSize: Int) throws {
        var options = ServerOptions()
        options.mlsdSize = listedSize
        let server = try PyFTPServer(options: options)
        for index in 0..<3 { try TestFiles.writeRandom(server.path("l\(index).bin"), size: 50_000) }
        let work = try TemporaryDirectory("ferry-parallel")
        let result = try run(server, "set retries 1\nmget l0*\nmget -P 2 l1* l2*\n", directory: work.path)
        #expect(result.status == 1, "\(listedSize): \(result.output)")
        #expect(TestFiles.names(in: work.path).filter { !$0.hasPrefix(".") }.isEmpty,
                "\(listedSize): \(TestFiles.names(in: work.path))")
    }

    @Test func badParallelCountsAreUsageErrors() throws {
        let server = try PyFTPServer()
        let work = try TemporaryDirectory("ferry-parallel")
        let result = try run(server, "mget -P 0 x\nmget -P x y\nmput -P99 z\nset parallel 17\n", directory: work.path)
        #expect(result.status == 1)
        #expect(result.stderr.components(separatedBy: "usage: m").count == 4, "\(result.stderr)")
        #expect(result.stderr.contains("'17' is not a value for parallel"), "\(result.stderr)")
    }
}
