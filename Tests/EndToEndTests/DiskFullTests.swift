import FerryTestSupport
import Foundation
import Testing

/// Downloads into a small tmpfs (1 MiB) that the test mounts: a full disk is said up front when SIZE tells, named
/// with the .part and reget when it happens mid-file, and stops a parallel job at the first file.
@Suite struct DiskFullTests {
    /// A 1 MiB tmpfs, unmounted when released.
    final class SmallDisk {
        let folder: TemporaryDirectory
        var path: String { folder.path }
        init() throws {
            folder = try TemporaryDirectory("ferry-small-disk")
            let mounted = try ProcessRunner.run("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", folder.path])
            guard mounted.status == 0 else { throw TestSupportError("cannot mount a tmpfs (root needed): \(mounted.stderr)") }
        }
        deinit { _ = try? ProcessRunner.run("/bin/umount", ["-l", folder.path]) }
    }

    @Test func aGetThatCannotFitIsRefusedBeforeAnyByteMoves() throws {
        let server = try PyFTPServer()
        try TestFiles.writeRandom(server.path("big.bin"), size: 3_000_000)
        let disk = try SmallDisk()
        let result = try Ferry.session(server, "lcd \(disk.path)\nget big.bin\n", directory: disk.path)
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stderr.contains("needs 3000000 more bytes"), "\(result.stderr)")
        #expect(TestFiles.names(in: disk.path).isEmpty, "nothing written: \(TestFiles.names(in: disk.path))")
    }

    @Test func aDiskThatFillsMidFileNamesThePartAndReget() throws {
        var options = ServerOptions()
        options.refuse = ["SIZE"]   // no size known: the disk fills during the transfer
        let server = try PyFTPServer(options: options)
        try TestFiles.writeRandom(server.path("big.bin"), size: 3_000_000)
        let disk = try SmallDisk()
        let result = try Ferry.session(server, "lcd \(disk.path)\nget big.bin\n", directory: disk.path)
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stderr.contains("the local disk is full"), "\(result.stderr)")
        #expect(result.stderr.contains("kept in '.big.bin.part'"), "\(result.stderr)")
        #expect(result.stderr.contains("'reget' continues it"), "\(result.stderr)")
        #expect(!result.stderr.contains("Resuming"), "a full disk is not retried: \(result.stderr)")
        #expect(!TestFiles.exists("\(disk.path)/big.bin"))
    }

    @Test func aParallelJobStopsAtTheFirstFullDisk() throws {
        var options = ServerOptions()
        options.refuse = ["SIZE"]
        let server = try PyFTPServer(options: options)
        for index in 0..<40 { try TestFiles.writeRandom(server.path(String(format: "f%02d.bin", index)), size: 200_000) }
        let disk = try SmallDisk()
        let result = try Ferry.session(server, "lcd \(disk.path)\nmget -P 4 *.bin\n", directory: disk.path, timeout: 120)
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stderr.contains("the job stopped there"), "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n").filter { $0.contains("disk is full") }
        #expect(lines.count <= 6, "one line per file under way, not one per file left: \(lines.count)")
    }

    @Test func aSerialMgetStopsAtTheFirstFullDisk() throws {
        var options = ServerOptions()
        options.refuse = ["SIZE"]
        let server = try PyFTPServer(options: options)
        for index in 0..<20 { try TestFiles.writeRandom(server.path(String(format: "f%02d.bin", index)), size: 200_000) }
        let disk = try SmallDisk()
        let result = try Ferry.session(server, "lcd \(disk.path)\nmget *.bin\n", directory: disk.path, timeout: 120)
        #expect(result.status == 1, "\(result.output)")
        #expect(result.stderr.contains("were not tried"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").filter { $0.contains("disk is full") }.count <= 3, "\(result.stderr)")
    }
}
