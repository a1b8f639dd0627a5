import FerryTestSupport
import Foundation
import Testing

/// What an adversarial review of issue 9 found still getting through: a failed TLS handshake, escapes smuggled in
/// URLs, a checksum that never comes, FIFOs and links in a shared folder, trickling data, C1 controls in JSON.
@Suite struct HostileInputTests {
    func run(_ server: TestServer, _ script: String, flags: [String] = [], directory: String,
             timeout: Double = 60) throws -> ProcessRunner.Result {
        try Ferry.session(server, script, flags: flags, directory: directory, timeout: timeout)
    }

    func url(_ server: TestServer, _ path: String) -> String {
        "ftp://\(server.user):\(server.password)@\(server.host):\(server.port)/\(path)"
    }

    @Test func aFailedTLSHandshakeSendsNothingMore() throws {
        let folder = try TemporaryDirectory("ferry-tls-alert")
        let log = folder.file("after-alert")
        try TestFiles.write(log, "")
        let server = try PythonServer(script: "tls_alert.py", arguments: ["--log", log])
        let result = try Ferry.run(["--tls", "-n", "127.0.0.1", String(server.port)], script: "user bob hunter2\nget a.txt\n",
                                   timeout: 30)
        server.stop()
        let after = String(decoding: try TestFiles.read(log), as: UTF8.self)
        #expect(result.status == 1)
        #expect(after.isEmpty, "after the failed handshake the server got: \(after)")
        #expect(result.stderr.contains("TLS handshake failed"), "\(result.stderr)")
    }

    @Test func escapesInAURLCannotSmuggleLineBreaksOrSlashes() throws {
        let server = try PyFTPServer()
        try TestFiles.write(server.path("a.txt"), "a")
        try TestFiles.write(server.path("victim.txt"), "keep")
        let outer = try TemporaryDirectory("ferry-hostile-input")
        let work = outer.file("work")
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        // U+F70D and U+F70A stand for CR and LF in WireText; they must stay characters, not become a command.
        let injected = try Ferry.run([url(server, "a.txt%EF%9C%8D%EF%9C%8ADELE%20victim.txt")], timeout: 30, directory: work)
        #expect(injected.status == 1, "\(injected.output)")
        #expect(TestFiles.exists(server.path("victim.txt")), "the URL deleted a file on the server")
        // U+F72F stands for "/": it must not become a path out of the folder.
        let slash = "%EF%9C%AF"
        let escaped = try Ferry.run([url(server, "\(slash)..\(slash)..\(slash)pwned")], timeout: 30, directory: work)
        #expect(escaped.status == 1, "\(escaped.output)")
        #expect(TestFiles.names(in: outer.path) == ["work"], "\(TestFiles.names(in: outer.path))")
    }

    @Test func aChecksumThatDoesNotArriveInTimeIsNotAnAcceptance() throws {
        var options = ServerOptions()
        options.hash = true
        options.corruptRetrieve = true
        options.lateReply = (verb: "HASH", seconds: 4)
        let server = try PyFTPServer(options: options)
        try TestFiles.writeRandom(server.path("f.bin"), size: 20_000)
        let work = try TemporaryDirectory("ferry-hostile-input")
        let result = try run(server, "set reply-timeout 2\nset retries 1\nget f.bin\n", directory: work.path, timeout: 60)
        #expect(result.status == 1, "\(result.output)")
        #expect(!TestFiles.exists(work.file("f.bin")), "corrupt bytes were put in place")
        #expect(result.stderr.contains("checksum of it did not"), "\(result.stderr)")
    }

    @Test func aFifoOrALinkToOneInTheFolderIsNeverWrittenInto() throws {
        let server = try PyFTPServer()
        try TestFiles.write(server.path("evil.txt"), "evil")
        try TestFiles.write(server.path("link.txt"), "link")
        let outer = try TemporaryDirectory("ferry-hostile-input")
        let work = outer.file("work")
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        mkfifo(work + "/evil.txt", 0o644)
        mkfifo(outer.file("victim-fifo"), 0o644)
        symlink(outer.file("victim-fifo"), work + "/link.txt")
        let start = Date()
        let result = try run(server, "mget *\n", directory: work, timeout: 30)
        #expect(result.status == 1, "\(result.output)")
        #expect(Date().timeIntervalSince(start) < 15, "no blocking open of a FIFO")
        #expect(result.stderr.contains("not a regular file"), "\(result.stderr)")
    }

    @Test func aSymlinkLendsNoPermissionBitsAndSomeoneElsesFileIsNotMoved() throws {
        let server = try PyFTPServer()
        try TestFiles.write(server.path("a.txt"), "new")
        try TestFiles.write(server.path("theirs.txt"), "0123456789")
        let outer = try TemporaryDirectory("ferry-hostile-input")
        let work = outer.file("work")
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        try TestFiles.write(outer.file("open"), "x")
        chmod(outer.file("open"), 0o666)
        symlink(outer.file("open"), work + "/a.txt")
        try TestFiles.write(work + "/theirs.txt", "01234")
        chown(work + "/theirs.txt", 65534, 65534)
        let result = try run(server, "get a.txt\nreget theirs.txt\n", directory: work)
        #expect(result.status == 1, "reget refused: \(result.output)")
        // A link at the target is neither replaced nor written through (issue 22 item 22): the download is refused.
        #expect(result.stderr.contains("'a.txt' is a symbolic link; Ferry neither replaces it nor writes through it"), "\(result.stderr)")
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: work + "/a.txt")) == outer.file("open"), "the link stays")
        #expect(try TestFiles.read(outer.file("open")) == Data("x".utf8), "written through the link")
        #expect(try TestFiles.read(work + "/theirs.txt") == Data("01234".utf8), "someone else's file was moved")
        #expect(!TestFiles.exists(work + "/.theirs.txt.part"))
    }

    @Test func aReadOnlyFileIsNotReplacedByGetMgetOrMirror() throws {
        let server = try PyFTPServer()
        try TestFiles.write(server.path("ro.txt"), "new\n")
        let work = try TemporaryDirectory("ferry-hostile-input")
        try TestFiles.write(work.file("ro.txt"), "mine\n")
        chmod(work.file("ro.txt"), 0o444)
        let result = try run(server, "get ro.txt\nmget ro.txt\n", directory: work.path)
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stderr.contains("'ro.txt' is read-only; make it writable (chmod u+w) or remove it to replace it"), "\(result.stderr)")
        try FileManager.default.createDirectory(atPath: work.file("copy"), withIntermediateDirectories: true)
        try TestFiles.write(work.file("copy/ro.txt"), "mine too\n")
        chmod(work.file("copy/ro.txt"), 0o444)
        let mirrored = try run(server, "mirror . copy\n", directory: work.path)
        #expect(mirrored.status == 1, "\(mirrored.output)")
        #expect(try TestFiles.read(work.file("ro.txt")) == Data("mine\n".utf8))
        #expect(try TestFiles.read(work.file("copy/ro.txt")) == Data("mine too\n".utf8))
    }

    @Test func tricklingDataEndsInATimeout() throws {
        let server = try PythonServer(script: "trickle.py", arguments: [])
        let start = Date()
        let result = try Ferry.run(["-q", "3", "-n", "127.0.0.1", String(server.port)], script: "user a b\nls\nget f.bin\n",
                                   timeout: 60)
        #expect(result.status == 1)
        #expect(Date().timeIntervalSince(start) < 30, "a trickle held the transfer")
        #expect(result.stderr.components(separatedBy: "less than 1 KiB").count == 3, "\(result.stderr)")
    }

    @Test func jsonEscapesC1ControlsAndBidiOverrides() throws {
        let server = try PyFTPServer()
        try TestFiles.write(server.path("\u{9B}31mc1.txt"), "c")
        try TestFiles.write(server.path("cod\u{202E}txt.exe"), "b")
        let work = try TemporaryDirectory("ferry-hostile-input")
        let result = try run(server, "ls --json\n", directory: work.path)
        #expect(result.status == 0, "\(result.output)")
        #expect(!result.stdout.unicodeScalars.contains { (0x80...0x9F).contains($0.value) || $0.value == 0x202E }, "\(result.stdout)")
        #expect(result.stdout.contains("\\u009b31mc1.txt") && result.stdout.contains("\\u202e"), "\(result.stdout)")
    }

    @Test func aTimeoutInsideGetSaysTimedOut() throws {
        var options = ServerOptions()
        options.lateReply = (verb: "SIZE", seconds: 4)
        let server = try PyFTPServer(options: options)
        try TestFiles.write(server.path("a.txt"), "a")
        let work = try TemporaryDirectory("ferry-hostile-input")
        let result = try run(server, "set reply-timeout 2\nset retries 0\nget a.txt\n", directory: work.path)
        #expect(result.status == 1)
        #expect(result.stderr.contains("timed out") && !result.stderr.contains("Not connected."), "\(result.stderr)")
    }

    @Test func aCorruptDownloadThatCannotBeKeptAsBadIsRemoved() throws {
        var options = ServerOptions()
        options.hash = true
        options.corruptRetrieve = true
        let server = try PyFTPServer(options: options)
        try TestFiles.writeRandom(server.path("f.bin"), size: 20_000)
        let work = try TemporaryDirectory("ferry-hostile-input")
        try FileManager.default.createDirectory(atPath: work.file(".f.bin.bad/x"), withIntermediateDirectories: true)
        let result = try run(server, "set retries 1\nget f.bin\n", directory: work.path)
        #expect(result.status == 1)
        #expect(TestFiles.names(in: work.path) == [".f.bin.bad"], "no corrupt .part left to resume: \(TestFiles.names(in: work.path))")
    }

    @Test func fgetReportsAnOverLongLineAndGoesOn() throws {
        let server = try PyFTPServer()
        try TestFiles.write(server.path("a.txt"), "a")
        try TestFiles.write(server.path("b.txt"), "b")
        let work = try TemporaryDirectory("ferry-hostile-input")
        try TestFiles.write(work.file("list"), "a.txt\n" + String(repeating: "x", count: 70_000) + "\nb.txt\n")
        let result = try run(server, "fget list\n", directory: work.path)
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stderr.contains("longer than 65536 bytes"), "\(result.stderr)")
        #expect(TestFiles.exists(work.file("a.txt")) && TestFiles.exists(work.file("b.txt")))
    }

    @Test func implicitTLSHandshakeIsBoundedByQ() throws {
        var options = ServerOptions()
        options.silentGreeting = true
        let server = try PyFTPServer(options: options)
        let start = Date()
        let result = try Ferry.run(["-q", "2", "ftps://127.0.0.1:\(server.port)/a.txt"], timeout: 40)
        #expect(result.status == 1)
        #expect(Date().timeIntervalSince(start) < 12, "bounded by -q 2, not the 30 s connect timeout")
        #expect(result.stderr.contains("timed out"), "\(result.stderr)")
    }

    @Test func dashOWithSeveralURLsIsAUsageError() throws {
        let result = try Ferry.run(["-o", "out.bin", "ftp://127.0.0.1/a", "ftp://127.0.0.1/b"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("-o names one file"), "\(result.stderr)")
    }
}
