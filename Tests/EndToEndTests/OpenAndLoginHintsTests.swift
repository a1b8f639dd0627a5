import FerryTestSupport
import Foundation
import Testing

/// Rough edges of `open`, the login and typed names (issue 22, items 2, 8, 9, 10, 11, 13 and 21).
@Suite struct OpenAndLoginHintsTests {
    @Test func openTakesHostColonPortAndURLsAsTheCommandLineDoes() throws {
        let server = try PyFTPServer()
        try FileManager.default.createDirectory(atPath: server.path("sub"), withIntermediateDirectories: true)
        try TestFiles.write(server.path("sub/in-sub.txt"), "s\n")
        let work = try TemporaryDirectory("ferry-open")
        let colon = try Ferry.run(["-n"], script: "open \(server.host):\(server.port)\nuser \(server.user) \(server.password)\npwd\n",
                                  directory: work.path)
        #expect(colon.status == 0, "\(colon.output)")
        #expect(colon.stdout.contains("Remote directory: /"), "\(colon.output)")
        let url = "ftp://\(server.user):\(server.password)@\(server.host):\(server.port)/sub/"
        let viaURL = try Ferry.run(["-n"], script: "open \(url)\npwd\nls\n", directory: work.path)
        #expect(viaURL.status == 0, "\(viaURL.output)")
        #expect(viaURL.stdout.contains("Remote directory: /sub") && viaURL.stdout.contains("in-sub.txt"), "\(viaURL.output)")
        let bad = try Ferry.run(["-n"], script: "open \(server.host):0\n", directory: work.path)
        #expect(bad.status == 1 && bad.stderr.contains("open: the port must be from 1 to 65535"), "\(bad.output)")
    }

    @Test func commandsBeforeALoginSayNotLoggedInRatherThanBlameTheTransferType() throws {
        let server = try PyFTPServer()
        let work = try TemporaryDirectory("ferry-open")
        let result = try Ferry.run(["-n", server.host, String(server.port)], script: "ls\nget f.txt\n", directory: work.path)
        #expect(result.status == 1)
        #expect(result.stderr.contains("ls: not logged in (530"), "\(result.stderr)")
        #expect(result.stderr.contains("; log in with 'user NAME', or put the host in ~/.netrc"), "\(result.stderr)")
        #expect(!result.stderr.contains("refused TYPE"), "\(result.stderr)")
    }

    @Test func aServerThatWantsTLSIsAnsweredWithTheFlagThatGivesIt() throws {
        let server = try VsftpdServer(security: .explicit)
        defer { server.stop() }
        let work = try TemporaryDirectory("ferry-open")
        let result = try Ferry.session(server, "pwd\n", directory: work.path)
        #expect(result.status == 1)
        #expect(result.stderr.contains("530 Non-anonymous sessions must use encryption"), "\(result.stderr)")
        #expect(result.stderr.contains("the server wants TLS: connect with --tls"), "\(result.stderr)")
        #expect(!result.stderr.contains("check the user name and password"), "\(result.stderr)")
    }

    @Test func aNameTheUserTypedIsSavedAsTypedWhileTheServersNamesAreMadeSafe() throws {
        let server = try PyFTPServer()
        try TestFiles.write(server.path("-dash.txt"), "dash\n")
        let work = try TemporaryDirectory("ferry-open")
        let typed = try Ferry.session(server, "get -dash.txt\nmget -*\n", flags: ["-i"], directory: work.path)
        #expect(typed.status == 0, "\(typed.output)")
        #expect(try TestFiles.read(work.file("-dash.txt")) == Data("dash\n".utf8))
        // mget's names come from the server's listing: a leading '-' is still renamed.
        #expect(TestFiles.exists(work.file("_dash.txt")), "\(TestFiles.names(in: work.path))")
    }

    @Test func anFtpsURLAtAPortThatSpeaksFTPFirstSaysToUseExplicitTLS() throws {
        let server = try PyFTPServer()
        let work = try TemporaryDirectory("ferry-open")
        let result = try Ferry.run(["ftps://\(server.host):\(server.port)/f.txt"], directory: work.path)
        #expect(result.status == 1)
        #expect(result.stderr.contains("answered in clear text, as an explicit-TLS server does; use ftp:// with --tls"), "\(result.stderr)")
    }

    @Test func theDiagnosisTraceIsNeverWrittenThroughASymlink() throws {
        let server = try PyFTPServer()
        let work = try TemporaryDirectory("ferry-open")
        try TestFiles.write(work.file("victim.txt"), "keep me\n")
        try FileManager.default.createSymbolicLink(atPath: work.file("trace.txt"), withDestinationPath: work.file("victim.txt"))
        let result = try Ferry.run(["--diagnose", "--trace", work.file("trace.txt"), "\(server.user):\(server.password)@\(server.host):\(server.port)"],
                                   directory: work.path)
        #expect(result.status == 1 && result.stderr.contains("cannot write the trace"), "\(result.output)")
        #expect(try TestFiles.read(work.file("victim.txt")) == Data("keep me\n".utf8))
        // With user:password@host the password is the password, never a part of the user name.
        let traced = try Ferry.run(["--diagnose", "--trace", work.file("real-trace.txt"),
                                    "\(server.user):\(server.password)@\(server.host):\(server.port)"], directory: work.path)
        #expect(traced.status == 0, "\(traced.output)")
        let text = try String(contentsOfFile: work.file("real-trace.txt"), encoding: .utf8)
        #expect(text.contains("--> USER \(server.user)\n") && !text.contains(server.password), "\(text)")
        #expect(!traced.output.contains(server.password))
    }

    @Test func anFtpsURLsImplicitTLSEndsWithItsSessionAndErrorsNeverRepeatAPassword() throws {
        let server = try PyFTPServer()
        let work = try TemporaryDirectory("ferry-open")
        let script = "open ftps://\(server.user):\(server.password)@\(server.host):\(server.port)/\n"
            + "open ftp://\(server.user):\(server.password)@\(server.host):\(server.port)/\npwd\nset\n"
            + "close\nopen \(server.user):\(server.password)@bad/host\nopen ftp://\(server.host):\(server.port)/ 21\n"
        let result = try Ferry.run(["-n"], script: script, directory: work.path)
        #expect(result.stdout.contains("Remote directory: /"), "the ftp:// open after an ftps:// one is plain: \(result.output)")
        #expect(result.stdout.contains("tls                 off"), "\(result.stdout)")
        #expect(result.stderr.contains("'…@bad/host' is not a host name or address"), "\(result.stderr)")
        #expect(result.stderr.contains("a URL carries its own port"), "\(result.stderr)")
        #expect(!result.output.contains(server.password), "\(result.output)")
    }

    @Test func anOpenOfAFolderURLWithoutAUserLogsInAsTheCommandLineDoes() throws {
        let server = try PyFTPServer()
        let work = try TemporaryDirectory("ferry-open")
        try TestFiles.write(work.file(".netrc"), "machine \(server.host) login \(server.user) password \(server.password)\n")
        chmod(work.file(".netrc"), 0o600)
        let result = try Ferry.run([], script: "open ftp://\(server.host):\(server.port)/\npwd\n", directory: work.path)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.contains("Remote directory: /"), "\(result.output)")
    }

    @Test func aLocalFileThatCannotBeWrittenIsNamedAsTheUserNamedIt() throws {
        let server = try PyFTPServer()
        try TestFiles.write(server.path("f.txt"), "f\n")
        let work = try TemporaryDirectory("ferry-open")
        let result = try Ferry.session(server, "get f.txt nodir/readme.txt\n", directory: work.path)
        #expect(result.status == 1)
        #expect(result.stderr.contains("get: cannot create 'nodir/readme.txt' (written as '.readme.txt.part' until complete): No such file or directory"),
                "\(result.stderr)")
    }
}
