import FerryTestSupport
import Foundation
import Testing

/// What an adversarial review of mirror found, each as a test: deletions that -X or -I must prevent, dot files
/// a LIST hides, a stale .part, a loop without identities, a dry run that must say what the real run refuses,
/// and option words.
@Suite struct MirrorTrustTests {
    func run(_ server: TestServer, _ script: String, flags: [String] = [], directory: String) throws -> ProcessRunner.Result {
        try Ferry.session(server, script, flags: flags, directory: directory, timeout: 120)
    }

    @Test func excludedAndNotIncludedFilesSurviveDelete() throws {
        let server = try PyFTPServer()
        try TestFiles.write("\(server.root)/a.txt", "a\n")
        let work = try TemporaryDirectory("ferry-mirror-trust")
        try FileManager.default.createDirectory(atPath: work.file("copy/old"), withIntermediateDirectories: true)
        try TestFiles.write(work.file("copy/old/x.keep"), "keep\n")
        try TestFiles.write(work.file("copy/old/gone.txt"), "gone\n")
        try TestFiles.write(work.file("copy/local.log"), "log\n")
        let excluded = try run(server, "mirror --delete -X '*.keep' . copy\n", directory: work.path)
        #expect(excluded.status == 0, "\(excluded.output)")
        #expect(TestFiles.exists(work.file("copy/old/x.keep")), "an excluded file inside a folder to delete stays: \(excluded.stdout)")
        #expect(!TestFiles.exists(work.file("copy/old/gone.txt")), "\(excluded.stdout)")
        #expect(!TestFiles.exists(work.file("copy/local.log")))
        try TestFiles.write(work.file("copy/local.log"), "log\n")
        let included = try run(server, "mirror --delete -I '*.txt' . copy\n", directory: work.path)
        #expect(included.status == 0, "\(included.output)")
        #expect(TestFiles.exists(work.file("copy/local.log")), "-I limits what mirror touches, deletions included: \(included.stdout)")
        #expect(TestFiles.exists(work.file("copy/old/x.keep")))
    }

    @Test func dotFilesOnVsftpdAreListedWithDashAAndNeverDeleted() throws {
        let server = try VsftpdServer()
        try FileManager.default.createDirectory(atPath: "\(server.root)/site/sub", withIntermediateDirectories: true)
        try TestFiles.write("\(server.root)/site/.htaccess", "deny\n")
        try TestFiles.write("\(server.root)/site/index.html", "<p>\n")
        try TestFiles.write("\(server.root)/site/sub/.hidden", "h\n")
        _ = try ProcessRunner.run("/bin/chown", ["-R", server.user, server.root])
        let work = try TemporaryDirectory("ferry-mirror-trust")
        let first = try run(server, "mirror --delete site\n", directory: work.path)
        #expect(first.status == 0, "\(first.output)")
        #expect(try String(contentsOfFile: work.file("site/.htaccess"), encoding: .utf8) == "deny\n", "\(first.output)")
        #expect(TestFiles.exists(work.file("site/sub/.hidden")))
        let downloads = MirrorTests.transfers(in: server.logPath, "OK DOWNLOAD")
        let second = try run(server, "mirror --delete site\n", directory: work.path)
        #expect(second.status == 0, "\(second.output)")
        #expect(TestFiles.exists(work.file("site/.htaccess")), "\(second.stdout)")
        #expect(MirrorTests.transfers(in: server.logPath, "OK DOWNLOAD") == downloads, "\(second.stdout)")
    }

    /// The .part of a cut download is stamped with the remote file's time; a later version (another time), or one
    /// whose prefix the server's checksum rejects, starts over instead of being continued.
    @Test(arguments: [false, true])
    func aPartOfAnotherVersionOfTheFileStartsOver(sameTimeButHash: Bool) throws {
        var options = ServerOptions()
        options.cutRetrieveAfter = 100_000
        let server = try PyFTPServer(options: options)
        let path = "\(server.root)/big.bin"
        try TestFiles.write(path, String(repeating: "A", count: 300_000))
        var first = [timespec(tv_sec: 1_700_000_000, tv_nsec: 0), timespec(tv_sec: 1_700_000_000, tv_nsec: 0)]
        utimensat(AT_FDCWD, path, &first, 0)
        let work = try TemporaryDirectory("ferry-mirror-trust")
        let cut = try run(server, "set retries 0\nmirror . copy\n", directory: work.path)
        #expect(cut.status == 1 && TestFiles.exists(work.file("copy/.big.bin.part")), "\(cut.output)")
        try TestFiles.write(path, String(repeating: "B", count: 300_000))
        let stamp = sameTimeButHash ? 1_700_000_000 : 1_700_000_060
        var later = [timespec(tv_sec: stamp, tv_nsec: 0), timespec(tv_sec: stamp, tv_nsec: 0)]
        utimensat(AT_FDCWD, path, &later, 0)
        var whole = ServerOptions()
        whole.root = server.root
        whole.hash = sameTimeButHash
        let unlimited = try PyFTPServer(options: whole)
        let again = try run(unlimited, "mirror . copy\n", directory: work.path)
        #expect(again.status == 0, "\(again.output)")
        #expect(try String(contentsOfFile: work.file("copy/big.bin"), encoding: .utf8) == String(repeating: "B", count: 300_000),
                "never A's followed by B's")
    }

    @Test func aLoopTheServerShowsAsAFolderWithoutIdentityIsNotEntered() throws {
        var options = ServerOptions()
        options.noUnique = true
        let server = try PyFTPServer(options: options)
        try FileManager.default.createDirectory(atPath: "\(server.root)/a", withIntermediateDirectories: true)
        try TestFiles.write("\(server.root)/a/f.txt", "f\n")
        symlink("..", "\(server.root)/a/up")     // MLSD shows it as a folder, now without a unique fact
        let work = try TemporaryDirectory("ferry-mirror-trust")
        let result = try run(server, "mirror --dry-run . copy\n", directory: work.path)
        #expect(result.status == 1 && result.stderr.contains("taken for a loop"), "a failure, so nothing is deleted: \(result.output)")
        #expect(result.stdout.components(separatedBy: "\n").count < 20, "\(result.stdout)")
    }

    @Test func aDryRunSaysWhatMaxDeleteWillRefuse() throws {
        let server = try PyFTPServer()
        try TestFiles.write("\(server.root)/a.txt", "a\n")
        let work = try TemporaryDirectory("ferry-mirror-trust")
        try FileManager.default.createDirectory(atPath: work.file("copy"), withIntermediateDirectories: true)
        for index in 0..<2 { try TestFiles.write(work.file("copy/stray\(index)"), "s\n") }
        let result = try run(server, "mirror --dry-run --delete --max-delete 0 . copy\n", directory: work.path)
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stderr.contains("would delete nothing: 2 deletions planned, more than --max-delete 0"), "\(result.stderr)")
    }

    @Test func optionWordsAreReadAsLftpReadsThemAndBadOnesAreNamed() throws {
        let server = try PyFTPServer()
        try TestFiles.write("\(server.root)/a.txt", "a\n")
        let work = try TemporaryDirectory("ferry-mirror-trust")
        let combined = try run(server, "mirror -Rn --dry-run . up\n", directory: work.path)
        #expect(combined.status == 0 && combined.stdout.contains("mkdir up"), "\(combined.output)")
        for (line, says) in [("mirror --bogus", "unknown option '--bogus'"), ("mirror --delete=no", "--delete takes no value"),
                             ("mirror -P 0", "-P takes a number from 1 to 16, not '0'"), ("mirror -X", "-X needs a non-empty pattern"),
                             ("mirror ..", "give a target folder for '..'"),
                             // An empty value after '=' is empty, not the next word (found by a review).
                             ("mirror --exclude-glob= . up", "--exclude-glob needs a non-empty pattern"),
                             ("mirror --delete= . up", "--delete takes no value"),
                             ("mirror --parallel= 3", "--parallel takes a number from 1 to 16, not ''")] {
            let result = try run(server, line + "\n", directory: work.path)
            #expect(result.status == 1 && result.stderr.contains(says), "\(line): \(result.stderr)")
        }
    }

    @Test func atATerminalDeleteAsksFirst() throws {
        let server = try PyFTPServer()
        try TestFiles.write("\(server.root)/a.txt", "a\n")
        let work = try TemporaryDirectory("ferry-mirror-trust")
        try FileManager.default.createDirectory(atPath: work.file("copy"), withIntermediateDirectories: true)
        try TestFiles.write(work.file("copy/stray.txt"), "s\n")
        let result = try Ferry.pty(["-n", server.host, String(server.port)], [
            "expect ftp> ", "send user \(server.user) \(server.password)", "expect ftp> ",
            "send mirror --delete . copy", "expect Would delete here:", "expect   stray.txt",
            "expect Delete 1 item here that the source does not have? [yn] ", "send n",
            "expect not confirmed", "expect ftp> ", "size copy/stray.txt",
            "send mirror --delete . copy", "expect [yn] ", "send y", "expect delete stray.txt", "expect ftp> ", "send quit",
        ], directory: work.path, expectTimeout: 10)
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains("[pty_session] size copy/stray.txt 2"), "kept after n: \(result.stdout)")
        #expect(!TestFiles.exists(work.file("copy/stray.txt")), "deleted after y")
    }

    @Test func ctrlCInAMirrorCountsInterruptedFilesApartAndTheSummaryIsNotRedrawnOver() throws {
        var options = ServerOptions()
        options.rateLimit = 100_000
        let server = try PyFTPServer(options: options)
        for index in 0..<4 { try TestFiles.writeRandom("\(server.root)/m\(index).bin", size: 2_000_000) }
        let work = try TemporaryDirectory("ferry-mirror-trust")
        let result = try Ferry.pty(["-n", server.host, String(server.port)], [
            "expect ftp> ", "send user \(server.user) \(server.password)", "expect ftp> ",
            "send mirror -P 4 . copy", "sleep 1.5", "interrupt",
            "expect interrupted (their .part files are kept)", "expect run it again to continue", "expect ftp> ", "send quit",
        ], directory: work.path, expectTimeout: 15)
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains(", 0 failed, 4 interrupted"), "\(result.stdout.suffix(600))")
        // The prompt after the summary starts a line of its own: no progress line was drawn after the summary.
        let lines = result.stdout.components(separatedBy: "\r\n")   // a pty ends lines with CR LF, one Character
        let prompt = try #require(lines.last { $0.contains("ftp> quit") }, "\(result.stdout.suffix(400))")
        #expect(!prompt.contains("files") && !prompt.contains("/s"), "\(prompt.debugDescription)")
    }

    @Test func theQuestionNamesTheFirstTwentyItemsAndCountsTheRest() throws {
        let server = try PyFTPServer()
        try TestFiles.write("\(server.root)/a.txt", "a\n")
        let work = try TemporaryDirectory("ferry-mirror-trust")
        try FileManager.default.createDirectory(atPath: work.file("copy"), withIntermediateDirectories: true)
        for index in 1...25 { try TestFiles.write(work.file(String(format: "copy/stray%02d.txt", index)), "s\n") }
        let result = try Ferry.pty(["-n", server.host, String(server.port)], [
            "expect ftp> ", "send user \(server.user) \(server.password)", "expect ftp> ",
            "send mirror --delete . copy", "expect Would delete here:", "expect … and 5 more",
            "expect Delete 25 items here that the source does not have? [yn] ", "send n", "expect ftp> ", "send quit",
        ], directory: work.path, expectTimeout: 10)
        #expect(result.status == 0, "\(result.stdout)")
        let named = result.stdout.split(whereSeparator: \.isNewline).filter { $0.hasPrefix("  stray") }
        #expect(named.count == 20, "\(result.stdout)")
        #expect(TestFiles.names(in: work.file("copy")).count == 26)
    }

    @Test func withParallelSessionsTheFoldersAreListedOnSeveral() throws {
        let logs = try TemporaryDirectory("ferry-mirror-log")
        var options = ServerOptions()
        options.transferLog = logs.file("log")
        options.lateReply = ("MLSD", 0.2)   // each listing takes a while (a far server): the work spreads
        let server = try PyFTPServer(options: options)
        for index in 0..<12 {
            try FileManager.default.createDirectory(atPath: "\(server.root)/d\(index)", withIntermediateDirectories: true)
            try TestFiles.write("\(server.root)/d\(index)/f.txt", "\(index)\n")
        }
        let work = try TemporaryDirectory("ferry-mirror-trust")
        let result = try run(server, "mirror -P 4 . copy\n", directory: work.path)
        #expect(result.status == 0, "\(result.output)")
        for index in 0..<12 { #expect(TestFiles.exists(work.file("copy/d\(index)/f.txt"))) }
        let lines = try String(contentsOfFile: logs.file("log"), encoding: .utf8).split(separator: "\n").filter { $0.hasPrefix("MLSD") }
        #expect(lines.count == 13, "every folder listed once: \(lines)")
        let sessions = Set(lines.compactMap { $0.components(separatedBy: " session ").last })
        #expect(sessions.count > 1, "listed on \(sessions.count) session(s): \(lines)")
    }

    /// A second review: Swift's String equality is canonical equivalence, so "dé" in NFC and NFD were one key and
    /// a folder got the other's listing; with --delete a file the server has was deleted.
    @Test func namesThatDifferOnlyInNormalisationAreTwoNames() throws {
        var options = ServerOptions()
        options.lateReply = ("MLSD", 0.1)   // slow listings: the listing sessions start
        let server = try PyFTPServer(options: options)
        let nfc = "zz-d\u{E9}", nfd = "zz-de\u{301}"
        for index in 0..<4 { try FileManager.default.createDirectory(atPath: "\(server.root)/d\(index)", withIntermediateDirectories: true) }
        for name in [nfc, nfd] { try FileManager.default.createDirectory(atPath: "\(server.root)/\(name)", withIntermediateDirectories: true) }
        try TestFiles.write("\(server.root)/\(nfc)/x", "x\n")
        try TestFiles.write("\(server.root)/\(nfd)/x", "x\n")
        try TestFiles.write("\(server.root)/\(nfd)/z", "z\n")
        try TestFiles.write("\(server.root)/caf\u{E9}", "nfc\n")
        try TestFiles.write("\(server.root)/cafe\u{301}", "nfd\n")
        let work = try TemporaryDirectory("ferry-mirror-trust")
        for _ in 0..<2 {
            let result = try run(server, "mirror -P 4 --delete . copy\n", directory: work.path)
            #expect(result.status == 0 && !result.stdout.split(separator: "\n").contains { $0.hasPrefix("delete ") }, "\(result.output)")
        }
        let again = try run(server, "mirror -P 4 --delete . copy\n", directory: work.path)
        #expect(again.stdout.contains("0 transferred"), "a second run moves nothing: \(again.stdout)")
        #expect(try String(contentsOfFile: work.file("copy/\(nfd)/z"), encoding: .utf8) == "z\n")
        #expect(try String(contentsOfFile: work.file("copy/caf\u{E9}"), encoding: .utf8) == "nfc\n")
        #expect(try String(contentsOfFile: work.file("copy/cafe\u{301}"), encoding: .utf8) == "nfd\n")
    }

    @Test func aSourceEndingInDotIsNamedByItsFolder() throws {
        let server = try PyFTPServer()
        try FileManager.default.createDirectory(atPath: "\(server.root)/site", withIntermediateDirectories: true)
        try TestFiles.write("\(server.root)/site/index.html", "i\n")
        let work = try TemporaryDirectory("ferry-mirror-trust")
        try TestFiles.write(work.file("thesis.txt"), "mine\n")
        let result = try run(server, "mirror --delete site/.\n", directory: work.path)
        #expect(result.status == 0, "\(result.output)")
        #expect(TestFiles.exists(work.file("thesis.txt")), "the current folder is not the target")
        #expect(TestFiles.exists(work.file("site/index.html")))
    }

    @Test func aFolderNamedLikeItsParentIsNotALoopWhenTheServerGivesIdentities() throws {
        let server = try PyFTPServer()
        try FileManager.default.createDirectory(atPath: "\(server.root)/x/x/x", withIntermediateDirectories: true)
        try TestFiles.write("\(server.root)/x/x/x/file", "f\n")
        let work = try TemporaryDirectory("ferry-mirror-trust")
        let result = try run(server, "mirror . copy\n", directory: work.path)
        #expect(result.status == 0, "\(result.output)")
        #expect(TestFiles.exists(work.file("copy/x/x/x/file")), "\(result.output)")
    }

    @Test func verifyOnAServerWithoutChecksumsSaysSo() throws {
        let server = try PyFTPServer()
        try TestFiles.write("\(server.root)/a.txt", "a\n")
        let work = try TemporaryDirectory("ferry-mirror-trust")
        _ = try run(server, "mirror . copy\n", directory: work.path)
        let result = try run(server, "mirror --verify . copy\n", directory: work.path)
        #expect(result.stderr.contains("the server offers no checksum"), "\(result.output)")
    }

    @Test func aListingSessionThatNeverLogsInHoldsNothingUp() throws {
        var options = ServerOptions()
        options.muteAfterSessions = 1
        options.lateReply = ("MLSD", 0.1)
        let server = try PyFTPServer(options: options)
        for index in 0..<5 {
            try FileManager.default.createDirectory(atPath: "\(server.root)/d\(index)", withIntermediateDirectories: true)
            try TestFiles.write("\(server.root)/d\(index)/f", "\(index)\n")
        }
        let work = try TemporaryDirectory("ferry-mirror-trust")
        // The extra sessions hang at login (60 s reply timeout): the plan must not wait for them.
        let result = try Ferry.run(["-n", server.host, String(server.port)],
                                   script: "user \(server.user) \(server.password)\nmirror -P 3 --dry-run . copy\n",
                                   timeout: 40, directory: work.path)
        #expect(result.status == 0 && result.stdout.contains("get d4/f"), "\(result.output)")
    }
}
