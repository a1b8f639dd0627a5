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

    @Test func everyCommandHasHelpAndAUsageLine() {
        for spec in table.commands {
            #expect(!spec.help.isEmpty)
            #expect(spec.usage.hasPrefix("usage: \(spec.name)"))
        }
        let names = table.allNames
        #expect(Set(names).count == names.count, "no name is used twice")
    }
}
