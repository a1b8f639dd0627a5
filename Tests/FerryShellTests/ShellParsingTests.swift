import Testing
@testable import FerryShell

@Suite struct ShellParsingTests {
    @Test func macroArgumentsExpand() {
        #expect(Shell.expand("get $1 $2", arguments: ["a", "b"], current: nil) == "get a b")
        #expect(Shell.expand("get $3", arguments: ["a"], current: nil) == "get ")
        #expect(Shell.expand("put $i", arguments: [], current: "x.txt") == "put x.txt")
        #expect(Shell.expand("echo \\$1", arguments: ["a"], current: nil) == "echo $1")
    }

    @Test func byteCountsTakeUnits() {
        #expect(Shell.byteCount("1024") == 1024)
        #expect(Shell.byteCount("10k") == 10240)
        #expect(Shell.byteCount("2M") == 2 << 20)
        #expect(Shell.byteCount("-1") == nil)
        #expect(Shell.byteCount("lots") == nil)
    }

    @Test func throttleOptionParses() {
        #expect(FerryOptions.parseThrottle("get,100000")! == (100000, nil))
        #expect(FerryOptions.parseThrottle("all,5,1")! == (5, 5))
        #expect(FerryOptions.parseThrottle("both,5") == nil)
        #expect(FerryOptions.parseThrottle("get") == nil)
    }

    @Test func commandLineFlagsParse() throws {
        let options = try FerryOptions.parse(["-inv", "-P", "2121", "-T", "put,100", "-q", "5", "host"])
        #expect(options.noPrompt && options.noAutoLogin && options.verbose)
        #expect(options.port == 2121 && options.quitTime == 5)
        #expect(options.targets == ["host"])
        let (settings, client) = FerryMain.settings(from: options, interactive: false,
                                                    console: Console(out: { _ in }, error: { _ in }))
        #expect(client.uploadRateLimit == 100 && client.downloadRateLimit == nil)
        #expect(client.stallTimeout == 5 && client.replyTimeout == 5)
        #expect(!settings.prompt && !settings.autoLogin && settings.verbose)
    }

    @Test func commandLinesReadAsGetoptDoes() throws {
        let clustered = try FerryOptions.parse(["-iP2121", "--segments=4", "--tls-max", "1.2", "host", "-v"])
        #expect(clustered.noPrompt && clustered.port == 2121 && clustered.segments == 4 && clustered.tlsMax == "1.2")
        #expect(clustered.verbose && clustered.targets == ["host"], "an option after the host still counts")
        let ended = try FerryOptions.parse(["-u", "ftp://h/d/", "--", "-v", "-"])
        #expect(!ended.verbose && ended.targets == ["-v", "-"], "after -- every word is a file")
        #expect(try FerryOptions.parseOrHelp(["-ih"]).wantsHelp)
        #expect(try FerryOptions.parseOrHelp(["--help", "-A", "-p"]).wantsHelp, "help wins over a contradiction")
    }

    @Test func badCommandLinesSayWhatIsWrongInOneLine() {
        let cases: [([String], String)] = [
            (["-z"], "unknown option '-z'"), (["--bogus"], "unknown option '--bogus'"),
            (["-P"], "-P needs a value (port)"), (["-P", "0"], "-P takes a port from 1 to 65535"),
            (["--json=yes"], "--json takes no value"), (["-q", "inf"], "-q takes a number of seconds from above 0 to 86400"),
            (["-x", "0"], "-x takes a size from 1 to 1073741824"), (["--segments", "17"], "--segments takes a number from 1 to 16"),
            (["-\u{1b}[2J"], "unknown option '-^['"),
        ]
        for (arguments, reason) in cases {
            #expect(throws: CommandLineError(reason), "\(arguments)") { try FerryOptions.parse(arguments) }
        }
    }

    @Test func contradictoryOrIncompleteCommandLinesAreRefused() {
        #expect(throws: (any Error).self) { try FerryOptions.parse(["-A", "-p", "host"]) }
        #expect(throws: (any Error).self) { try FerryOptions.parse(["-u", "ftp://h/"]) }
        #expect(throws: (any Error).self) { try FerryOptions.parse(["host", "notaport"]) }
        #expect(throws: (any Error).self) { try FerryOptions.parse(["-o", "x", "host"]) }
        #expect(throws: (any Error).self) { try FerryOptions.parse(["host", "ftp://h/f"]) }
    }
}

@Suite struct HistoryTests {
    @Test func passwordsNeverReachHistory() {
        #expect(EditLineReader.historyForm(of: "user alice s3cret") == "user alice")
        #expect(EditLineReader.historyForm(of: "user alice s3cret acct") == "user alice")
        #expect(EditLineReader.historyForm(of: "account s3cret") == "account")
        #expect(EditLineReader.historyForm(of: "use alice s3cret") == "user alice", "prefixes count too")
        #expect(EditLineReader.historyForm(of: "get file") == "get file")
        #expect(EditLineReader.historyForm(of: "   ") == nil)
    }
}
