import FerryTestSupport
import Foundation
import Testing

/// A folder of 200,000 entries (issue 11, "Scale"): ls, ls --json and a mirror plan stream the listing instead of
/// holding it as text, so peak memory (wait4's ru_maxrss of the ferry process) stays bounded. Memory, not time.
@Suite(.serialized) struct ListingMemoryTests {
    static let entries = 200_000

    func peak(_ server: PyFTPServer, _ command: String, output: String, directory: String) throws -> PeakMemory.Result {
        try PeakMemory.ferry(["-n", server.host, String(server.port)],
                             script: "user \(server.user) \(server.password)\n\(command)\n", output: output, directory: directory)
    }

    static func lines(_ path: String) throws -> Int {
        try TestFiles.read(path).reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    }

    @Test(arguments: [false, true])
    func aListingOf200000EntriesStreamsInBoundedMemory(mlsd: Bool) throws {
        var options = ServerOptions()
        options.syntheticEntries = ListingMemoryTests.entries
        options.listOnly = !mlsd
        let server = try PyFTPServer(options: options)
        let work = try TemporaryDirectory("ferry-memory")

        let plain = try peak(server, "ls . listing.txt", output: work.file("stdout"), directory: work.path)
        #expect(plain.status == 0, "\(plain.stderr)")
        #expect(try ListingMemoryTests.lines(work.file("listing.txt")) >= ListingMemoryTests.entries)
        #expect(plain.peakKiB < 24 << 10, "ls into a file: \(plain.peakKiB) KiB")

        let json = try peak(server, "ls --json .", output: work.file("listing.json"), directory: work.path)
        #expect(json.status == 0, "\(json.stderr)")
        #expect(try ListingMemoryTests.lines(work.file("listing.json")) == ListingMemoryTests.entries)
        #expect(json.peakKiB < 24 << 10, "ls --json: \(json.peakKiB) KiB")

        // The plan of a mirror keeps each folder's listing and one small record per file to copy. Measured as the
        // peak over `ls` of the same folder, malloc's overhead included: 165 (MLSD) and 177 (LIST) bytes an entry (issue 11: ≤ 200).
        let plan = try peak(server, "mirror --dry-run . copy", output: work.file("plan.txt"), directory: work.path)
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(try ListingMemoryTests.lines(work.file("plan.txt")) == ListingMemoryTests.entries + 2)
        let perEntry = Double(plan.peakKiB - plain.peakKiB) * 1024 / Double(ListingMemoryTests.entries)
        #expect(perEntry <= 200, "mirror plan: \(plan.peakKiB) KiB peak, \(Int(perEntry)) bytes an entry")
        print("ls \(plain.peakKiB) KiB, ls --json \(json.peakKiB) KiB, mirror --dry-run \(plan.peakKiB) KiB (\(Int(perEntry)) B/entry), \(mlsd ? "MLSD" : "LIST")")
    }
}
