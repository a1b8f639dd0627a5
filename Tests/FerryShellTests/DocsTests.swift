import FerryTestSupport
import Foundation
import Testing
@testable import FerryShell

@Suite struct DocsTests {
    @Test func commandReferenceIsUpToDate() throws {
        let path = TestPaths.packageRoot.appendingPathComponent("Docs/Commands.md").path
        let written = String(decoding: try TestFiles.read(path), as: UTF8.self)
        #expect(written == CommandTable.standard.markdownReference(),
                "Docs/Commands.md is stale: run 'make docs' and commit it")
    }

    @Test func referenceNamesEveryCommand() {
        let text = CommandTable.standard.markdownReference()
        for spec in CommandTable.standard.commands {
            #expect(text.contains("| `\(spec.name)` |"))
        }
    }
}

@Suite struct ManPageTests {
    @Test func manPageIsUpToDate() throws {
        let path = TestPaths.packageRoot.appendingPathComponent("Docs/ferry.1").path
        let written = String(decoding: try TestFiles.read(path), as: UTF8.self)
        #expect(written == ManPage.render(CommandTable.standard), "Docs/ferry.1 is stale: run 'make docs' and commit it")
    }

    @Test func manPageCoversEveryCommandAndEveryFlagOfHelp() throws {
        let page = ManPage.render(CommandTable.standard)
        for spec in CommandTable.standard.commands {
            #expect(page.contains("\\fB\(spec.name.replacingHyphens)\\fR"), "command \(spec.name)")
        }
        let help = FerryOptions.helpMessage()
        let flags = help.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "," || $0 == "<" })
            .filter { $0.hasPrefix("-") && $0.count >= 2 && $0 != "-" }
            .map { String($0) }
        #expect(flags.count >= 20)
        for flag in Set(flags) {
            #expect(page.contains("\\fB\(flag.replacingHyphens)\\fR"), "flag \(flag) is not in the man page")
        }
    }
}
