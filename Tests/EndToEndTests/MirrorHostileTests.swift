import FerryTestSupport
import Foundation
import Testing

/// mirror turns server data into local files, folders and deletions: what a hostile or broken server can do
/// with that, and what it cannot.
@Suite struct MirrorHostileTests {
    func run(_ server: TestServer, _ script: String, flags: [String] = [], directory: String) throws -> ProcessRunner.Result {
        try Ferry.session(server, script, flags: flags, directory: directory, timeout: 120)
    }

    @Test func namesFromTheListingNeverLeaveTheTargetNorRunAnything() throws {
        var options = ServerOptions()
        options.extraMLSDLines = ["type=file;size=5;modify=20200101000000; ../evil.txt",
                                  "type=file;size=5;modify=20200101000000; sub/evil.txt",
                                  "type=dir;modify=20200101000000; ../../up"]
        let server = try PyFTPServer(options: options)
        try TestFiles.write("\(server.root)/|touch pwned", "pipe\n")
        try TestFiles.write("\(server.root)/-rf", "dash\n")
        try TestFiles.write("\(server.root)/bell\u{07}\u{1B}]0;title\u{07}.txt", "esc\n")
        try FileManager.default.createDirectory(atPath: "\(server.root)/sub", withIntermediateDirectories: true)
        try TestFiles.write("\(server.root)/sub/ok.txt", "ok\n")
        let work = try TemporaryDirectory("ferry-mirror-hostile")
        try FileManager.default.createDirectory(atPath: work.file("inside"), withIntermediateDirectories: true)
        let result = try run(server, "mirror . inside/copy\n", directory: work.path)
        #expect(result.status == 1, "the refused names count as failures: \(result.output)")
        #expect(!TestFiles.exists(work.file("pwned")) && !TestFiles.exists(work.file("inside/pwned")), "nothing ran")
        #expect(!TestFiles.exists(work.file("inside/evil.txt")) && !TestFiles.exists(work.file("evil.txt")))
        #expect(!TestFiles.exists(work.file("inside/copy/sub/evil.txt")) && !TestFiles.exists(work.file("inside/copy/evil.txt")))
        #expect(!TestFiles.exists(work.file("up")) && !TestFiles.exists(work.file("inside/up")))
        #expect(TestFiles.names(in: work.path) == ["inside"], "\(TestFiles.names(in: work.path))")
        #expect(TestFiles.exists(work.file("inside/copy/_touch pwned")) && TestFiles.exists(work.file("inside/copy/_rf")),
                "\(TestFiles.names(in: work.file("inside/copy")))")
        #expect(try TestFiles.sha256(work.file("inside/copy/sub/ok.txt")) == TestFiles.sha256("\(server.root)/sub/ok.txt"))
        #expect(result.stderr.contains("refusing the name '../evil.txt'"), "\(result.stderr)")
        #expect(!result.output.contains("\u{1B}") && !result.output.contains("\u{07}"), "no escape reaches the terminal")
    }

    @Test func namesThatBecomeOneLocalNameAreNotBothWritten() throws {
        let server = try PyFTPServer()
        try TestFiles.write("\(server.root)/a\u{01}.txt", "one\n")
        try TestFiles.write("\(server.root)/a\u{02}.txt", "two\n")
        try TestFiles.write("\(server.root)/b_.txt", "real\n")
        try TestFiles.write("\(server.root)/b\u{1B}.txt", "escape\n")
        let work = try TemporaryDirectory("ferry-mirror-hostile")
        let result = try run(server, "mirror . copy\n", directory: work.path)
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stderr.contains("would be saved as 'b_.txt' too"), "\(result.stderr)")
        #expect(result.stderr.contains("would be saved as 'a_.txt' too"), "\(result.stderr)")
        #expect(try String(contentsOfFile: work.file("copy/b_.txt"), encoding: .utf8) == "real\n", "the server's own b_.txt wins")
        #expect(try String(contentsOfFile: work.file("copy/a_.txt"), encoding: .utf8) == "one\n")
        // The second run finds the same: nothing is fetched twice into one file, nothing deleted.
        let again = try run(server, "mirror --delete . copy\n", directory: work.path)
        #expect(TestFiles.names(in: work.file("copy")).sorted() == ["a_.txt", "b_.txt"], "\(again.output)")
    }

    @Test func aSymlinkLoopOnPyftpdlibIsSeenByTheFolderItLeadsTo() throws {
        let server = try PyFTPServer()
        try FileManager.default.createDirectory(atPath: "\(server.root)/a/b", withIntermediateDirectories: true)
        try TestFiles.write("\(server.root)/a/b/f.txt", "f\n")
        symlink("..", "\(server.root)/a/b/up")       // MLSD follows it: a folder whose unique fact is a's
        symlink("/", "\(server.root)/a/root")         // outside the server's root: pyftpdlib leaves it out
        let work = try TemporaryDirectory("ferry-mirror-hostile")
        let result = try run(server, "mirror . copy\n", directory: work.path)
        #expect(result.status == 1, "the folder pyftpdlib will not list is a failure: \(result.output)")
        #expect(result.stderr.contains("a/root: cannot list"), "\(result.stderr)")
        #expect(TestFiles.exists(work.file("copy/a/b/f.txt")))
        #expect(!TestFiles.exists(work.file("copy/a/b/up")), "\(result.output)")
        let all = try FileManager.default.subpathsOfDirectory(atPath: work.file("copy"))
        #expect(all.count < 10, "\(all)")
    }

    @Test func symlinksOnVsftpdAreCopiedAsFilesInsideTheTreeAndNeverFollowedOut() throws {
        let server = try VsftpdServer()
        let tree = "\(server.root)/tree"
        try FileManager.default.createDirectory(atPath: "\(tree)/a/b", withIntermediateDirectories: true)
        try TestFiles.write("\(tree)/a/b/f.txt", "f\n")
        try TestFiles.write("\(server.root)/secret.txt", "outside\n")
        symlink("..", "\(tree)/a/b/up")
        symlink(".", "\(tree)/a/self")
        symlink("b/f.txt", "\(tree)/a/link.txt")
        symlink("../../secret.txt", "\(tree)/a/leak.txt")
        symlink("/etc", "\(tree)/a/etc")
        _ = try ProcessRunner.run("/bin/chown", ["-R", server.user, server.root])
        let work = try TemporaryDirectory("ferry-mirror-hostile")
        let result = try run(server, "mirror tree\n", directory: work.path)
        #expect(result.status == 0, "\(result.output)")
        #expect(try TestFiles.sha256(work.file("tree/a/link.txt")) == TestFiles.sha256("\(tree)/a/b/f.txt"), "a link to a file inside comes as that file")
        for name in ["a/b/up", "a/self", "a/leak.txt", "a/etc"] {
            #expect(!TestFiles.exists(work.file("tree/\(name)")), "\(name): \(result.output)")
        }
        let dry = try run(server, "mirror --dry-run tree\n", directory: work.path)
        #expect(dry.stdout.contains("skip a/b/up (symbolic link loop)"), "\(dry.stdout)")
        #expect(dry.stdout.contains("skip a/leak.txt (symbolic link that points outside the tree)"), "\(dry.stdout)")
        let noLinks = try run(server, "mirror --dry-run --no-symlinks tree other\n", directory: work.path)
        #expect(noLinks.stdout.contains("skip a/link.txt (symbolic link (--no-symlinks))"), "\(noLinks.stdout)")
    }

    @Test func aListingLineThatCannotBeReadDeletesNothing() throws {
        var options = ServerOptions()
        options.extraMLSDLines = ["this is not an MLSD line"]
        let server = try PyFTPServer(options: options)
        try TestFiles.write("\(server.root)/a.txt", "a\n")
        let work = try TemporaryDirectory("ferry-mirror-hostile")
        try FileManager.default.createDirectory(atPath: work.file("copy"), withIntermediateDirectories: true)
        try TestFiles.write(work.file("copy/mine.txt"), "mine\n")
        let result = try run(server, "mirror --delete . copy\n", directory: work.path)
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stderr.contains("nothing deleted: a line of a listing"), "\(result.stderr)")
        #expect(TestFiles.exists(work.file("copy/mine.txt")))
        #expect(TestFiles.exists(work.file("copy/a.txt")))
    }

    @Test func anEmptySourceDeletesNothing() throws {
        let server = try PyFTPServer()
        let work = try TemporaryDirectory("ferry-mirror-hostile")
        try FileManager.default.createDirectory(atPath: work.file("copy"), withIntermediateDirectories: true)
        try TestFiles.write(work.file("copy/mine.txt"), "mine\n")
        let result = try run(server, "mirror --delete . copy\n", directory: work.path)
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stderr.contains("nothing deleted: the source is empty"), "\(result.stderr)")
        #expect(TestFiles.exists(work.file("copy/mine.txt")))
    }

    @Test func aFolderTheServerCannotListDeletesNothingAnywhere() throws {
        let server = try VsftpdServer()
        try FileManager.default.createDirectory(atPath: "\(server.root)/tree/locked", withIntermediateDirectories: true)
        try TestFiles.write("\(server.root)/tree/a.txt", "a\n")
        try TestFiles.write("\(server.root)/tree/locked/b.txt", "b\n")
        _ = try ProcessRunner.run("/bin/chown", ["-R", server.user, "\(server.root)/tree"])
        _ = try ProcessRunner.run("/bin/chown", ["root:root", "\(server.root)/tree/locked"])
        chmod("\(server.root)/tree/locked", 0o700)
        let work = try TemporaryDirectory("ferry-mirror-hostile")
        try FileManager.default.createDirectory(atPath: work.file("tree/locked"), withIntermediateDirectories: true)
        try TestFiles.write(work.file("tree/locked/mine.txt"), "mine\n")
        try TestFiles.write(work.file("tree/stray.txt"), "stray\n")
        let result = try run(server, "mirror --delete tree\n", directory: work.path)
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stderr.contains("nothing deleted"), "\(result.stderr)")
        #expect(TestFiles.exists(work.file("tree/locked/mine.txt")) && TestFiles.exists(work.file("tree/stray.txt")))
        #expect(TestFiles.exists(work.file("tree/a.txt")))
    }

    @Test func anInterruptedMirrorLeavesOnlyPartFilesAndTheNextRunContinuesThem() throws {
        var options = ServerOptions()
        options.cutRetrieveAfter = 100_000
        let server = try PyFTPServer(options: options)
        try TestFiles.writeRandom("\(server.root)/big.bin", size: 250_000)
        let work = try TemporaryDirectory("ferry-mirror-hostile")
        let first = try run(server, "set retries 0\nmirror . copy\n", directory: work.path)
        #expect(first.status == 1, "\(first.output)")
        #expect(!TestFiles.exists(work.file("copy/big.bin")), "no file that looks complete")
        #expect(TestFiles.exists(work.file("copy/.big.bin.part")))
        let second = try run(server, "set retries 0\nmirror . copy\n", flags: ["-d"], directory: work.path)
        #expect(second.stderr.contains("---> REST 100000"), "\(second.stdout)")
        let third = try run(server, "set retries 0\nmirror . copy\n", directory: work.path)
        #expect(third.status == 0, "\(third.output)")
        #expect(try TestFiles.sha256(work.file("copy/big.bin")) == TestFiles.sha256("\(server.root)/big.bin"))
        #expect(TestFiles.names(in: work.file("copy")) == ["big.bin"])
    }

    @Test func aLocalFolderThatIsASymlinkIsNeverWrittenThrough() throws {
        let server = try PyFTPServer()
        try FileManager.default.createDirectory(atPath: "\(server.root)/sub", withIntermediateDirectories: true)
        try TestFiles.write("\(server.root)/sub/x.txt", "x\n")
        let work = try TemporaryDirectory("ferry-mirror-hostile")
        let elsewhere = try TemporaryDirectory("ferry-mirror-elsewhere")
        try FileManager.default.createDirectory(atPath: work.file("copy"), withIntermediateDirectories: true)
        symlink(elsewhere.path, work.file("copy/sub"))
        let result = try run(server, "mirror . copy\n", directory: work.path)
        #expect(result.status == 1, "\(result.output)")
        #expect(TestFiles.names(in: elsewhere.path).isEmpty)
        #expect(result.stderr.contains("a symbolic link at 'sub'"), "\(result.stderr)")
    }

    @Test func aSizeThatLiesNeverGivesAFileThatLooksComplete() throws {
        var options = ServerOptions()
        options.mlsdSize = 10
        let server = try PyFTPServer(options: options)
        try TestFiles.writeRandom("\(server.root)/lie.bin", size: 50_000)
        let work = try TemporaryDirectory("ferry-mirror-hostile")
        let result = try run(server, "mirror . copy\n", directory: work.path)
        #expect(result.status == 1, "\(result.output)")
        #expect(!TestFiles.exists(work.file("copy/lie.bin")))
    }
}
