import FerryClient
import Testing

/// LocalName: the one place a server's (or URL's) name becomes a local file name.
@Suite struct LocalNameTests {
    func name(_ remote: String) -> String? { try? LocalName.forRemote(remote).name }

    @Test func plainNamesAreKeptAsTheyAre() throws {
        #expect(name("report.pdf") == "report.pdf")
        #expect(name("/pub/dir/c.txt") == "c.txt")
        #expect(name("dir/") == "dir")
        #expect(name("naïve file.txt") == "naïve file.txt")
        #expect(try LocalName.forRemote("a b").wasRenamed == false)
    }

    @Test func pipesOptionsAndEscapesBecomePlainNames() throws {
        #expect(name(".big.part") == "_big.part" && name("dir/.big.pget") == "_big.pget" && name(".x.bad") == "_x.bad",
                "never one of Ferry's working names")
        #expect(name(".part") == ".part" && name(".config") == ".config")
        let pipe = try LocalName.forRemote("|touch pwned")
        #expect(pipe.name == "_touch pwned")
        #expect(pipe.original == "|touch pwned")
        #expect(name("-") == "_")
        #expect(name("-rf") == "_rf")
        #expect(name("x\u{1B}]52;c;aGk=\u{07}y") == "x_]52;c;aGk=_y")
        #expect(name("a\rb\nc") == "a_b_c")
        #expect(name("\u{9B}31m") == "_31m")
        #expect(name("dir/|cmd") == "_cmd")
    }

    @Test func namesThatLeaveTheFolderOrHoldNULAreRefused() {
        for remote in ["", ".", "..", "/", "a/..", "x\u{0}y"] {
            #expect(throws: FTPError.self, "\(remote)") { try LocalName.forRemote(remote) }
        }
        #expect(!LocalName.isPlainComponent("../etc/passwd"))
        #expect(!LocalName.isPlainComponent("a/b"))
        #expect(!LocalName.isPlainComponent(".."))
        #expect(LocalName.isPlainComponent("...."))
    }
}
