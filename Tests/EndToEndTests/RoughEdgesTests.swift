import FerryTestSupport
import Foundation
import Testing

/// Everyday rough edges found by trying Ferry as a new user would (issue 12), each fixed and kept so.
@Suite struct RoughEdgesTests {
    func url(_ server: TestServer, _ path: String) -> String {
        "ftp://\(server.user):\(server.password)@\(server.host):\(server.port)/\(path)"
    }

    @Test func badURLsAreCommandLineErrorsThatSayWhy() throws {
        let noHost = try Ferry.run(["ftp://"], script: "")
        #expect(noHost.status == 2 && noHost.stderr.contains("names no host"), "\(noHost.output)")
        let http = try Ferry.run(["http://127.0.0.1/x"], script: "")
        #expect(http.status == 2 && http.stderr.contains("is not an FTP URL"), "\(http.output)")
        let family = try Ferry.run(["-4", "-n", "::1", "21"], script: "")
        #expect(family.stderr.contains("is an IPv6 address, and only IPv4 is allowed"), "\(family.output)")
        let port = try Ferry.run(["-P", "99999", "127.0.0.1"], script: "")
        #expect(port.status == 2 && port.stderr.split(separator: "\n").count == 1, "\(port.output)")
    }

    @Test func jsonListingsFromMLSDCarryPermissionsWhenTheServerCanGiveThem() throws {
        let server = try PyFTPServer()
        try TestFiles.write(server.path("m.txt"), "m\n")
        chmod(server.path("m.txt"), 0o640)
        let result = try Ferry.run(["--json", url(server, "")])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.contains("\"name\":\"m.txt\"") && result.stdout.contains("\"permissions\":\"0640\""), "\(result.stdout)")
        #expect(result.stdout.contains("\"format\":\"mlsd\""), "\(result.stdout)")
    }

    @Test func anUploadIntoAFolderURLWithoutItsSlashGoesIntoTheFolder() throws {
        let server = try PyFTPServer()
        try FileManager.default.createDirectory(atPath: server.path("incoming"), withIntermediateDirectories: true)
        let work = try TemporaryDirectory("ferry-edges")
        try TestFiles.write(work.file("a.txt"), "a\n")
        try TestFiles.write(work.file("b.txt"), "b\n")
        let result = try Ferry.run(["-u", url(server, "incoming"), "a.txt", "b.txt"], directory: work.path)
        #expect(result.status == 0, "\(result.output)")
        #expect(TestFiles.exists(server.path("incoming/a.txt")) && TestFiles.exists(server.path("incoming/b.txt")))
        #expect(!TestFiles.exists(server.path("a.txt")))
    }

    @Test func jsonListingsTakeTheirWordsAnywhereAndGoWhereTheyAreSent() throws {
        let server = try PyFTPServer()
        try FileManager.default.createDirectory(atPath: server.path("docs"), withIntermediateDirectories: true)
        try TestFiles.write(server.path("docs/d.txt"), "d\n")
        try TestFiles.write(server.path("f.txt"), "f\n")
        let work = try TemporaryDirectory("ferry-edges")
        let script = "user \(server.user) \(server.password)\nls --json docs out.json\nls docs --json\n"
        let result = try Ferry.run(["-n", server.host, String(server.port)], script: script, directory: work.path)
        #expect(result.status == 0, "\(result.output)")
        #expect(try String(contentsOfFile: work.file("out.json"), encoding: .utf8).contains("\"name\":\"d.txt\""))
        #expect(!TestFiles.exists(work.file("--json")), "never a local file named --json")
        #expect(result.stdout.contains("\"name\":\"d.txt\""), "\(result.stdout)")
        let piped = try Ferry.run(["-n", server.host, String(server.port)],
                                  script: "user \(server.user) \(server.password)\nls --json . \"|head -c 10 >/dev/null\"\n",
                                  directory: work.path)
        #expect(piped.status == 0, "\(piped.output)")
        #expect(!TestFiles.exists(work.file("|head -c 10 >/dev/null")), "|command is a command for ls --json too")
        let file = try Ferry.run(["--json", url(server, "f.txt")], directory: work.path)
        #expect(file.status == 2 && file.stderr.contains("--json lists a folder"), "\(file.output)")
        #expect(!TestFiles.exists(work.file("f.txt")), "nothing downloaded silently")
        let output = try Ferry.run(["--json", "-o", "listing.json", url(server, "")], directory: work.path)
        #expect(output.status == 0, "\(output.output)")
        #expect(try String(contentsOfFile: work.file("listing.json"), encoding: .utf8).contains("\"name\":\"f.txt\""))
    }

    @Test func rateOffAndTildeWorkAsInTnftp() throws {
        let server = try PyFTPServer()
        try TestFiles.write(server.path("f.txt"), "f\n")
        let work = try TemporaryDirectory("ferry-edges")
        try FileManager.default.createDirectory(atPath: work.file("sub"), withIntermediateDirectories: true)
        let script = "user \(server.user) \(server.password)\nrate get 1000\nrate get off\nlcd ~/sub\nlpwd\nlcd -\nget f.txt ~/sub/g.txt\n"
        let result = try Ferry.run(["-n", server.host, String(server.port)], script: script, directory: work.path,
                                   environment: ["HOME": work.path])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stderr.contains("Get transfer rate throttle: off."), "\(result.stderr)")
        #expect(result.stdout.contains("Local directory: \(work.path)/sub"), "\(result.stdout)")
        #expect(TestFiles.exists(work.file("sub/g.txt")), "\(result.output)")
    }
}
