import Testing
@testable import FerryShell

@Suite struct CommandTableTests {
    let table = CommandTable.standard

    func resolves(_ word: String) -> String? {
        if case .found(let spec) = table.lookup(word) { return spec.name }
        return nil
    }

    @Test func exactNamesAndAliasesResolve() {
        #expect(resolves("get") == "get")
        #expect(resolves("recv") == "get")
        #expect(resolves("bye") == "quit")
        #expect(resolves("?") == "help")
        #expect(resolves("image") == "binary")
        #expect(resolves("GET") == "get")
    }

    @Test func uniquePrefixesResolveAndSharedOnesAreAmbiguous() {
        #expect(resolves("bin") == "binary")
        #expect(resolves("pw") == "pwd")
        if case .ambiguous(let names) = table.lookup("e") { #expect(names.contains("epsv")) } else { Issue.record("e is ambiguous") }
        if case .invalid = table.lookup("frobnicate") {} else { Issue.record("frobnicate is invalid") }
    }

    @Test func theFoundationCommandSetIsInTheTable() {
        let required = "open user close disconnect quit bye exit ls dir nlist cd cdup pwd lcd lpwd get recv put send binary image ascii type passive epsv epsv4 epsv6 verbose debug help ? !"
        for name in required.split(separator: " ") {
            #expect(table.allNames.contains(String(name)), "missing \(name)")
        }
    }

    @Test func everyCommandHasHelpAndNoNameIsUsedTwice() {
        for spec in table.commands { #expect(!spec.help.isEmpty, "\(spec.name) has no help") }
        let names = table.allNames
        #expect(Set(names).count == names.count, "no name is used twice")
    }

    /// What the shell prints when the command is given wrong arguments (too many, else none), the handler run as a
    /// typed command runs once connected: the line a user sees. nil when neither is a usage error.
    func printedUsage(_ name: String) -> String? {
        guard case .found(let spec) = table.lookup(name) else { return nil }
        for arguments in [Array(repeating: "x", count: 5), []] {
            let scripted = ScriptedShell()
            if scripted.shell.perform(spec, { spec.handler($0, arguments) }) == .usage {
                return scripted.err.trimmingCharacters(in: .newlines)
            }
        }
        return nil
    }

    /// tnftp's usage lines, copied from its src/cmds.c (tnftp 20100108), for commands Ferry takes as tnftp does.
    static let tnftpUsage = [
        "get": "usage: get remote-file [local-file]",
        "reget": "usage: reget remote-file [local-file]",
        "newer": "usage: newer remote-file [local-file]",
        "put": "usage: put local-file [remote-file]",
        "append": "usage: append local-file [remote-file]",
        "rename": "usage: rename from-name to-name",
        "cd": "usage: cd remote-directory",
        "delete": "usage: delete remote-file",
        "mkdir": "usage: mkdir directory-name",
        "rmdir": "usage: rmdir directory-name",
        "chmod": "usage: chmod mode remote-file",
        "lcd": "usage: lcd [local-directory]",
        "quote": "usage: quote line-to-send",
        "umask": "usage: umask [umask]",
        "idle": "usage: idle [seconds]",
        "account": "usage: account [password]",
        "pwd": "usage: pwd",
        "lpwd": "usage: lpwd",
        "status": "usage: status",
    ]

    @Test(arguments: tnftpUsage.keys.sorted())
    func wrongArgumentsPrintTnftpsUsageLine(command: String) {
        #expect(printedUsage(command) == Self.tnftpUsage[command])
    }

    @Test func helpForACommandShowsItsUsageAndEveryOption() {
        let scripted = ScriptedShell(["help mget", "help mirror"])
        _ = scripted.shell.run()
        #expect(scripted.out.contains("  usage: mget remote-files\n  -P n"), "\(scripted.out)")
        #expect(scripted.out.contains("  --max-delete n") && scripted.out.contains("  --plan-budget size"), "\(scripted.out)")
        // Every option the parser takes with a value is documented.
        for spec in CommandTable.standard.commands {
            for valued in spec.valuedOptions {
                #expect(spec.options.contains { $0.name.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix(valued + " ") || $0.trimmingCharacters(in: .whitespaces) == valued } },
                        "\(spec.name) \(valued) is not documented")
            }
        }
    }

    @Test func usageLinesOnceDifferentFromTnftpNowMatchIt() {
        #expect(printedUsage("open") == "usage: open host-name [port]")
        #expect(printedUsage("user") == "usage: user username [password [account]]")
        #expect(printedUsage("mget") == "usage: mget remote-files")
        #expect(printedUsage("mdelete") == "usage: mdelete remote-files")
        #expect(printedUsage("mput") == "usage: mput local-files")
    }

    /// True when every word of an argument list stands inside brackets ("[-n segments] remote-file" is not).
    static func everyArgumentIsOptional(_ arguments: String) -> Bool {
        var depth = 0
        for character in arguments {
            switch character {
            case "[": depth += 1
            case "]": depth -= 1
            case " ": continue
            default: if depth == 0 { return false }
            }
        }
        return true
    }

    /// A usage line says which arguments are required; the handlers must agree with it.
    @Test func handlersAcceptWhatTheirUsageLineShows() {
        // quit and close ignore extra words, as tnftp's do; `!` without a command would start a shell, and lcd
        // without a folder would change this test process's working directory.
        let skipped: Set = ["quit", "close", "!", "lcd"]
        for spec in table.commands where !skipped.contains(spec.name) {
            let scripted = ScriptedShell()
            if spec.arguments.isEmpty {
                #expect(spec.handler(scripted.shell, ["x"]) == .usage, "\(spec.name) takes an argument: its usage line shows none")
            } else if Self.everyArgumentIsOptional(spec.arguments) {
                #expect(spec.handler(scripted.shell, []) != .usage, "\(spec.usage) shows every argument as optional")
            } else {
                #expect(spec.handler(scripted.shell, []) == .usage, "\(spec.usage) shows a required argument")
            }
        }
    }

    @Test func bufferSizeCommandsTakeAnOptionalSize() {
        for name in ["xferbuf", "rcvbuf", "sndbuf"] {
            #expect(printedUsage(name) == "usage: \(name) [size]")
        }
    }
}
