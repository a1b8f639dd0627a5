import FerryTestSupport
import Foundation
import Testing

/// Issue 12 on a real pseudo-terminal against pyftpdlib: TAB completion, saved history, the progress line,
/// a quieter login.
@Suite struct InteractiveComfortTests {
    func session(_ server: PyFTPServer, _ steps: [String], directory: String, environment: [String: String] = [:],
                 standardOutput: String? = nil) throws -> ProcessRunner.Result {
        try Ferry.pty(["-n", server.host, String(server.port)],
                      ["expect ftp> ", "send user \(server.user) \(server.password)", "expect ftp> "] + steps,
                      directory: directory, expectTimeout: 10, environment: environment, standardOutput: standardOutput)
    }

    static func tree(_ server: PyFTPServer) throws {
        try FileManager.default.createDirectory(atPath: server.path("docs"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: server.path("my folder"), withIntermediateDirectories: true)
        try TestFiles.write(server.path("report.pdf"), "pdf\n")
        try TestFiles.write(server.path("my file.txt"), "spaces\n")
        try TestFiles.write(server.path("docs/guide.txt"), "guide\n")
    }

    @Test func tabCompletesCommandsRemoteFilesAndFolders() throws {
        let server = try PyFTPServer()
        try InteractiveComfortTests.tree(server)
        let work = try TemporaryDirectory("ferry-comfort")
        let result = try session(server, [
            // ge<TAB> → get, rep<TAB> → report.pdf: the line that runs is "get report.pdf".
            "type ge\\t", "type rep\\t", "send ", "expect local: report.pdf remote: report.pdf", "expect ftp> ",
            "type cd do\\t", "send ", "expect ftp> ", "send pwd", "expect \"/docs\"", "expect ftp> ",
            "send cd /", "expect ftp> ",
            // A name with a space goes in quoted; "my " is shared by a file and a folder, so a second TAB lists both.
            "type get my\\t", "type \\t", "expect my folder/", "type i\\t", "send ",
            "expect local: my file.txt remote: my file.txt", "expect ftp> ", "send quit",
        ], directory: work.path)
        #expect(result.status == 0, "\(result.stdout)")
        #expect(try TestFiles.read(work.file("report.pdf")) == Data("pdf\n".utf8))
        #expect(try TestFiles.read(work.file("my file.txt")) == Data("spaces\n".utf8))
        #expect(result.stdout.contains("my file.txt  my folder/"), "the double-TAB listing: \(result.stdout)")
        #expect(result.stdout.components(separatedBy: "229 Entering").count - 1 == 2,
                "the replies of the listings TAB fetched are not shown, only those of the two gets: \(result.stdout)")
    }

    /// A review found this one: a server's name with a CR went into the line and read back as two words, the
    /// second a local "|command" that ran. A name with a control character is never completed.
    @Test func aNameWithALineBreakIsNeverPutIntoTheLine() throws {
        var options = ServerOptions()
        options.extraMLSDLines = ["type=file;size=1;modify=20200101000000; invoice.pdf\r|touch${IFS}PWNED"]
        let server = try PyFTPServer(options: options)
        let work = try TemporaryDirectory("ferry-comfort")
        let result = try session(server, ["type get inv\t", "send ", "expect ftp> ", "send quit"], directory: work.path)
        #expect(result.status == 0, "\(result.stdout)")
        #expect(!TestFiles.exists(work.file("PWNED")), "nothing ran: \(result.stdout)")
    }

    @Test func anAnswerToAQuestionForAnArgumentIsRememberedAsTheCommandWithoutItsPassword() throws {
        let server = try PyFTPServer()
        let work = try TemporaryDirectory("ferry-comfort")
        let state = try TemporaryDirectory("ferry-comfort-state")
        let result = try Ferry.pty(["-n", server.host, String(server.port)], [
            "expect ftp> ", "send user", "expect (username) ", "send \(server.user) \(server.password)", "expect 230",
            "expect ftp> ", "send quit",
        ], directory: work.path, expectTimeout: 10, environment: ["XDG_STATE_HOME": state.path])
        #expect(result.status == 0, "\(result.stdout)")
        let saved = try String(contentsOfFile: state.file("ferry/history"), encoding: .utf8)
        #expect(saved.contains("user \(server.user)") && !saved.contains(server.password), "\(saved)")
    }

    @Test func tabNeverHangsOnAServerThatDoesNotAnswerTheListing() throws {
        var options = ServerOptions()
        options.lateReply = ("MLSD", 60)
        let server = try PyFTPServer(options: options)
        let work = try TemporaryDirectory("ferry-comfort")
        // If TAB waited for the listing, the prompt would not come back within the test's 10 s.
        let result = try session(server, [
            "type get re\\t", "send ", "expect ftp> ", "send lpwd", "expect Local directory", "expect ftp> ", "send quit",
        ], directory: work.path)
        #expect(result.status == 0, "\(result.stdout)")
    }

    @Test func historySurvivesARestartAndNeverHoldsThePassword() throws {
        let server = try PyFTPServer()
        try InteractiveComfortTests.tree(server)
        let work = try TemporaryDirectory("ferry-comfort")
        let state = try TemporaryDirectory("ferry-comfort-state")
        let environment = ["XDG_STATE_HOME": state.path]
        let first = try session(server, ["send cd docs", "expect ftp> ", "send quote PASS hunter2", "expect ftp> ", "send quit"],
                                directory: work.path, environment: environment)
        #expect(first.status == 0, "\(first.stdout)")
        let path = state.file("ferry/history")
        let saved = try String(contentsOfFile: path, encoding: .utf8)
        #expect(saved.contains("cd docs") && saved.contains("user \(server.user)"), "\(saved)")
        #expect(!saved.contains(server.password) && !saved.contains("hunter2"), "\(saved)")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // Up recalls the earlier session's lines: Up four times is "cd docs" (then quote PASS, quit, user).
        let second = try session(server, ["type \\e[A\\e[A\\e[A\\e[A", "send ", "expect ftp> ", "send pwd", "expect \"/docs\"",
                                          "expect ftp> ", "send history", "expect cd docs", "expect ftp> ", "send quit"],
                                 directory: work.path, environment: environment)
        #expect(second.status == 0, "\(second.stdout)")
    }

    @Test func aSlowGetShowsABarWithPercentAndETAOnTheTerminalOnly() throws {
        let server = try PyFTPServer()
        try TestFiles.writeRandom(server.path("slow.bin"), size: 1_500_000)
        let work = try TemporaryDirectory("ferry-comfort")
        let steps = ["send rate get 500000", "expect ftp> ", "send get slow.bin", "expect ETA", "expect received in", "expect ftp> ",
                     "send quit"]
        let shown = try session(server, steps, directory: work.path)
        #expect(shown.status == 0, "\(shown.stdout)")
        #expect(shown.stdout.contains("% |*"), "a bar: \(shown.stdout.suffix(600))")
        #expect(shown.stdout.range(of: #"1500000 bytes received in 00:0\d \(\d+\.\d\d KiB/s\)"#, options: .regularExpression) != nil,
                "tnftp's summary: \(shown.stdout.suffix(300))")
        try FileManager.default.removeItem(atPath: work.file("slow.bin"))
        // Standard output into a file: the progress stays on the terminal (standard error), never in the file.
        let redirected = try session(server, ["send rate get 500000", "expect ftp> ", "send get slow.bin", "expect ETA",
                                              "expect ftp> ", "send quit"], directory: work.path, standardOutput: "out.txt")
        #expect(redirected.status == 0, "\(redirected.stdout)")
        let output = try TestFiles.read(work.file("out.txt"))
        #expect(!output.contains(0x0D) && !output.contains(0x1B), "\(String(decoding: output, as: UTF8.self))")
        // Confirmations are commentary: with standard output in a file they show on the terminal, not in the file.
        #expect(!String(decoding: output, as: UTF8.self).contains("Get transfer rate throttle"), "commentary stays out of the file")
        #expect(redirected.stdout.contains("Get transfer rate throttle"), "\(redirected.stdout.suffix(300))")
        #expect(redirected.stdout.contains("ETA"), "the progress line still shows on the terminal")
        // get f - while standard output is a file or a pipe: the line knows the size (percent, bar, ETA).
        let piped = try session(server, ["send rate get 500000", "expect ftp> ", "send get slow.bin -", "expect ETA",
                                         "expect ftp> ", "send quit"], directory: work.path, standardOutput: "data.bin")
        #expect(piped.status == 0, "\(piped.stdout)")
        #expect(piped.stdout.contains("% |*"), "a bar with its percent: \(piped.stdout.suffix(600))")
        #expect(try TestFiles.sha256(work.file("data.bin")) == TestFiles.sha256(server.path("slow.bin")))
    }

    @Test func eachFileOfAnMgetSaysWhichOfHowManyItIs() throws {
        let server = try PyFTPServer()
        for index in 1...2 { try TestFiles.writeRandom(server.path("part\(index).bin"), size: 600_000) }
        let work = try TemporaryDirectory("ferry-comfort")
        let result = try session(server, ["send rate get 500000", "expect ftp> ", "send prompt", "expect ftp> ",
                                          "send mget part*", "expect [1/2] part1.bin", "expect [2/2] part2.bin",
                                          "expect ftp> ", "send quit"], directory: work.path)
        #expect(result.status == 0, "\(result.stdout)")
    }

    @Test func loginAtATerminalShowsWhatTnftpShows() throws {
        let server = try PyFTPServer()
        let work = try TemporaryDirectory("ferry-comfort")
        let quiet = try Ferry.pty([server.host, String(server.port)], [
            "expect Name (", "send \(server.user)", "expect Password:", "send \(server.password)", "expect 230",
            "expect Using binary mode to transfer files.", "expect ftp> ", "send gte", "expect Did you mean 'get'?",
            "expect ftp> ", "send quit",
        ], directory: work.path, expectTimeout: 10)
        #expect(quiet.status == 0, "\(quiet.stdout)")
        #expect(!quiet.stdout.contains("211-") && !quiet.stdout.contains("OPTS") && !quiet.stdout.contains("UTF8"), "\(quiet.stdout)")
        // "Connected to" comes before the greeting, as in tnftp.
        let connected = try #require(quiet.stdout.range(of: "Connected to \(server.host)."), "\(quiet.stdout)")
        let greeting = try #require(quiet.stdout.range(of: "220 "), "\(quiet.stdout)")
        #expect(connected.lowerBound < greeting.lowerBound, "\(quiet.stdout)")
        // -v shows the replies to what the user asked, not the FEAT list the client asks for itself; -d shows it.
        let verbose = try Ferry.pty(["-v", server.host, String(server.port)], [
            "expect Name (", "send \(server.user)", "expect Password:", "send \(server.password)", "expect 230",
            "expect ftp> ", "send quit",
        ], directory: work.path, expectTimeout: 10)
        #expect(verbose.status == 0, "\(verbose.stdout)")
        #expect(!verbose.stdout.contains("211-"), "-v does not show the FEAT block: \(verbose.stdout)")
        let debug = try Ferry.pty(["-d", server.host, String(server.port)], [
            "expect Name (", "send \(server.user)", "expect Password:", "send \(server.password)", "expect 211 End",
            "expect ftp> ", "send quit",
        ], directory: work.path, expectTimeout: 10)
        #expect(debug.status == 0, "-d shows the FEAT block: \(debug.stdout)")
    }
}
