import FerryTestSupport
import Foundation
import Testing

/// Ctrl-C stops every transfer of the running job (issue 10), on a real pseudo-terminal.
@Suite struct ParallelInterruptTests {
    func session(_ arguments: [String], _ steps: [String], directory: String) throws -> ProcessRunner.Result {
        try Ferry.pty(arguments, steps, directory: directory, expectTimeout: 20)
    }

    @Test func ctrlCDuringPgetThenPgetAgainContinuesFromTheStateFile() throws {
        var options = ServerOptions()
        options.rateLimit = 300_000
        let server = try PyFTPServer(options: options)
        try TestFiles.writeRandom(server.path("slow.bin"), size: 4_000_037)
        let work = try TemporaryDirectory("ferry-pty-pget")
        let result = try session(["-n", server.host, String(server.port)], [
            "expect ftp> ", "send user \(server.user) \(server.password)",
            "expect ftp> ", "send pget -n 4 slow.bin",
            "sleep 1.5", "interrupt",
            "expect interrupted with ", "expect of 4000037 bytes here; run pget again to continue", "expect ftp> ",
            "send !ls -a", "expect .slow.bin.pget", "expect ftp> ",
            "send pget -n 4 slow.bin", "expect continuing 'slow.bin' from", "expect bytes received in", "expect ftp> ",
            "send pwd", "expect 257", "send quit",
        ], directory: work.path)
        #expect(result.status == 0, "\(result.stdout)")
        // On the screen the summary stands on a line of its own: the bar was cleared before it was written.
        for line in result.stdout.split(whereSeparator: \.isNewline) where line.contains("bytes received in") {
            let visible = line.split(separator: "\r", omittingEmptySubsequences: false).last ?? ""
            let shown = visible.replacingOccurrences(of: "\u{1B}[K", with: "")
            #expect(shown.first?.isNumber == true && !shown.contains("%"), "\(line.debugDescription)")
        }
        #expect(try TestFiles.sha256(work.file("slow.bin")) == TestFiles.sha256(server.path("slow.bin")))
        #expect(TestFiles.names(in: work.path) == ["slow.bin"])
    }

    @Test func ctrlCDuringAParallelMgetStopsEverySession() throws {
        var options = ServerOptions()
        options.rateLimit = 200_000
        let server = try PyFTPServer(options: options)
        for index in 0..<8 { try TestFiles.writeRandom(server.path("p\(index).bin"), size: 1_000_000) }
        let work = try TemporaryDirectory("ferry-pty-mget")
        let start = Date()
        let result = try session(["-n", "-i", server.host, String(server.port)], [
            "expect ftp> ", "send user \(server.user) \(server.password)",
            "expect ftp> ", "send mget -P 4 p*",
            "sleep 1.5", "interrupt",
            "expect interrupted", "expect ftp> ",
            "send pwd", "expect 257", "send quit",
        ], directory: work.path)
        #expect(result.status == 0, "\(result.stdout)")
        #expect(Date().timeIntervalSince(start) < 20, "the other sessions did not go on to the end (40 s at this rate)")
        let complete = TestFiles.names(in: work.path).filter { !$0.hasPrefix(".") }
        #expect(complete.count < 8, "not every file arrived: the job stopped (\(complete))")
    }

    @Test func ctrlCDuringAParallelMgetCountsWhatArrivedAndMregetContinuesIt() throws {
        var options = ServerOptions()
        options.rateLimit = 200_000
        let server = try PyFTPServer(options: options)
        for index in 0..<4 { try TestFiles.writeRandom(server.path("q\(index).bin"), size: 600_000) }
        let work = try TemporaryDirectory("ferry-pty-mget")
        let result = try session(["-n", "-i", server.host, String(server.port)], [
            "expect ftp> ", "send user \(server.user) \(server.password)",
            "expect ftp> ", "send mget -P 4 q*",
            "sleep 1.2", "interrupt",
            "expect kept in their partial files; 'mreget' with the same names continues them", "expect ftp> ",
            "send mreget -P 4 q*", "expect 4 of 4 files", "expect ftp> ", "send quit",
        ], directory: work.path)
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains("0 of 4 files done, "), "nothing finished before Ctrl-C: \(result.stdout)")
        #expect(result.stdout.range(of: #"0 of 4 files: 0 bytes received in 00:0\d \([0-9.]+ [KMG]?i?B/s\); \d+ more kept in partial files"#, options: .regularExpression) != nil, "the summary counts what arrived, in tnftp's words: \(result.stdout)")
        for index in 0..<4 {
            #expect(try TestFiles.sha256(work.file("q\(index).bin")) == TestFiles.sha256(server.path("q\(index).bin")))
        }
        #expect(TestFiles.names(in: work.path) == (0..<4).map { "q\($0).bin" })
    }
}
