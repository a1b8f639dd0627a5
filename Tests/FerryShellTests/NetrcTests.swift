import FerryTestSupport
import Foundation
import Testing
@testable import FerryShell

@Suite struct NetrcTests {
    let sample = """
    # comment line
    machine ftp.example.org login alice password "pass word" account acct1
    machine other.example.org
        login bob
        password bobpw
    macdef init
    binary
    cd pub

    default login anonymous password guest@
    """

    @Test func parsesMachinesDefaultsAndMacros() {
        let netrc = Netrc.parse(sample)
        #expect(netrc.entries.count == 3)
        let alice = netrc.entry(for: "FTP.example.org")
        #expect(alice?.login == "alice" && alice?.password == "pass word" && alice?.account == "acct1")
        let bob = netrc.entry(for: "other.example.org")
        #expect(bob?.login == "bob" && bob?.macros["init"] == ["binary", "cd pub"])
        #expect(netrc.entry(for: "unknown.example.org")?.login == "anonymous")
    }

    @Test func refusesAPasswordFileOthersCanRead() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("netrc")
        try TestFiles.write(path, sample)
        chmod(path, 0o644)
        #expect(throws: Netrc.LoadError.readableByOthers(path)) { try Netrc.load(path: path) }
        chmod(path, 0o600)
        #expect(try Netrc.load(path: path)?.entries.count == 3)
        try TestFiles.write(path, "machine h login anonymous\n")
        chmod(path, 0o644)
        #expect(try Netrc.load(path: path)?.entry(for: "h")?.login == "anonymous", "no password: readable is fine")
        #expect(try Netrc.load(path: directory.file("missing")) == nil)
    }
}
