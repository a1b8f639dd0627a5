import FerryTestSupport
import Foundation
import Testing

/// Golden batch scripts: Tests/Fixtures/batch/NAME/{script, stdout, stderr, status, files[, args]}.
/// Each runs `ferry -n 127.0.0.1 PORT` with the script on standard input against a fresh pyftpdlib server
/// holding the standard tree below; output, exit status and the files left behind must match.
/// FERRY_UPDATE_FIXTURES=1 rewrites stdout/stderr/status from the run (review the diff before committing).
@Suite struct BatchFixtureTests {
    static let directory = TestPaths.fixtures.appendingPathComponent("batch")
    static var names: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    @Test(arguments: BatchFixtureTests.names)
    func scriptGivesTheExpectedOutputStatusAndFiles(_ name: String) throws {
        let fixture = Self.directory.appendingPathComponent(name)
        func text(_ file: String) -> String? {
            try? String(contentsOf: fixture.appendingPathComponent(file), encoding: .utf8)
        }
        let server = try PyFTPServer()
        let work = try TemporaryDirectory("ferry-fixture")
        try Self.populate(remote: server.root, local: work.path)
        let script = (text("script") ?? "")
            .replacingOccurrences(of: "@USER@", with: server.user)
            .replacingOccurrences(of: "@PASS@", with: server.password)
            .replacingOccurrences(of: "@PORT@", with: String(server.port))
        let extra = (text("args") ?? "").split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        let result = try Ferry.run(extra + ["-n", server.host, String(server.port)], script: script, timeout: 60,
                                   directory: work.path, environment: ["PAGER": "cat"])
        let stdout = Self.normalize(result.stdout, port: server.port, root: server.root, work: work.path)
        let stderr = Self.normalize(result.stderr, port: server.port, root: server.root, work: work.path)

        if ProcessInfo.processInfo.environment["FERRY_UPDATE_FIXTURES"] == "1" {
            try stdout.write(to: fixture.appendingPathComponent("stdout"), atomically: true, encoding: .utf8)
            try stderr.write(to: fixture.appendingPathComponent("stderr"), atomically: true, encoding: .utf8)
            try "\(result.status)\n".write(to: fixture.appendingPathComponent("status"), atomically: true, encoding: .utf8)
        }
        #expect(stdout == text("stdout"), "stdout of \(name)")
        #expect(stderr == text("stderr"), "stderr of \(name)")
        #expect("\(result.status)\n" == text("status"), "exit status of \(name)")
        for line in (text("files") ?? "").split(separator: "\n") where !line.hasPrefix("#") {
            let words = line.split(separator: " ", maxSplits: 2).map(String.init)
            guard words.count >= 2 else { continue }
            let base = words[0].hasSuffix("local") ? work.path : server.root
            let path = (base as NSString).appendingPathComponent(words[1])
            if words[0].hasPrefix("absent") {
                #expect(!FileManager.default.fileExists(atPath: path), "\(name): \(words[1]) should not exist")
            } else {
                let content = try? String(contentsOfFile: path, encoding: .utf8)
                let expected = words.count > 2
                    ? words[2].replacingOccurrences(of: "\\n", with: "\n").replacingOccurrences(of: "\\r", with: "\r") : ""
                #expect(content == expected, "\(name): \(words[0]) \(words[1])")
            }
        }
    }

    /// The standard tree: remote a.txt, b.txt, UPPER.TXT, sub/c.txt, empty/; local up1.txt, up2.txt, names.list.
    /// Every file's time is 2024-01-02 03:04:05 UTC so MDTM output is stable.
    static func populate(remote: String, local: String) throws {
        let files = [
            "\(remote)/a.txt": "alpha\n", "\(remote)/b.txt": "bravo\n", "\(remote)/UPPER.TXT": "upper\n",
            "\(remote)/sub/c.txt": "charlie\n", "\(remote)/dos.txt": "one\r\ntwo\r\n",
            "\(local)/up1.txt": "up one\n", "\(local)/up2.txt": "up two\n", "\(local)/names.list": "a.txt\nsub/c.txt\n",
        ]
        try FileManager.default.createDirectory(atPath: "\(remote)/sub", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: "\(remote)/empty", withIntermediateDirectories: true)
        for (path, content) in files {
            try TestFiles.write(path, content)
            var times = [timespec(tv_sec: 1_704_164_645, tv_nsec: 0), timespec(tv_sec: 1_704_164_645, tv_nsec: 0)]
            utimensat(AT_FDCWD, path, &times, 0)
        }
    }

    /// Takes out what changes from run to run: the port and the temporary folders.
    static func normalize(_ text: String, port: UInt16, root: String, work: String) -> String {
        text.replacingOccurrences(of: root, with: "ROOT")
            .replacingOccurrences(of: work, with: "WORK")
            .replacingOccurrences(of: "127.0.0.1:\(port)", with: "127.0.0.1:PORT")
            .replacingOccurrences(of: "127.0.0.1 \(port)", with: "127.0.0.1 PORT")
    }
}
