import FerryTestSupport
import Foundation
import Testing

/// Faults from a scripted pyftpdlib: each checks the exit status, the message and the files left on disk,
/// and that nothing hangs past its timeout.
@Suite struct RobustnessTests {
    func run(_ server: TestServer, _ script: String, flags: [String] = [], directory: String) throws -> ProcessRunner.Result {
        try Ferry.session(server, script, flags: flags, directory: directory, timeout: 90)
    }

    @Test func cutDownloadsResumeToAnIdenticalFile() throws {
        var options = ServerOptions()
        options.cutRetrieveAfter = 200_000
        let server = try PyFTPServer(options: options)
        try TestFiles.writeRandom(server.path("big.bin"), size: 500_000)
        let work = try TemporaryDirectory("ferry-faults")
        let result = try run(server, "get big.bin\n", directory: work.path)
        #expect(result.status == 0, "\(result.output)")
        #expect(try TestFiles.sha256(work.file("big.bin")) == TestFiles.sha256(server.path("big.bin")))
        #expect(result.stderr.contains("Resuming 'big.bin'"), "\(result.stderr)")
        #expect(TestFiles.names(in: work.path) == ["big.bin"])
    }

    @Test func aDroppedControlConnectionReconnectsReturnsToTheFolderAndResumes() throws {
        var options = ServerOptions()
        options.dropControlAfterRetrieve = 300_000
        let server = try PyFTPServer(options: options)
        try FileManager.default.createDirectory(atPath: server.path("deep"), withIntermediateDirectories: true)
        try TestFiles.writeRandom(server.path("deep/big.bin"), size: 700_000)
        let work = try TemporaryDirectory("ferry-faults")
        let result = try run(server, "cd deep\nget big.bin\npwd\n", flags: ["-q", "5"], directory: work.path)
        #expect(result.status == 0, "\(result.output)")
        #expect(try TestFiles.sha256(work.file("big.bin")) == TestFiles.sha256(server.path("deep/big.bin")))
        #expect(result.stderr.contains("Reconnected"), "\(result.stderr)")
        #expect(result.stdout.contains("Remote directory: /deep"), "the session is back in its folder")
    }

    /// Found by a review: a get that failed with its connection lost reconnected silently inside the failed
    /// command (the job's loop reopened the session for no file), and a server that then hung held the prompt.
    @Test func aFailedGetWithTheConnectionLostDoesNotReconnectBehindTheUsersBack() throws {
        var options = ServerOptions()
        options.dropControlAfterRetrieve = 300_000
        let server = try PyFTPServer(options: options)
        try TestFiles.writeRandom(server.path("big.bin"), size: 1_000_000)
        let work = try TemporaryDirectory("ferry-faults")
        let result = try run(server, "set retries 0\nget big.bin\npwd\n", flags: ["-d"], directory: work.path)
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.components(separatedBy: "---> USER").count - 1 == 1, "one login only: \(result.output)")
        #expect(result.stderr.contains("Not connected."), "\(result.stderr)")
    }

    @Test func aBrokenTransferThatCannotBeResumedLeavesOnlyAPartFile() throws {
        var options = ServerOptions()
        options.cutRetrieveAfter = 100_000
        let server = try PyFTPServer(options: options)
        try TestFiles.writeRandom(server.path("big.bin"), size: 1_000_000)
        let work = try TemporaryDirectory("ferry-faults")
        let result = try run(server, "set retries 1\nget big.bin\n", directory: work.path)
        #expect(result.status == 1)
        #expect(!TestFiles.exists(work.file("big.bin")), "nothing that looks complete")
        #expect(TestFiles.exists(work.file(".big.bin.part")), "the partial file is kept for reget")
        let again = try Ferry.run(["-n", server.host, String(server.port)],
                                  script: "user tester secret\nset retries 10\nreget big.bin\n", timeout: 90, directory: work.path)
        #expect(again.status == 0, "\(again.output)")
        #expect(try TestFiles.sha256(work.file("big.bin")) == TestFiles.sha256(server.path("big.bin")))
        #expect(TestFiles.names(in: work.path) == ["big.bin"])
    }

    @Test func aCutUploadResumesWithRestToAnIdenticalFile() throws {
        var options = ServerOptions()
        options.cutStoreAfter = 120_000
        let server = try PyFTPServer(options: options)
        let work = try TemporaryDirectory("ferry-faults")
        try TestFiles.writeRandom(work.file("up.bin"), size: 300_000)
        let result = try run(server, "put up.bin\n", flags: ["-d"], directory: work.path)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stderr.contains("Resuming the upload"), "\(result.stderr)")
        #expect(result.stderr.contains("---> REST "), "\(result.stdout)")
        #expect(try TestFiles.sha256(server.path("up.bin")) == TestFiles.sha256(work.file("up.bin")))
    }

    @Test func anUploadCutByTheServerIsAFailureWithItsByteCount() throws {
        var options = ServerOptions()
        options.cutStoreAfter = 100_000
        let server = try PyFTPServer(options: options)
        let work = try TemporaryDirectory("ferry-faults")
        try TestFiles.writeRandom(work.file("up.bin"), size: 3_000_000)
        let before = try TestFiles.sha256(work.file("up.bin"))
        let result = try run(server, "set retries 0\nput up.bin\npwd\n", directory: work.path)
        #expect(result.status == 1)
        #expect(result.stderr.contains("put: upload"), "\(result.stderr)")
        #expect(result.stdout.contains("Remote directory: /"), "the session goes on")
        #expect(try TestFiles.sha256(work.file("up.bin")) == before, "the local file is untouched")
        let remote = (try? TestFiles.read(server.path("up.bin")).count) ?? 0
        #expect(remote < 3_000_000, "the server kept only part of it, and Ferry said so")
    }

    /// Writes 200 kB to `local` and runs `script` at 50 kB/s; once the server's `watched` holds 20 kB, `local` is cut
    /// to 50 kB: mid-upload by construction (a fixed delay was too early under load).
    func uploadShrinking(_ local: String, in work: TemporaryDirectory, to server: PyFTPServer, watching watched: String,
                         _ script: String) throws -> ProcessRunner.Result {
        let path = work.file(local)
        try TestFiles.writeRandom(path, size: 200_000)
        let watchedPath = server.path(watched)
        DispatchQueue.global().async {
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline, ((try? FileManager.default.attributesOfItem(atPath: watchedPath))?[.size] as? Int ?? 0) < 20_000 {
                usleep(20_000)
            }
            _ = truncate(path, 50_000)
        }
        return try run(server, "rate put 50000\n" + script, directory: work.path)
    }

    /// A file rewritten shorter while it is sent leaves the server a copy of nothing: a failure, not a success
    /// (review: it exited 0 with 4,096 bytes on the server).
    @Test func aLocalFileThatShrinksDuringTheUploadIsAFailure() throws {
        let server = try PyFTPServer()
        let work = try TemporaryDirectory("ferry-faults")
        // put uploads into .up.bin.part and renames it at the end.
        let result = try uploadShrinking("up.bin", in: work, to: server, watching: ".up.bin.part", "put up.bin\n")
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stderr.contains("shrank"), "\(result.stderr)")
    }

    /// mirror -R uploads through `.name.part`: after a shrink, that partial copy is deleted, or the next run would
    /// continue it with the rewritten file's bytes and call the mix a copy (review).
    @Test func mirrorRDeletesThePartialCopyOfAFileThatShrank() throws {
        let server = try PyFTPServer()
        let work = try TemporaryDirectory("ferry-faults")
        try FileManager.default.createDirectory(atPath: work.file("L"), withIntermediateDirectories: true)
        let result = try uploadShrinking("L/up.bin", in: work, to: server, watching: "R/.up.bin.part", "mirror -R L R\n")
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stderr.contains("shrank"), "\(result.stderr)")
        #expect(!TestFiles.exists(server.path("R/.up.bin.part")), "\(TestFiles.names(in: server.path("R")))")
        #expect(!TestFiles.exists(server.path("R/up.bin")))
    }

    /// A file whose size is no measure of its content (sysfs says 4096 for 18 bytes) is sent whole, not
    /// refused as a file that shrank (review).
    @Test func aSysfsFileUploadsWithoutAShrinkError() throws {
        let server = try PyFTPServer()
        let work = try TemporaryDirectory("ferry-faults")
        let source = "/sys/class/net/lo/address"
        let content = try #require(FileManager.default.contents(atPath: source), "this test reads \(source)")
        let result = try run(server, "put \(source) lo.txt\n", directory: work.path)
        #expect(result.status == 0, "\(result.output)")
        #expect(try TestFiles.read(server.path("lo.txt")) == content)
    }

    /// Two downloads of one file into one folder at once (review): the second finds the first's `.part` locked and
    /// stops (or, had it taken it over, the first fails) - never the second's unfinished bytes under the name.
    @Test func twoDownloadsOfOneNameLeaveTheWholeFileOrNone() throws {
        var options = ServerOptions()
        options.rateLimit = 60_000
        let server = try PyFTPServer(options: options)
        try TestFiles.writeRandom(server.path("big.bin"), size: 240_000)
        let work = try TemporaryDirectory("ferry-faults")
        let group = DispatchGroup()
        nonisolated(unsafe) var first: ProcessRunner.Result?
        // What stood under the name the moment the first download said it was done.
        nonisolated(unsafe) var firstLeft: String?
        DispatchQueue.global().async(group: group) {
            first = try? self.run(server, "get big.bin\n", directory: work.path)
            if first?.status == 0 { firstLeft = try? TestFiles.sha256(work.file("big.bin")) }
        }
        // A second in, the first is a quarter done; the second starts the same download over.
        Thread.sleep(forTimeInterval: 1)
        let second = try run(server, "get big.bin\n", directory: work.path)
        group.wait()
        let results = [try #require(first), second]
        #expect(results.map(\.status).sorted() == [0, 1], "one wins: \(results.map(\.output))")
        #expect(results.contains { $0.stderr.contains("being written by another download") || $0.stderr.contains("taken over by another download") },
                "\(results.map(\.stderr))")
        let whole = try TestFiles.sha256(server.path("big.bin"))
        if let firstLeft { #expect(firstLeft == whole, "a download that ended well left the whole file") }
        #expect(try TestFiles.sha256(work.file("big.bin")) == whole)
    }

    @Test func aStalledTransferTimesOutInsteadOfHanging() throws {
        var options = ServerOptions()
        options.stallRetrieveAfter = 50_000
        let server = try PyFTPServer(options: options)
        try TestFiles.writeRandom(server.path("big.bin"), size: 400_000)
        let work = try TemporaryDirectory("ferry-faults")
        let start = Date()
        let result = try run(server, "set retries 0\nset stall-timeout 1\nset reply-timeout 2\nget big.bin\n", directory: work.path)
        #expect(result.status == 1)
        #expect(Date().timeIntervalSince(start) < 20)
        #expect(result.stderr.contains("nothing received for 1 s"), "\(result.stderr)")
        #expect(!TestFiles.exists(work.file("big.bin")))
    }

    /// -q 3 against a server that stalls every data connection after 256 KiB: each stall costs the stall wait and
    /// a short wait for the final reply, then the transfer goes again on a new connection without a back-off; after
    /// the third retry it fails, the .part kept and `reget` named.
    @Test func aServerThatStallsEveryConnectionEndsTheRetryCycleSoon() throws {
        var options = ServerOptions()
        options.stallRetrieveAfter = 262_144
        let server = try PyFTPServer(options: options)
        try TestFiles.writeRandom(server.path("big.bin"), size: 2 << 20)
        let work = try TemporaryDirectory("ferry-faults")
        let result = try run(server, "get big.bin\n", flags: ["-q", "3"], directory: work.path)
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stderr.contains("attempt 3 of 3"), "\(result.stderr)")
        #expect(result.stderr.components(separatedBy: "in a moment").count == 4, "no back-off after a stall: \(result.stderr)")
        #expect(result.stderr.contains("'reget' continues it"), "\(result.stderr)")
        #expect(!TestFiles.exists(work.file("big.bin")))
        let kept = (try? FileManager.default.attributesOfItem(atPath: work.file(".big.bin.part")))?[.size] as? Int ?? 0
        #expect(kept >= 262_144, "the .part is kept: \(kept) bytes")
    }

    @Test func epsvThatNeverAnswersFallsBackToPasvQuickly() throws {
        var options = ServerOptions()
        options.epsvBlackHole = true
        let server = try PyFTPServer(options: options)
        try TestFiles.write(server.path("f.txt"), "fine\n")
        let work = try TemporaryDirectory("ferry-faults")
        let start = Date()
        let result = try run(server, "set data-timeout 2\nget f.txt\nget f.txt g.txt\n", flags: ["-d"], directory: work.path)
        #expect(result.status == 0, "\(result.output)")
        #expect(Date().timeIntervalSince(start) < 15)
        #expect(result.stderr.components(separatedBy: "---> EPSV").count == 2, "EPSV is not tried again")
        #expect(result.stderr.contains("trying the next method"), "\(result.stderr)")
        #expect(try TestFiles.read(work.file("g.txt")) == Data("fine\n".utf8))
    }

    @Test func refusedPortAndEprtFallBackToPassiveOrFailClearly() throws {
        var options = ServerOptions()
        options.refuse = ["EPRT", "PORT"]
        let server = try PyFTPServer(options: options)
        try TestFiles.write(server.path("f.txt"), "f")
        let work = try TemporaryDirectory("ferry-faults")
        // `passive` toggles to active mode and keeps the fallback: EPRT and PORT are refused, passive works.
        let auto = try run(server, "passive\nget f.txt\n", directory: work.path)
        #expect(auto.status == 0, "\(auto.output)")
        // -A on a server that refuses both active commands: passive for the rest of the session, said once.
        let refused = try run(server, "get f.txt h.txt\nget f.txt i.txt\n", flags: ["-A", "-d"], directory: work.path)
        #expect(refused.status == 0, "\(refused.output)")
        #expect(refused.stderr.components(separatedBy: "using passive mode for the rest of this session").count == 2, "\(refused.stderr)")
        #expect(refused.stderr.components(separatedBy: "---> EPRT").count == 2, "EPRT is not asked again: \(refused.stdout)")
        #expect(try TestFiles.read(work.file("i.txt")) == Data("f".utf8))
        // `set fallback off` keeps -A strict: a clear error and no file.
        let strict = try run(server, "set fallback off\nget f.txt g.txt\n", flags: ["-A"], directory: work.path)
        #expect(strict.status == 1)
        #expect(strict.stderr.contains("no data connection could be made") && strict.stderr.contains("the server does not offer PORT (502"), "\(strict.stderr)")
        #expect(!TestFiles.exists(work.file("g.txt")))
    }

    @Test func whatASessionLearnedOfTheDataChannelIsForgottenByAnExplicitOpen() throws {
        var options = ServerOptions()
        options.refuse = ["EPRT", "PORT"]
        let server = try PyFTPServer(options: options)
        try TestFiles.write(server.path("f.txt"), "f")
        let work = try TemporaryDirectory("ferry-faults")
        let login = "user \(server.user) \(server.password)\n"
        let script = login + "ls\nls\nclose\nopen \(server.host) \(server.port)\n" + login + "ls\n"
        let result = try run(server, script, flags: ["-A", "-d"], directory: work.path)
        #expect(result.status == 0, "\(result.output)")
        // Refused in the first session, remembered for its second ls; asked again after the explicit open.
        #expect(result.stderr.components(separatedBy: "---> EPRT").count == 3, "\(result.stderr)")
    }

    @Test func a421MidSessionEndsTheSessionClearly() throws {
        var options = ServerOptions()
        options.reply421On = "SIZE"
        let server = try PyFTPServer(options: options)
        try TestFiles.write(server.path("f.txt"), "f")
        let work = try TemporaryDirectory("ferry-faults")
        let result = try run(server, "size f.txt\npwd\nls\n", directory: work.path)
        #expect(result.status == 1)
        #expect(result.stderr.contains("closed the connection") && result.stderr.contains("421"), "\(result.stderr)")
        #expect(result.stderr.components(separatedBy: "Not connected.").count == 3)
    }

    @Test func regetRefusesAWrongPrefixWhenTheServerCanHashIt() throws {
        var options = ServerOptions()
        options.hash = true
        let server = try PyFTPServer(options: options)
        try TestFiles.writeRandom(server.path("data.bin"), size: 300_000)
        let work = try TemporaryDirectory("ferry-faults")
        try TestFiles.writeRandom(work.file("data.bin"), size: 100_000)
        let before = try TestFiles.sha256(work.file("data.bin"))
        let result = try run(server, "reget data.bin\n", directory: work.path)
        #expect(result.status == 1)
        #expect(result.stderr.contains("differ from the server's"), "\(result.stderr)")
        #expect(try TestFiles.sha256(work.file("data.bin")) == before, "the local file is untouched")

        // The right prefix resumes, and the finished file is verified against the server's checksum.
        let original = try TestFiles.read(server.path("data.bin"))
        try original.prefix(120_000).write(to: URL(fileURLWithPath: work.file("data.bin")))
        let good = try run(server, "reget data.bin\n", flags: ["-d"], directory: work.path)
        #expect(good.status == 0, "\(good.output)")
        #expect(good.stderr.contains("---> RANG 0 119999") && good.stderr.contains("---> HASH data.bin"), "\(good.stdout)")
        #expect(try TestFiles.read(work.file("data.bin")) == original)
    }

    @Test func regetRefusesWhenTheRemoteFileChangedSinceThePartial() throws {
        let server = try PyFTPServer()
        try TestFiles.writeRandom(server.path("data.bin"), size: 200_000)
        let work = try TemporaryDirectory("ferry-faults")
        try TestFiles.writeRandom(work.file("data.bin"), size: 1000)
        var old = [timespec(tv_sec: 1_000_000_000, tv_nsec: 0), timespec(tv_sec: 1_000_000_000, tv_nsec: 0)]
        utimensat(AT_FDCWD, work.file("data.bin"), &old, 0)
        let result = try run(server, "reget data.bin\n", directory: work.path)
        #expect(result.status == 1)
        #expect(result.stderr.contains("changed on the server"), "\(result.stderr)")
    }

    @Test func aDownloadThatDoesNotMatchTheServersChecksumIsAFailure() throws {
        var options = ServerOptions()
        options.hash = true
        options.corruptRetrieve = true
        let server = try PyFTPServer(options: options)
        try TestFiles.writeRandom(server.path("data.bin"), size: 50_000)
        let work = try TemporaryDirectory("ferry-faults")
        let result = try run(server, "set retries 0\nget data.bin\n", directory: work.path)
        #expect(result.status == 1)
        #expect(result.stderr.contains("SHA-256") && result.stderr.contains("differs"), "\(result.stderr)")
        #expect(!TestFiles.exists(work.file("data.bin")), "a file that fails verification is not put in place")
        let verified = try run(server, "set verify off\nget data.bin\n", directory: work.path)
        #expect(verified.status == 0, "with verify off the classic behaviour is back")
    }
}

/// Settings that keep unattended sessions alive and active mode usable behind NAT.
@Suite struct ConnectionSettingsTests {
    @Test func activeModeListensInThePortRangeAndNamesTheAdvertisedAddress() throws {
        let server = try PyFTPServer()
        try TestFiles.write(server.path("f.txt"), "f")
        let work = try TemporaryDirectory("ferry-faults")
        let port = try FreePort.allocate()
        let script = "user tester secret\nset active-port-range \(port)-\(port)\nget f.txt\nset active-address 127.0.0.2\nget f.txt g.txt\n"
        let result = try Ferry.run(["-A", "-d", "-n", server.host, String(server.port)], script: script, directory: work.path)
        #expect(result.stderr.contains("---> EPRT |1|127.0.0.1|\(port)|"), "\(result.stdout)")
        #expect(TestFiles.exists(work.file("f.txt")))
        #expect(result.stderr.contains("---> EPRT |1|127.0.0.2|"), "the advertised address is named")
        #expect(result.status == 1, "pyftpdlib refuses a foreign address, as it should")
    }

    @Test func anIdleSessionIsCheckedWithNoopBeforeTheNextCommand() throws {
        let server = try PyFTPServer()
        let result = try Ferry.run(["-d", "-n", server.host, String(server.port)],
                                   script: "user tester secret\nset keepalive 1\n!sleep 2\npwd\npwd\n")
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stderr.components(separatedBy: "---> NOOP").count == 2, "one NOOP after the idle pause only")
    }
}

/// FTPS from the command line: ftps:// URLs, --tls, trust on first use.
@Suite struct TLSCommandLineTests {
    @Test func ftpsURLDownloadsOverImplicitTLS() throws {
        let server = try VsftpdServer(security: .implicit)
        try TestFiles.writeRandom(server.path("f.bin"), size: 2_000_000)
        let work = try TemporaryDirectory("ferry-tls")
        let result = try Ferry.run(["--cacert", server.certificatePath!,
                                    "ftps://\(server.user):\(server.password)@127.0.0.1:\(server.port)/f.bin"], directory: work.path)
        #expect(result.status == 0, "\(result.output)")
        #expect(try TestFiles.sha256(work.file("f.bin")) == TestFiles.sha256(server.path("f.bin")))
    }

    @Test func trustOnFirstUseRemembersAndRefusesAChangedCertificate() throws {
        let server = try VsftpdServer(security: .explicit)
        let config = try TemporaryDirectory("ferry-xdg")
        let script = "user \(server.user) \(server.password)\nstatus\n"
        // A script cannot be asked: an unknown certificate is refused, with its fingerprint.
        let refused = try Ferry.run(["--tls", "-n", server.host, String(server.port)], script: script,
                                    environment: ["XDG_CONFIG_HOME": config.path])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("SHA-256 fingerprint"), "\(refused.stderr)")

        // A person at a terminal is asked once; the answer is remembered.
        let helper = TestPaths.fixtures.appendingPathComponent("pty_session.py").path
        let asked = try ProcessRunner.run("/usr/bin/env", ["XDG_CONFIG_HOME=\(config.path)", "python3", helper, "10",
                                                           TestPaths.ferryBinary, "--tls", "-n", server.host, String(server.port)],
                                          stdin: "expect Trust it and remember it\nsend y\nexpect ftps> \nsend quit\n", timeout: 60)
        #expect(asked.status == 0, "\(asked.stdout)")
        let stored = try String(contentsOfFile: config.path + "/ferry/known_hosts", encoding: .utf8)
        #expect(stored.hasPrefix("127.0.0.1:\(server.port) "))

        let remembered = try Ferry.run(["--tls", "-n", server.host, String(server.port)], script: script,
                                       environment: ["XDG_CONFIG_HOME": config.path])
        #expect(remembered.status == 0, "\(remembered.output)")
        #expect(remembered.stdout.contains("Protection: TLSv1.3 on control; data protected (PROT P)"), "\(remembered.stdout)")

        // Another certificate for the same host:port is refused, loudly.
        let other = try VsftpdServer(security: .explicit)
        try "127.0.0.1:\(other.port) \(String(repeating: "ab", count: 32))\n".write(
            toFile: config.path + "/ferry/known_hosts", atomically: true, encoding: .utf8)
        let changed = try Ferry.run(["--tls", "-n", other.host, String(other.port)], script: script,
                                    environment: ["XDG_CONFIG_HOME": config.path])
        #expect(changed.status == 1)
        #expect(changed.stderr.contains("CHANGED"), "\(changed.stderr)")
    }

    /// An ftps:// URL is implicit TLS for itself only: the ftp:// URL after it is plain FTP again.
    @Test func anFtpsURLDoesNotMakeTheNextURLImplicitTLS() throws {
        let secure = try VsftpdServer(security: .implicit)
        try TestFiles.writeRandom(secure.path("f.bin"), size: 100_000)
        let plain = try PyFTPServer()
        try TestFiles.writeRandom(plain.path("g.bin"), size: 100_000)
        let work = try TemporaryDirectory("ferry-tls")
        let result = try Ferry.run(["--cacert", secure.certificatePath!,
                                    "ftps://\(secure.user):\(secure.password)@127.0.0.1:\(secure.port)/f.bin",
                                    "ftp://\(plain.user):\(plain.password)@127.0.0.1:\(plain.port)/g.bin"], directory: work.path)
        #expect(result.status == 0, "\(result.output)")
        #expect(try TestFiles.sha256(work.file("f.bin")) == TestFiles.sha256(secure.path("f.bin")))
        #expect(try TestFiles.sha256(work.file("g.bin")) == TestFiles.sha256(plain.path("g.bin")))
    }

    /// A parallel job does not wait for sessions it no longer needs; one still in its TLS handshake when the program
    /// ends must not find OpenSSL torn down by its exit handler (this crashed, exit 139 or 134, most runs).
    @Test func aParallelJobOverTLSEndsWithStatusZero() throws {
        let server = try VsftpdServer(security: .explicit)
        try FileManager.default.createDirectory(atPath: server.path("many"), withIntermediateDirectories: true)
        for index in 1...8 { try TestFiles.writeRandom(server.path("many/f\(index).bin"), size: 20_000) }
        for run in 1...3 {
            let work = try TemporaryDirectory("ferry-tls")
            let result = try Ferry.run(["--tls", "--cacert", server.certificatePath!, "-n", "-i", server.host, String(server.port)],
                                       script: "user \(server.user) \(server.password)\nbinary\nmget -P 4 many/*\n",
                                       directory: work.path, environment: ["XDG_CONFIG_HOME": work.path])
            #expect(result.status == 0, "run \(run): \(result.output)")
            #expect(TestFiles.names(in: work.path).filter { $0.hasSuffix(".bin") }.count == 8, "run \(run)")
        }
    }

    @Test func insecureWorksButSaysSo() throws {
        let server = try VsftpdServer(security: .explicit)
        try TestFiles.write(server.path("x"), "x")
        let work = try TemporaryDirectory("ferry-tls")
        let result = try Ferry.run(["--tls", "--insecure", "-n", server.host, String(server.port)],
                                   script: "user \(server.user) \(server.password)\nget x\n", directory: work.path,
                                   environment: ["XDG_CONFIG_HOME": work.path])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stderr.contains("WARNING") && result.stderr.contains("certificate checks are off"))
        #expect(TestFiles.exists(work.file("x")))
    }
}

@Suite struct ClassicModesTests {
    @Test func tempFileOffWritesInPlaceTheClassicWay() throws {
        var options = ServerOptions()
        options.cutRetrieveAfter = 100_000
        let server = try PyFTPServer(options: options)
        try TestFiles.writeRandom(server.path("big.bin"), size: 300_000)
        let work = try TemporaryDirectory("ferry-faults")
        let result = try Ferry.run(["-n", server.host, String(server.port)],
                                   script: "user tester secret\nset temp-file off\nset retries 0\nget big.bin\n", directory: work.path)
        #expect(result.status == 1)
        #expect(TestFiles.names(in: work.path) == ["big.bin"], "in place, as tnftp does (and the failure says so)")
        #expect(try TestFiles.read(work.file("big.bin")).count == 100_000)
    }

    @Test func tlsCanBeRequiredFromTheShell() throws {
        let server = try VsftpdServer(security: .explicit)
        let config = try TemporaryDirectory("ferry-xdg")
        let script = "set tls required\nopen 127.0.0.1 \(server.port)\nuser \(server.user) \(server.password)\nstatus\n"
        let result = try Ferry.run(["--cacert", server.certificatePath!], script: script, environment: ["XDG_CONFIG_HOME": config.path])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.contains("Protection: TLSv1.3 on control"))
        let plain = try PyFTPServer()
        let refused = try Ferry.run([], script: "set tls required\nopen 127.0.0.1 \(plain.port)\n")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("refused TLS"))
    }
}
