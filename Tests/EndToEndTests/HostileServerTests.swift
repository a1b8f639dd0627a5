import FerryTestSupport
import Foundation
import Testing

/// Servers that lie or misbehave on purpose (issue 9): the real binary against pyftpdlib handlers that send hostile
/// names, corrupt bytes, impossible times, lying sizes and replies that never end.
@Suite struct HostileServerTests {
    func run(_ server: TestServer, _ script: String, flags: [String] = [], directory: String,
             timeout: Double = 60) throws -> ProcessRunner.Result {
        try Ferry.session(server, script, flags: flags, directory: directory, timeout: timeout)
    }

    func url(_ server: TestServer, _ path: String, password: String? = nil) -> String {
        "ftp://\(server.user):\(password ?? server.password)@\(server.host):\(server.port)/\(path)"
    }

    // MARK: names are never commands

    @Test func aPipeNameInAListingIsSavedAsAPlainFileAndRunsNothing() throws {
        let server = try PyFTPServer()
        try TestFiles.write(server.path("|touch pwned"), "not a command\n")
        try TestFiles.write(server.path("-rf"), "not an option\n")
        try TestFiles.write(server.path("ok.txt"), "ok\n")
        let work = try TemporaryDirectory("ferry-hostile")
        let result = try run(server, "mget *\n", directory: work.path)
        #expect(result.status == 0, "\(result.output)")
        #expect(!TestFiles.exists(work.file("pwned")), "the name ran as a command")
        #expect(try TestFiles.read(work.file("_touch pwned")) == Data("not a command\n".utf8))
        #expect(try TestFiles.read(work.file("_rf")) == Data("not an option\n".utf8))
        #expect(result.stderr.contains("saving '|touch pwned' as '_touch pwned'"), "\(result.stderr)")
        #expect(TestFiles.names(in: work.path) == ["_rf", "_touch pwned", "ok.txt"])
    }

    @Test func aPipeInAURLPathRunsNothing() throws {
        let server = try PyFTPServer()
        try TestFiles.write(server.path("|touch pwned"), "data\n")
        let work = try TemporaryDirectory("ferry-hostile")
        let result = try Ferry.run([url(server, "%7Ctouch%20pwned")], directory: work.path)
        #expect(result.status == 0, "\(result.output)")
        #expect(!TestFiles.exists(work.file("pwned")))
        #expect(result.stdout.isEmpty, "nothing went to standard output: \(result.stdout)")
        #expect(try TestFiles.read(work.file("_touch pwned")) == Data("data\n".utf8))
    }

    @Test func listingNamesThatLeaveTheFolderAreNeverFetched() throws {
        var options = ServerOptions()
        options.extraMLSDLines = ["type=file;size=3;modify=20240101000000; ../escape.txt",
                                  "type=file;size=3;modify=20240101000000; sub/inner.txt",
                                  "type=file;size=3;modify=20240101000000; .."]
        let server = try PyFTPServer(options: options)
        try TestFiles.write(server.path("real.txt"), "real\n")
        try TestFiles.write(server.path("other.txt"), "other\n")
        let outer = try TemporaryDirectory("ferry-hostile")
        let work = outer.file("work")
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let result = try run(server, "mget *\n", flags: ["-d"], directory: work)
        #expect(result.status == 0, "\(result.output)")
        #expect(TestFiles.names(in: work) == ["other.txt", "real.txt"])
        #expect(TestFiles.names(in: outer.path) == ["work"], "nothing was written beside the folder")
        #expect(!result.stdout.contains("RETR ../escape.txt") && !result.stdout.contains("RETR sub/inner.txt"), "\(result.stdout)")
    }

    // MARK: verification means something

    @Test func aCorruptedStreamIsDownloadedAgainAndNeverAccepted() throws {
        var options = ServerOptions()
        options.hash = true
        options.corruptRetrieve = true
        let server = try PyFTPServer(options: options)
        try TestFiles.writeRandom(server.path("data.bin"), size: 50_000)
        let work = try TemporaryDirectory("ferry-hostile")
        let result = try run(server, "set retries 2\nget data.bin\n", directory: work.path)
        #expect(result.status == 1, "\(result.output)")
        #expect(!TestFiles.exists(work.file("data.bin")), "a corrupt download is never put in place")
        #expect(result.stderr.components(separatedBy: "again from the start").count == 3, "\(result.stderr)")
        #expect(TestFiles.names(in: work.path) == [".data.bin.bad"], "kept under a name that says it is bad")
    }

    @Test func aFullSizePartFileIsVerifiedBeforeItIsPutInPlace() throws {
        var options = ServerOptions()
        options.hash = true
        let server = try PyFTPServer(options: options)
        try TestFiles.writeRandom(server.path("data.bin"), size: 40_000)
        let work = try TemporaryDirectory("ferry-hostile")
        // A .part of the right size with the wrong bytes (a corrupt earlier attempt).
        try TestFiles.writeRandom(work.file(".data.bin.part"), size: 40_000)
        let result = try run(server, "reget data.bin\n", directory: work.path)
        #expect(result.status == 1, "\(result.output)")
        #expect(!TestFiles.exists(work.file("data.bin")), "\(result.output)")
    }

    /// Both ways a download is read: a small file through one buffer, a larger one by splice.
    @Test(arguments: ["213 100", "213 100000"])
    func moreBytesThanTheAnnouncedSizeAreRefused(sizeReply: String) throws {
        var options = ServerOptions()
        options.sizeReply = sizeReply
        let server = try PyFTPServer(options: options)
        try TestFiles.writeRandom(server.path("data.bin"), size: 300_000)
        let work = try TemporaryDirectory("ferry-hostile")
        let result = try run(server, "get data.bin\npwd\n", directory: work.path)
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stderr.contains("more bytes than it announced"), "\(result.stderr)")
        #expect(TestFiles.names(in: work.path).isEmpty, "no file and no .part: \(TestFiles.names(in: work.path))")
    }

    @Test func aNegativeSizeIsRejectedBeforeAnyArithmetic() throws {
        var options = ServerOptions()
        options.sizeReply = "213 -5"
        let server = try PyFTPServer(options: options)
        try TestFiles.write(server.path("f.txt"), "12345")
        let work = try TemporaryDirectory("ferry-hostile")
        let result = try run(server, "size f.txt\nget f.txt\n", directory: work.path)
        #expect(result.status == 1, "only size failed: \(result.output)")
        #expect(result.stderr.contains("not a usable size"), "\(result.stderr)")
        #expect(try TestFiles.read(work.file("f.txt")) == Data("12345".utf8), "get does without the lying SIZE")
    }

    /// A SIZE past what this upload sent is no partial of its own: the retry starts again from byte 0.
    @Test func anUploadNeverResumesPastWhatItSent() throws {
        var options = ServerOptions()
        options.cutStoreAfter = 50_000
        options.sizeReply = "213 999999999"
        let server = try PyFTPServer(options: options)
        let work = try TemporaryDirectory("ferry-hostile")
        try TestFiles.writeRandom(work.file("up.bin"), size: 200_000)
        let result = try run(server, "put up.bin\n", flags: ["-d"], directory: work.path)
        #expect(result.status == 1, "every attempt is cut: \(result.output)")
        #expect(!result.stderr.contains("---> REST"), "\(result.stdout)")
        #expect(result.stderr.contains("put: upload"), "\(result.stderr)")
    }

    // MARK: timestamps of any value

    @Test func timesAtTheEndsOfTheRangeAndGarbageNeverCrash() throws {
        for (reply, shown) in [("213 00010101000000", "0001-01-01 00:00:00"), ("213 99991231235959", "9999-12-31 23:59:59")] {
            var options = ServerOptions()
            options.mdtmReply = reply
            options.extraMLSDLines = ["type=file;size=1;modify=00010101000000; old.txt"]
            let server = try PyFTPServer(options: options)
            try TestFiles.write(server.path("f.txt"), "f")
            let work = try TemporaryDirectory("ferry-hostile")
            let result = try run(server, "modtime f.txt\npreserve on\nget f.txt\nnewer f.txt g.txt\nls --json\n", directory: work.path)
            #expect(result.status == 0, "\(result.output)")
            #expect(result.stdout.contains(shown), "\(result.stdout)")
            #expect(result.stdout.contains("\"modified\":\"0001-01-01T00:00:00Z\""), "\(result.stdout)")
            #expect(TestFiles.exists(work.file("f.txt")))
        }
        var options = ServerOptions()
        options.mdtmReply = "213 2024garbage!!"
        let server = try PyFTPServer(options: options)
        try TestFiles.write(server.path("f.txt"), "f")
        let work = try TemporaryDirectory("ferry-hostile")
        let result = try run(server, "modtime f.txt\npreserve on\nget f.txt\n", directory: work.path)
        #expect(result.status == 1, "modtime fails cleanly: \(result.output)")
        #expect(result.stderr.contains("unreadable time"), "\(result.stderr)")
        #expect(TestFiles.exists(work.file("f.txt")), "the download itself is fine")
    }

    // MARK: local files are written safely

    @Test func aSymlinkedPartFileIsNeitherFollowedNorAdopted() throws {
        let server = try PyFTPServer()
        try TestFiles.write(server.path("f.txt"), "server data\n")
        let outer = try TemporaryDirectory("ferry-hostile")
        let work = outer.file("work")
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        try TestFiles.write(outer.file("victim"), "precious\n")
        symlink(outer.file("victim"), work + "/.f.txt.part")
        for command in ["get f.txt", "reget f.txt"] {
            let result = try run(server, command + "\n", directory: work)
            #expect(result.status == 1, "\(command): \(result.output)")
            #expect(result.stderr.contains("symlink"), "\(result.stderr)")
            #expect(try TestFiles.read(outer.file("victim")) == Data("precious\n".utf8), "written through the link")
            #expect(!TestFiles.exists(work + "/f.txt"))
        }
    }

    @Test func aReplacedFileKeepsItsPermissionBits() throws {
        let server = try PyFTPServer()
        try TestFiles.write(server.path("secret.txt"), "new\n")
        let work = try TemporaryDirectory("ferry-hostile")
        try TestFiles.write(work.file("secret.txt"), "old\n")
        chmod(work.file("secret.txt"), 0o600)
        let result = try run(server, "get secret.txt\n", directory: work.path)
        #expect(result.status == 0, "\(result.output)")
        #expect(try TestFiles.read(work.file("secret.txt")) == Data("new\n".utf8))
        let mode = try FileManager.default.attributesOfItem(atPath: work.file("secret.txt"))[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func devicesGetNoChecksumPass() throws {
        var options = ServerOptions()
        options.hash = true
        let server = try PyFTPServer(options: options)
        try TestFiles.writeRandom(server.path("data.bin"), size: 30_000)
        let work = try TemporaryDirectory("ferry-hostile")
        let result = try run(server, "get data.bin /dev/null\n", flags: ["-d"], directory: work.path)
        #expect(result.status == 0, "\(result.output)")
        #expect(!result.stderr.contains("differs") && !result.stderr.contains("Resuming"), "\(result.stderr)")
        #expect(!result.stderr.contains("---> XSHA256") && !result.stderr.contains("---> HASH"), "\(result.stdout)")
    }

    // MARK: every wait is bounded

    @Test func endlessPreliminaryRepliesEndInATimeout() throws {
        var options = ServerOptions()
        options.endlessPreliminaryOn = "SIZE"
        let server = try PyFTPServer(options: options)
        try TestFiles.write(server.path("f.txt"), "f")
        let work = try TemporaryDirectory("ferry-hostile")
        let start = Date()
        let result = try run(server, "set reply-timeout 2\nsize f.txt\n", directory: work.path, timeout: 30)
        #expect(result.status == 1, "\(result.output)")
        #expect(Date().timeIntervalSince(start) < 15)
        #expect(result.stderr.contains("timed out") || result.stderr.contains("preliminary replies"), "\(result.stderr)")
    }

    @Test func aLateReplyAfterATimeoutIsNotTakenForTheNextAnswer() throws {
        var options = ServerOptions()
        options.lateReply = (verb: "SYST", seconds: 3)
        let server = try PyFTPServer(options: options)
        try TestFiles.write(server.path("f.txt"), "12345")
        let work = try TemporaryDirectory("ferry-hostile")
        let result = try run(server, "set reply-timeout 1\nsystem\nsize f.txt\npwd\n", directory: work.path, timeout: 30)
        #expect(result.status == 1, "only system failed: \(result.output)")
        #expect(result.stderr.contains("timed out"), "\(result.stderr)")
        #expect(result.stderr.contains("reconnecting"), "\(result.stderr)")
        #expect(result.stdout.contains("f.txt\t5") || result.stdout.contains("213 5"), "SIZE got its own answer: \(result.stdout)")
        #expect(!result.stdout.contains("215"), "the late SYST reply was not read as another answer: \(result.stdout)")
        #expect(result.stdout.contains("Remote directory: /"), "\(result.stdout)")
    }

    @Test func aGreetingThatNeverComesTimesOutUnderQ() throws {
        var options = ServerOptions()
        options.silentGreeting = true
        let server = try PyFTPServer(options: options)
        let start = Date()
        let result = try Ferry.run(["-q", "2", "-n", server.host, String(server.port)], script: "", timeout: 30)
        #expect(result.status == 1)
        #expect(Date().timeIntervalSince(start) < 10, "bounded by -q 2, not the 30 s connect timeout")
        #expect(result.stderr.contains("timed out"), "\(result.stderr)")
    }

    /// The goodbye is not worth waiting for: vsftpd, still writing out a big upload, sent its 221 up to half a
    /// second late. A server that never says it holds the exit for a few round trips, not the 5 s it once did.
    @Test func aGoodbyeThatNeverComesDoesNotHoldTheExit() throws {
        var options = ServerOptions()
        options.lateReply = (verb: "QUIT", seconds: 60)
        let server = try PyFTPServer(options: options)
        try TestFiles.write(server.path("f.txt"), "12345")
        let work = try TemporaryDirectory("ferry-hostile")
        let start = Date()
        let result = try run(server, "get f.txt\nquit\n", directory: work.path, timeout: 30)
        #expect(result.status == 0, "\(result.output)")
        #expect(Date().timeIntervalSince(start) < 4, "QUIT's reply is waited for briefly, not for 5 s")
        #expect(try TestFiles.read(work.file("f.txt")) == Data("12345".utf8))
    }

    /// `close` (and a URL with another after it) waits for the goodbye: a server that allows one session per
    /// address must have ended this one before the next connects (review: a 421 after `close`, `open`).
    @Test func closeWaitsForTheGoodbyeThatTheEndOfInputDoesNot() throws {
        var options = ServerOptions()
        options.lateReply = (verb: "QUIT", seconds: 0.5)
        let server = try PyFTPServer(options: options)
        let work = try TemporaryDirectory("ferry-hostile")
        let closed = try run(server, "close\n", flags: ["-d"], directory: work.path, timeout: 30)
        #expect(closed.status == 0, "\(closed.output)")
        #expect(closed.output.contains("221"), "close read the goodbye: \(closed.output)")
        let ended = try run(server, "pwd\n", flags: ["-d"], directory: work.path, timeout: 30)
        #expect(ended.status == 0, "\(ended.output)")
        #expect(ended.output.contains("---> QUIT"), "\(ended.output)")
        #expect(!ended.output.contains("221"), "the end of input did not wait half a second for it: \(ended.output)")
    }

    // MARK: standard output carries only what was asked for

    @Test func dashOStandardOutputHoldsOnlyTheFileAtEveryVerbosity() throws {
        let server = try PyFTPServer()
        try TestFiles.writeRandom(server.path("data.bin"), size: 100_000)
        try TestFiles.write(server.path("notes.txt"), "line one\nline two\n")
        let work = try TemporaryDirectory("ferry-hostile")
        let binary = try Ferry.run(["-v", "-o", "-", url(server, "data.bin")], directory: work.path)
        #expect(binary.status == 0, "\(binary.stderr)")
        #expect(binary.stderr.contains("226"), "with -v the replies go to standard error: \(binary.stderr)")
        let ascii = try Ferry.run(["-d", "-o", "-", url(server, "notes.txt;type=a")], directory: work.path)
        #expect(ascii.status == 0, "\(ascii.stderr)")
        #expect(ascii.stdout == "line one\nline two\n", "\(ascii.stdout)")
        #expect(ascii.stderr.contains("---> RETR notes.txt"), "the trace went to standard error: \(ascii.stderr)")
        // The bytes themselves, compared by digest (stdout captured raw through a shell).
        let piped = try ProcessRunner.run("/bin/sh", ["-c", "'\(TestPaths.ferryBinary)' -v -d -o - '\(url(server, "data.bin"))' | sha256sum"],
                                          directory: work.path)
        #expect(piped.stdout.hasPrefix(try TestFiles.sha256(server.path("data.bin"))), "\(piped.output)")
        #expect(TestFiles.names(in: work.path).isEmpty)
    }

    @Test func aOneShotFailureAlwaysSaysOneLine() throws {
        let server = try PyFTPServer()
        try TestFiles.write(server.path("f.txt"), "f")
        let work = try TemporaryDirectory("ferry-hostile")
        let denied = try Ferry.run([url(server, "f.txt", password: "wrong")], directory: work.path)
        #expect(denied.status == 1)
        let lines = denied.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains("530"), "\(denied.stderr)")
        #expect(!denied.stderr.contains("wrong"), "the password is not shown")
        let missing = try Ferry.run([url(server, "nothere.txt")], directory: work.path)
        #expect(missing.status == 1)
        #expect(missing.stderr.split(separator: "\n").count == 1 && missing.stderr.contains("550"), "\(missing.stderr)")
        let refused = try Ferry.run(["ftp://127.0.0.1:\(try FreePort.allocate())/f.txt"], directory: work.path)
        #expect(refused.status == 1)
        #expect(refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
    }

    @Test func exitOnErrorStopsAListOfURLs() throws {
        let server = try PyFTPServer()
        try TestFiles.write(server.path("f.txt"), "f")
        let work = try TemporaryDirectory("ferry-hostile")
        let result = try Ferry.run(["--exit-on-error", url(server, "nothere.txt"), url(server, "f.txt")], directory: work.path)
        #expect(result.status == 1)
        #expect(!TestFiles.exists(work.file("f.txt")), "the second URL was not fetched")
        let all = try Ferry.run([url(server, "nothere.txt"), url(server, "f.txt")], directory: work.path)
        #expect(all.status == 1)
        #expect(TestFiles.exists(work.file("f.txt")), "without --exit-on-error the list goes on")
    }

    // MARK: bad numbers and lines

    @Test func badNumbersAreUsageErrorsNotCrashes() throws {
        for flags in [["-q", "nan"], ["-q", "inf"], ["-r", "nan"], ["-x", "99999999999999"], ["-q", "-1"]] {
            let result = try Ferry.run(flags + ["127.0.0.1"], script: "")
            #expect(result.status == 2, "\(flags): \(result.output)")
            #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.contains("try 'ferry --help'"),
                    "one line that says where to look: \(result.stderr)")
        }
        let settings = try Ferry.run([], script: "hash 99999999999g\nhash 99999999999999999999999\nset keepalive inf\nxferbuf 5g\nrate get 1e400\n")
        #expect(settings.status == 1, "\(settings.output)")
        #expect(settings.stderr.split(separator: "\n").count == 5, "\(settings.stderr)")
    }

    @Test func anOverLongScriptLineIsAnErrorNotTwoCommands() throws {
        let work = try TemporaryDirectory("ferry-hostile")
        let long = "!touch one; " + String(repeating: "x", count: 70_000) + " ; touch two\n"
        let result = try Ferry.run([], script: long + "!touch after\n", directory: work.path)
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stderr.contains("longer than 65536 bytes"), "\(result.stderr)")
        #expect(TestFiles.names(in: work.path) == ["after"], "\(TestFiles.names(in: work.path))")
    }
}
