import FerryTestSupport
import Foundation
import Testing

/// mirror (issue 11) against real servers: pyftpdlib (MLSD, MFMT) and vsftpd (LIST only), each checked in the
/// server's own transfer log.
@Suite struct MirrorTests {
    func run(_ server: TestServer, _ script: String, flags: [String] = [], directory: String) throws -> ProcessRunner.Result {
        try Ferry.session(server, script, flags: flags, directory: directory, timeout: 180)
    }

    /// Three levels, names with spaces and UTF-8, an empty folder, a few files of a MiB or more, and `.log` files.
    static func makeTree(at root: String) throws -> [String] {
        var files: [String] = []
        let manager = FileManager.default
        for top in ["docs", "media files", "données"] {
            for sub in 0..<4 {
                let folder = "\(top)/level \(sub)/deep"
                try manager.createDirectory(atPath: "\(root)/\(folder)", withIntermediateDirectories: true)
                for index in 0..<20 {
                    let name = index % 5 == 0 ? "\(folder)/run \(index).log" : "\(folder)/fïle \(index).dat"
                    try TestFiles.writeRandom("\(root)/\(name)", size: 100 + index * 53)
                    files.append(name)
                }
                let middle = "\(top)/level \(sub)/note.txt"
                try TestFiles.write("\(root)/\(middle)", "note \(top) \(sub)\n")
                files.append(middle)
            }
        }
        try manager.createDirectory(atPath: "\(root)/empty folder", withIntermediateDirectories: true)
        for index in 0..<3 {
            try TestFiles.writeRandom("\(root)/big \(index).bin", size: (1 << 20) + index * 333_333)
            files.append("big \(index).bin")
        }
        return files
    }

    static func transfers(in log: String, _ word: String) -> Int {
        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").components(separatedBy: "\n").filter { $0.contains(word) }.count
    }

    static func modified(_ path: String) -> Int? {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date).map { Int($0.timeIntervalSince1970) }
    }

    @Test func aTreeComesDownWholeAndASecondRunMovesNothingThenOnlyWhatChanged() throws {
        let logs = try TemporaryDirectory("ferry-mirror-log")
        let log = logs.file("transfers.log")
        var options = ServerOptions()
        options.transferLog = log
        let server = try PyFTPServer(options: options)
        let files = try MirrorTests.makeTree(at: server.root)
        let work = try TemporaryDirectory("ferry-mirror")
        let first = try run(server, "mirror -P 4 -X '*.log' . copy\n", directory: work.path)
        #expect(first.status == 0, "\(first.output)")
        for file in files where !file.hasSuffix(".log") {
            #expect(try TestFiles.sha256(work.file("copy/\(file)")) == TestFiles.sha256("\(server.root)/\(file)"), "\(file)")
        }
        #expect(!files.filter { $0.hasSuffix(".log") }.contains { TestFiles.exists(work.file("copy/\($0)")) }, "-X '*.log' left them out")
        #expect(TestFiles.exists(work.file("copy/empty folder")), "the empty folder is made")
        let copied = files.filter { !$0.hasSuffix(".log") }.count
        #expect(MirrorTests.transfers(in: log, "RETR") == copied, "\(first.stdout.suffix(300))")
        #expect(first.stdout.contains("mirror: \(copied) transferred"), "\(first.stdout.suffix(300))")
        // Times came with the files: the second run finds nothing to do.
        #expect(MirrorTests.modified(work.file("copy/big 1.bin")) == MirrorTests.modified("\(server.root)/big 1.bin"))
        let second = try run(server, "mirror -P 4 -X '*.log' . copy\n", directory: work.path)
        #expect(second.status == 0, "\(second.output)")
        #expect(MirrorTests.transfers(in: log, "RETR") == copied, "the second run fetched nothing: \(second.stdout.suffix(300))")
        #expect(second.stdout.contains("mirror: 0 transferred"), "\(second.stdout.suffix(300))")
        // One file changed (same size, new content and time), one added: only those two move.
        try TestFiles.writeRandom("\(server.root)/docs/level 2/deep/fïle 7.dat", size: 100 + 7 * 53)
        var later = [timespec(tv_sec: time(nil) + 120, tv_nsec: 0), timespec(tv_sec: time(nil) + 120, tv_nsec: 0)]
        utimensat(AT_FDCWD, "\(server.root)/docs/level 2/deep/fïle 7.dat", &later, 0)
        try TestFiles.write("\(server.root)/media files/added.txt", "new\n")
        let third = try run(server, "mirror -X '*.log' . copy\n", directory: work.path)
        #expect(third.status == 0, "\(third.output)")
        let lines = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").suffix(2).sorted()
        #expect(lines == ["RETR /docs/level 2/deep/fïle 7.dat", "RETR /media files/added.txt"], "\(lines)")
        #expect(try TestFiles.sha256(work.file("copy/docs/level 2/deep/fïle 7.dat")) == TestFiles.sha256("\(server.root)/docs/level 2/deep/fïle 7.dat"))
    }

    @Test func strayLocalFilesGoOnlyWithDeleteAndDryRunChangesNothing() throws {
        let server = try PyFTPServer()
        _ = try MirrorTests.makeTree(at: server.root)
        let work = try TemporaryDirectory("ferry-mirror")
        #expect(try run(server, "mirror . copy\n", directory: work.path).status == 0)
        try TestFiles.write(work.file("copy/stray.txt"), "mine\n")
        try FileManager.default.createDirectory(atPath: work.file("copy/docs/old stuff/inner"), withIntermediateDirectories: true)
        try TestFiles.write(work.file("copy/docs/old stuff/inner/x.txt"), "old\n")
        try TestFiles.write("\(server.root)/docs/fresh.txt", "fresh\n")

        let kept = try run(server, "mirror . copy\n", directory: work.path)
        #expect(kept.status == 0, "\(kept.output)")
        #expect(TestFiles.exists(work.file("copy/stray.txt")), "without --delete nothing local goes")

        try TestFiles.write("\(server.root)/docs/fresher.txt", "fresher\n")
        let before = try FileManager.default.subpathsOfDirectory(atPath: work.file("copy")).sorted()
        let dry = try run(server, "mirror --dry-run --delete . copy\n", directory: work.path)
        #expect(dry.status == 0, "\(dry.output)")
        #expect(dry.stdout.contains("get docs/fresher.txt (new, 8 bytes)"), "\(dry.stdout)")
        #expect(dry.stdout.contains("delete stray.txt"), "\(dry.stdout)")
        #expect(dry.stdout.contains("delete docs/old stuff/inner/x.txt"), "\(dry.stdout)")
        // Unchanged files are not listed but under -v; the deletions come last, as they run.
        #expect(!dry.stdout.contains("skip docs/fresh.txt (unchanged)") && dry.stdout.contains("skipped"), "\(dry.stdout)")
        let getLine = try #require(dry.stdout.range(of: "get docs/fresher.txt"))
        let deleteLine = try #require(dry.stdout.range(of: "delete stray.txt"))
        #expect(getLine.lowerBound < deleteLine.lowerBound, "\(dry.stdout)")
        let verbose = try run(server, "mirror --dry-run --delete . copy\n", flags: ["-v"], directory: work.path)
        #expect(verbose.stdout.contains("skip docs/fresh.txt (unchanged)"), "\(verbose.stdout)")
        #expect(try FileManager.default.subpathsOfDirectory(atPath: work.file("copy")).sorted() == before, "--dry-run changed nothing")

        let deleting = try run(server, "mirror --delete . copy\n", directory: work.path)
        #expect(deleting.status == 0, "\(deleting.output)")
        #expect(!TestFiles.exists(work.file("copy/stray.txt")) && !TestFiles.exists(work.file("copy/docs/old stuff")), "\(deleting.output)")
        #expect(deleting.stdout.contains("delete stray.txt") && deleting.stdout.contains("4 deleted"), "every deletion is logged: \(deleting.stdout)")
        #expect(TestFiles.exists(work.file("copy/docs/fresher.txt")))
    }

    @Test func maxDeleteRefusesAPlanThatDeletesMore() throws {
        let server = try PyFTPServer()
        try TestFiles.write("\(server.root)/keep.txt", "keep\n")
        let work = try TemporaryDirectory("ferry-mirror")
        try FileManager.default.createDirectory(atPath: work.file("copy"), withIntermediateDirectories: true)
        for index in 0..<3 { try TestFiles.write(work.file("copy/stray\(index).txt"), "stray\n") }
        let result = try run(server, "mirror --delete --max-delete 1 . copy\n", directory: work.path)
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stderr.contains("3 deletions planned, more than --max-delete 1"), "\(result.stderr)")
        #expect((0..<3).allSatisfy { TestFiles.exists(work.file("copy/stray\($0).txt")) })
        #expect(TestFiles.exists(work.file("copy/keep.txt")), "the copy itself still happened")
    }

    @Test func reverseMirrorSetsRemoteTimesWithMFMTAndASecondRunStoresNothing() throws {
        let logs = try TemporaryDirectory("ferry-mirror-log")
        let log = logs.file("transfers.log")
        var options = ServerOptions()
        options.transferLog = log
        let server = try PyFTPServer(options: options)
        let work = try TemporaryDirectory("ferry-mirror")
        let files = try MirrorTests.makeTree(at: work.file("site"))
        var old = [timespec(tv_sec: 1_600_000_000, tv_nsec: 0), timespec(tv_sec: 1_600_000_000, tv_nsec: 0)]
        utimensat(AT_FDCWD, work.file("site/docs/level 1/note.txt"), &old, 0)
        let first = try run(server, "mirror -R -P 3 site up\n", directory: work.path)
        #expect(first.status == 0, "\(first.output)")
        for file in files {
            #expect(try TestFiles.sha256("\(server.root)/up/\(file)") == TestFiles.sha256(work.file("site/\(file)")), "\(file)")
        }
        #expect(MirrorTests.modified("\(server.root)/up/docs/level 1/note.txt") == 1_600_000_000, "MFMT set the time")
        #expect(!(try FileManager.default.subpathsOfDirectory(atPath: "\(server.root)/up")).contains { $0.hasSuffix(".part") })
        let stored = MirrorTests.transfers(in: log, "STOR")
        #expect(stored == files.count)
        let second = try run(server, "mirror -R site up\n", directory: work.path)
        #expect(second.status == 0, "\(second.output)")
        #expect(MirrorTests.transfers(in: log, "STOR") == stored, "\(second.stdout.suffix(300))")
    }

    @Test func onVsftpdListTimesToTheMinuteAreEnoughForASecondRunToMoveNothing() throws {
        let server = try VsftpdServer()
        let files = try MirrorTests.makeTree(at: "\(server.root)/tree")
        // An old file: LIST shows only its date.
        var old = [timespec(tv_sec: 1_500_000_000, tv_nsec: 0), timespec(tv_sec: 1_500_000_000, tv_nsec: 0)]
        utimensat(AT_FDCWD, "\(server.root)/tree/big 0.bin", &old, 0)
        _ = try ProcessRunner.run("/bin/chown", ["-R", server.user, server.root])
        let work = try TemporaryDirectory("ferry-mirror")
        let first = try run(server, "mirror -P 4 tree\n", directory: work.path)
        #expect(first.status == 0, "\(first.output)")
        for file in files {
            #expect(try TestFiles.sha256(work.file("tree/\(file)")) == TestFiles.sha256("\(server.root)/tree/\(file)"), "\(file)")
        }
        #expect(MirrorTests.modified(work.file("tree/big 0.bin")) == 1_500_000_000, "the exact time from MDTM")
        let downloads = MirrorTests.transfers(in: server.logPath, "OK DOWNLOAD")
        #expect(downloads == files.count)
        let second = try run(server, "mirror -P 4 tree\n", directory: work.path)
        #expect(second.status == 0, "\(second.output)")
        #expect(MirrorTests.transfers(in: server.logPath, "OK DOWNLOAD") == downloads, "\(second.stdout.suffix(400))")

        // Up again into another folder: vsftpd has no MFMT, so a copy as large and newer than the source is the same.
        let up = try run(server, "mirror -R tree back\n", directory: work.path)
        #expect(up.status == 0, "\(up.output)")
        let uploads = MirrorTests.transfers(in: server.logPath, "OK UPLOAD")
        #expect(uploads == files.count)
        // vsftpd has no MFMT, but sets times with "MDTM YYYYMMDDHHMMSS path".
        #expect(MirrorTests.modified("\(server.root)/back/big 1.bin") == MirrorTests.modified(work.file("tree/big 1.bin")))
        let upAgain = try run(server, "mirror -R tree back\n", directory: work.path)
        #expect(MirrorTests.transfers(in: server.logPath, "OK UPLOAD") == uploads, "\(upAgain.output.suffix(400))")
    }

    @Test func aServerWhoseListingClockIsNotUTCIsReadRightFromOneMDTM() throws {
        let logs = try TemporaryDirectory("ferry-mirror-log")
        let log = logs.file("transfers.log")
        var options = ServerOptions()
        options.transferLog = log
        options.listOnly = true
        options.listUTCOffsetHours = 3
        let server = try PyFTPServer(options: options)
        for index in 0..<5 { try TestFiles.writeRandom("\(server.root)/t\(index).bin", size: 1000 + index) }
        let work = try TemporaryDirectory("ferry-mirror")
        let first = try run(server, "mirror . copy\n", directory: work.path)
        #expect(first.status == 0, "\(first.output)")
        #expect(first.stderr.contains("UTC+3:00"), "\(first.stderr)")
        // The listed minute, put right by the offset (no MDTM per file).
        let exact = MirrorTests.modified("\(server.root)/t2.bin") ?? 0
        #expect(MirrorTests.modified(work.file("copy/t2.bin")) == exact - exact % 60)
        let second = try run(server, "mirror -n . copy\n", directory: work.path)
        #expect(second.status == 0, "\(second.output)")
        #expect(MirrorTests.transfers(in: log, "RETR") == 5, "\(second.stdout)")
        #expect(second.stdout.contains("0 transferred (0 B), 0 deleted, 5 skipped"), "\(second.stdout)")
    }

    @Test func jsonGivesOneObjectPerActionAndASummary() throws {
        let server = try PyFTPServer()
        try TestFiles.write("\(server.root)/a.txt", "a\n")
        try FileManager.default.createDirectory(atPath: "\(server.root)/sub", withIntermediateDirectories: true)
        try TestFiles.write("\(server.root)/sub/b\u{1B}[31m.txt", "b\n")
        let work = try TemporaryDirectory("ferry-mirror")
        let result = try run(server, "mirror --json . copy\n", directory: work.path)
        #expect(result.status == 0, "\(result.output)")
        let objects = try result.stdout.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(objects.allSatisfy { $0 != nil }, "\(result.stdout)")
        #expect(!result.stdout.contains("\u{1B}"), "escapes are escaped")
        let summary = objects.last??["summary"] as? [String: Any]
        #expect(summary?["transferred"] as? Int == 2, "\(result.stdout)")
        #expect(TestFiles.exists(work.file("copy/sub/b_[31m.txt")), "\(TestFiles.names(in: work.file("copy/sub")))")
    }
}
