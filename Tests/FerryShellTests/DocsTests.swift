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
