import FerryTestSupport
import Foundation
import Testing
@testable import FerryShell

/// The committed files under Docs/, as a reader gets them.
func committedDoc(_ name: String) throws -> String {
    let path = TestPaths.packageRoot.appendingPathComponent("Docs/\(name)").path
    return String(decoding: try TestFiles.read(path), as: UTF8.self)
}

@Suite struct DocsTests {
    @Test func commandReferenceIsUpToDate() throws {
        #expect(try committedDoc("Commands.md") == CommandTable.standard.markdownReference(),
                "Docs/Commands.md is stale: run 'make docs' and commit it")
    }

    /// The rows of Docs/Commands.md, read from the file without the renderer: name → aliases, synopsis, text.
    func committedRows() throws -> [String: (aliases: [String], synopsis: String, text: String)] {
        var rows: [String: (aliases: [String], synopsis: String, text: String)] = [:]
        let commands = try committedDoc("Commands.md").components(separatedBy: "\n## Options of commands")[0]
        for line in commands.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.replacingOccurrences(of: "\\|", with: "\u{0}").split(separator: "|", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\u{0}", with: "|") }
            guard cells.count == 6 else { Issue.record("not a row of four cells: \(line)"); continue }
            func code(_ cell: String) -> String { cell.trimmingCharacters(in: CharacterSet(charactersIn: "`")) }
            let aliases = cells[2].isEmpty ? [] : cells[2].components(separatedBy: ", ").map(code)
            rows[code(cells[1])] = (aliases, code(cells[3]), cells[4])
        }
        return rows
    }

    @Test func committedReferenceHasOneRowPerCommandWithItsAliasesUsageAndHelp() throws {
        let rows = try committedRows()
        #expect(Set(rows.keys) == Set(CommandTable.standard.commands.map(\.name)))
        for spec in CommandTable.standard.commands {
            guard let row = rows[spec.name] else { continue }
            #expect(row.aliases == spec.aliases, "aliases of \(spec.name)")
            #expect("usage: " + row.synopsis == spec.usage)
            #expect(row.text == spec.help + (spec.needsConnection ? " *(remote)*" : ""))
        }
    }
}

@Suite struct ManPageTests {
    @Test func manPageIsUpToDate() throws {
        #expect(try committedDoc("ferry.1") == ManPage.render(CommandTable.standard),
                "Docs/ferry.1 is stale: run 'make docs' and commit it")
    }

    /// The entries of one section of the committed page: ".TP" then "\fBtag\fR" and, for a value, " \fIvalue\fR".
    func entries(ofSection section: String) throws -> [(tag: String, value: String?)] {
        let page = try committedDoc("ferry.1")
        let start = try #require(page.range(of: "\n.SH \(section)\n"), "no section \(section)")
        let body = page[start.upperBound...].components(separatedBy: "\n.SH ").first ?? ""
        func plain(_ text: Substring) -> String { text.replacingOccurrences(of: "\\-", with: "-") }
        return body.components(separatedBy: ".TP\n").dropFirst().compactMap { entry in
            let line = Substring(entry.prefix { $0 != "\n" })
            guard line.hasPrefix("\\fB"), let end = line.range(of: "\\fR") else {
                Issue.record("not a \\fB tag: \(line)")
                return nil
            }
            let tag = plain(line[line.index(line.startIndex, offsetBy: 3)..<end.lowerBound])
            let rest = line[end.upperBound...]
            guard !rest.isEmpty else { return (tag, nil) }
            guard rest.hasPrefix(" \\fI"), rest.hasSuffix("\\fR") else {
                Issue.record("not a \\fI value: \(line)")
                return (tag, nil)
            }
            return (tag, plain(rest.dropFirst(4).dropLast(3)))    // without " \fI" and "\fR"
        }
    }

    /// Every name of every flag and option that `ferry --help` shows, with an option's value name, from the
    /// table the command line is parsed with.
    func commandLineFlags() throws -> [String: String?] {
        var flags: [String: String?] = ["-h": nil, "--help": nil]
        for option in FerryOptions.table where !option.hidden {
            for name in option.names { flags[name] = option.valueName }
        }
        #expect(FerryOptions.helpText.contains("--tls-max <version>"), "--help shows the same table")
        return flags
    }

    @Test func manPageDocumentsEveryFlagWithItsValueAndNoFlagThatDoesNotExist() throws {
        let flags = try commandLineFlags()
        #expect(flags.count >= 30)
        #expect(flags["--tls-max"] == "version", "an option and its value name")
        #expect(flags["-v"] == .some(nil), "a flag without a value")
        var documented: [String: String?] = [:]
        for entry in try entries(ofSection: "OPTIONS") { documented[entry.tag] = entry.value }
        #expect(documented == flags)
    }

    @Test func manPageDocumentsEveryCommandWithItsArgumentsAndAliases() throws {
        let table = CommandTable.standard
        let documented = try entries(ofSection: "COMMANDS")
        #expect(documented.map(\.tag).sorted() == table.commands.map(\.name).sorted())
        let page = try committedDoc("ferry.1")
        for spec in table.commands {
            let entry = documented.first { $0.tag == spec.name }
            #expect(entry?.value == (spec.arguments.isEmpty ? nil : spec.arguments), "arguments of \(spec.name)")
            for alias in spec.aliases {
                #expect(page.contains("\\fB\(alias.replacingHyphens)\\fR"), "alias \(alias) of \(spec.name)")
            }
        }
    }
}
