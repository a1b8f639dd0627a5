import FerryTestSupport
import Foundation
import Testing

/// The interactive path on a real pseudo-terminal: libedit prompt, password without echo, confirmations.
@Suite struct InteractiveTests {
    func session(_ arguments: [String], _ steps: [String], directory: String) throws -> ProcessRunner.Result {
        try Ferry.pty(arguments, steps, directory: directory, expectTimeout: 10)
    }

    @Test func logsInAsksBeforeEachFileAndKeepsThePasswordHidden() throws {
        let server = try PyFTPServer()
        try TestFiles.write(server.path("a.txt"), "alpha\n")
        try TestFiles.write(server.path("b.txt"), "bravo\n")
        let work = try TemporaryDirectory("ferry-pty")
        let result = try session([server.host, String(server.port)], [
            "expect Name (", "send \(server.user)",
            "expect Password:", "send \(server.password)",
            "expect 230", "expect ftp> ",
            "send mget *.txt", "expect mget a.txt [anpqy?]? ", "send n",
            "expect mget b.txt [anpqy?]? ", "send y",
            "expect ftp> ", "send quit", "expect 221",
        ], directory: work.path)
        #expect(result.status == 0, "\(result.stdout)")
        #expect(!result.stdout.contains(server.password), "the password is not echoed")
        #expect(!TestFiles.exists(work.file("a.txt")), "answered no")
        #expect(try TestFiles.read(work.file("b.txt")) == Data("bravo\n".utf8), "answered yes")
    }

    /// The number after `prefix` in the pty transcript (the first occurrence), or nil.
    func number(after prefix: String, in text: String) -> Int? {
        guard let start = text.range(of: prefix)?.upperBound else { return nil }
        return Int(text[start...].prefix { $0.isNumber })
    }

    @Test func ctrlCDuringATransferAbortsItKeepsTheSessionAndRegetFinishesIt() throws {
        let server = try PyFTPServer()
        let size = 3_000_000
        try FileManager.default.createDirectory(atPath: server.path("sub"), withIntermediateDirectories: true)
        try TestFiles.writeRandom(server.path("sub/slow.bin"), size: size)
        let work = try TemporaryDirectory("ferry-pty")
        let result = try session(["-n", server.host, String(server.port)], [
            "expect ftp> ", "send user \(server.user) \(server.password)",
            "expect ftp> ", "send cd sub",
            "expect ftp> ", "send rate get 1000000",
            "expect ftp> ", "send get slow.bin",
            "expect ETA", "sleep 0.5", "interrupt",   // bytes are flowing (progress line), then Ctrl-C
            "expect interrupted after", "expect ftp> ",
            "size .slow.bin.part", "size slow.bin",
            // The same session goes on: the server still answers, in the folder the session was in.
            "send pwd", "expect 257 \"/sub\"", "expect ftp> ",
            "send rate get 0", "expect ftp> ",
            "send reget slow.bin", "expect 350 Restarting at position ", "expect 226", "expect ftp> ",
            "send quit", "expect 221",
        ], directory: work.path)
        let transcript = result.stdout
        #expect(result.status == 0, "every expected line came: \(transcript)")
        let kept = try #require(number(after: "[pty_session] size .slow.bin.part ", in: transcript),
                                "the .part is kept after Ctrl-C: \(transcript)")
        #expect(kept > 0 && kept < size, "a partial .part: \(kept) bytes")
        #expect(transcript.contains("[pty_session] size slow.bin missing"), "nothing committed under the real name yet")
        #expect(number(after: "350 Restarting at position ", in: transcript) == kept, "reget resumes from the kept .part")
        // (A line's start may hold the clearing of "Connecting to …": what the screen shows is the greeting.)
        let screenLines = transcript.replacingOccurrences(of: "\u{1B}[K", with: "").split(whereSeparator: \.isNewline)
        #expect(screenLines.filter { $0.hasPrefix("220 ") }.count == 1,
                "one greeting: no reconnection after Ctrl-C")
        #expect(try TestFiles.sha256(work.file("slow.bin")) == TestFiles.sha256(server.path("sub/slow.bin")))
        #expect(!TestFiles.exists(work.file(".slow.bin.part")))
    }

    @Test func ctrlCAtThePromptDropsTheLineAndTheSessionGoesOn() throws {
        let work = try TemporaryDirectory("ferry-pty")
        let result = try session([], [
            "expect ftp> ", "send abc partial", "interrupt",
            "expect ftp> ", "send lpwd", "expect Local directory:",
            "expect ftp> ", "send quit",
        ], directory: work.path)
        #expect(result.status == 0, "\(result.stdout)")
    }
}
