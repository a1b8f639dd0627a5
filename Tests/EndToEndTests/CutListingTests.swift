import FerryTestSupport
import Foundation
import Testing

/// Listings a server cuts short and still answers 226 (pure-ftpd's cap, and other servers' words for the same):
/// nothing is ever deleted on the strength of one, and every command that read one says so.
@Suite struct CutListingTests {
    /// How the server says it: pyftpdlib in pure-ftpd's words over MLSD, the same over LIST ("226-Options: -l"
    /// first), or another server's words in a line before a plain "226 Transfer complete.".
    enum Wording: String, CaseIterable, CustomStringConvertible {
        case pureMLSD, pureLIST, other
        var description: String { rawValue }
        var options: ServerOptions {
            var options = ServerOptions()
            options.cutListingsAt = 5
            options.listOnly = self == .pureLIST
            options.otherCutWording = self == .other
            return options
        }
    }

    static let names = (1...8).map { "file\($0).txt" }

    static func fill(_ root: String) throws {
        for name in names { try TestFiles.write("\(root)/\(name)", "content of \(name)\n") }
    }

    @Test(arguments: Wording.allCases)
    func mirrorDeleteDeletesNothingAfterACutListing(wording: Wording) throws {
        let server = try PyFTPServer(options: wording.options)
        try CutListingTests.fill(server.root)
        let work = try TemporaryDirectory("ferry-cut")
        let copy = work.file("copy")
        try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
        // The local copy already has every file, and one the server never had.
        try CutListingTests.fill(copy)
        try TestFiles.write(work.file("copy/only-here.txt"), "mine\n")
        let result = try Ferry.session(server, "mirror --delete . copy\n", directory: work.path, timeout: 120)
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stderr.contains("cut the listing"), "\(result.stderr)")
        #expect(TestFiles.names(in: copy) == (CutListingTests.names + ["only-here.txt"]).sorted(), "nothing was deleted")
    }

    @Test func aDryRunAgainstACutListingListsNoDeletionsAsIfTheyWouldBeMade() throws {
        let server = try PyFTPServer(options: Wording.pureMLSD.options)
        try CutListingTests.fill(server.root)
        let work = try TemporaryDirectory("ferry-cut")
        let copy = work.file("copy")
        try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
        try CutListingTests.fill(copy)
        let result = try Ferry.session(server, "mirror --dry-run --delete . copy\n", directory: work.path, timeout: 120)
        #expect(result.status == 1, "\(result.output)")
        #expect(!result.stdout.contains("delete file"), "\(result.stdout)")
        #expect(result.stderr.contains("cut the listing"), "\(result.stderr)")
        #expect(TestFiles.names(in: copy) == CutListingTests.names.sorted())
    }

    @Test func mirrorStillCopiesWhatACutListingNamed() throws {
        let server = try PyFTPServer(options: Wording.pureMLSD.options)
        try CutListingTests.fill(server.root)
        let work = try TemporaryDirectory("ferry-cut")
        let result = try Ferry.session(server, "mirror --delete . copy\n", directory: work.path, timeout: 120)
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stderr.contains("nothing is deleted while a listing is incomplete"), "\(result.stderr)")
        #expect(TestFiles.names(in: work.file("copy")).count == 5, "the five listed files came")
    }

    @Test(arguments: Wording.allCases)
    func mgetSaysTheListingWasCutShort(wording: Wording) throws {
        let server = try PyFTPServer(options: wording.options)
        try CutListingTests.fill(server.root)
        let work = try TemporaryDirectory("ferry-cut")
        let result = try Ferry.session(server, "mget *\n", directory: work.path, timeout: 120)
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stderr.contains("mget: the server cut the listing"), "\(result.stderr)")
        #expect(result.stderr.contains("only the names it did list were matched"), "\(result.stderr)")
        #expect(TestFiles.names(in: work.path).count == 5, "what it did list still came")
    }

    @Test func lsJsonAndLsFailAfterTheirLinesOnACutListing() throws {
        let server = try PyFTPServer(options: Wording.pureMLSD.options)
        try CutListingTests.fill(server.root)
        let work = try TemporaryDirectory("ferry-cut")
        let json = try Ferry.session(server, "ls --json\n", directory: work.path)
        #expect(json.status == 1, "\(json.output)")
        #expect(json.stdout.split(separator: "\n").count == 5, "\(json.stdout)")
        #expect(json.stderr.contains("cut the listing"), "\(json.stderr)")
        let plain = try Ferry.session(server, "ls\n", directory: work.path)
        #expect(plain.status == 1, "\(plain.output)")
        #expect(plain.stderr.contains("raise its listing limit"), "\(plain.stderr)")
    }

    /// TAB on a cut listing: one name put in, or none found, is said to come from a listing cut short (the name
    /// wanted may be past the limit); several listed say it under the list.
    @Test func tabSaysTheListingWasCutShortForOneNameNoneAndSeveral() throws {
        let server = try PyFTPServer(options: Wording.pureMLSD.options)
        try CutListingTests.fill(server.root)
        let work = try TemporaryDirectory("ferry-cut")
        let note = "(the server cut this folder's listing short: names past its limit are not offered)"
        let result = try Ferry.pty(["-n", server.host, String(server.port)], [
            "expect ftp> ", "send user \(server.user) \(server.password)", "expect ftp> ",
            "type get file2\t", "expect \(note)", "send ", "expect ftp> ",
            "type get nothere\t", "expect \(note)", "send ", "expect ftp> ",
            "type get fi\t", "type \t", "expect \(note)", "send ", "expect ftp> ", "send quit",
        ], directory: work.path, expectTimeout: 10)
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.components(separatedBy: note).count - 1 == 3, "\(result.stdout)")
        #expect(TestFiles.exists(work.file("file2.txt")), "\(result.stdout)")
    }

    /// The real thing: pure-ftpd with its cap at 10 entries (its -L), over MLSD.
    @Test func pureFTPdCapStopsMirrorDelete() throws {
        let server = try PureFTPdServer(listingCap: 10)
        for index in 0..<14 { try TestFiles.write(server.path(String(format: "f%02d.txt", index)), "\(index)\n") }
        let work = try TemporaryDirectory("ferry-cut")
        let copy = work.file("copy")
        try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
        for index in 0..<14 { try TestFiles.write("\(copy)/" + String(format: "f%02d.txt", index), "\(index)\n") }
        let result = try Ferry.session(server, "mirror --delete . copy\nmget f*\n", directory: work.path, timeout: 120)
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stderr.contains("Output truncated to 10 matches"), "\(result.stderr)")
        #expect(TestFiles.names(in: copy).count == 14, "nothing was deleted: \(TestFiles.names(in: copy))")
        #expect(result.stderr.contains("mget: the server cut the listing"), "\(result.stderr)")
    }

    /// proftpd's `ListOptions maxfiles` cuts LIST without a word, but not MLSD, which Ferry lists with there.
    @Test func proftpdMaxfilesDoesNotCutTheMLSDThatMirrorReads() throws {
        let server = try ProftpdServer(maxFiles: 5)
        for index in 0..<9 { try TestFiles.write(server.path("f\(index).txt"), "\(index)\n") }
        let work = try TemporaryDirectory("ferry-cut")
        let copy = work.file("copy")
        try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
        try TestFiles.write("\(copy)/stale.txt", "gone\n")
        let result = try Ferry.session(server, "mirror --delete . copy\n", directory: work.path, timeout: 120)
        #expect(result.status == 0, "\(result.output)")
        #expect(TestFiles.names(in: copy) == (0..<9).map { "f\($0).txt" }, "\(TestFiles.names(in: copy))")
    }

    /// A plan past its byte budget stops: nothing is deleted and the run fails, naming --plan-budget.
    @Test func aPlanPastItsBudgetStopsAndDeletesNothing() throws {
        let server = try PyFTPServer()
        try CutListingTests.fill(server.root)
        let work = try TemporaryDirectory("ferry-cut")
        try FileManager.default.createDirectory(atPath: work.file("copy"), withIntermediateDirectories: true)
        try TestFiles.write(work.file("copy/only-here.txt"), "mine\n")
        // Eight entries of 9 bytes and 64 more each: 584 bytes, over a budget of 500.
        let result = try Ferry.session(server, "mirror --delete --plan-budget 500 . copy\n", directory: work.path, timeout: 120)
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stderr.contains("--plan-budget"), "\(result.stderr)")
        #expect(TestFiles.exists(work.file("copy/only-here.txt")), "nothing deleted")
        let fits = try Ferry.session(server, "mirror --plan-budget 1k . other\n", directory: work.path, timeout: 120)
        #expect(fits.status == 0, "\(fits.output)")
    }
}
