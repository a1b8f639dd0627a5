import FerryTestSupport
import Foundation
import Testing

@Suite struct CommandLineTests {
    @Test func helpListsTheFlagsAndExitsZero() throws {
        let result = try Ferry.run(["--help"])
        #expect(result.status == 0)
        for flag in ["-4", "-6", "-A", "-a", "-d", "-i", "-n", "-p", "-v", "-V", "-P <port>"] {
            #expect(result.stdout.contains(flag), "missing \(flag)")
        }
    }

    @Test func versionPrintsAndExitsZero() throws {
        let result = try Ferry.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("ferry "))
    }

    @Test func badFlagsExitTwoWithOneHint() throws {
        let unknown = try Ferry.run(["-Z"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("ferry --help"))
        let conflicting = try Ferry.run(["-4", "-6", "localhost"])
        #expect(conflicting.status == 2)
        let badPort = try Ferry.run(["-P", "99999", "localhost"])
        #expect(badPort.status == 2)
    }

    /// OpenSSL and libedit are loaded when first needed: a script that moves a file over plain FTP maps neither
    /// (2.6 MiB of resident memory); a transfer checked with SHA-256 loads libcrypto alone.
    @Test func aPlainFTPScriptMapsNeitherOpenSSLNorLibedit() throws {
        let server = try PyFTPServer()
        try TestFiles.writeRandom(server.path("a.bin"), size: 100_000)
        let work = try TemporaryDirectory("ferry-lazy")
        let maps = "!echo mapped: $(grep -o -E 'lib(ssl|crypto|edit)[.]so' /proc/$PPID/maps | sort -u)\n"
        let plain = try Ferry.session(server, "get a.bin\n" + maps, directory: work.path)
        #expect(plain.status == 0, "\(plain.output)")
        #expect(plain.stdout.split(separator: "\n").last == "mapped:", "\(plain.stdout)")
        #expect(try TestFiles.sha256(work.file("a.bin")) == TestFiles.sha256(server.path("a.bin")))
        var options = ServerOptions()
        options.hash = true
        let hashing = try PyFTPServer(options: options)
        try TestFiles.writeRandom(hashing.path("b.bin"), size: 100_000)
        let hashed = try Ferry.session(hashing, "get b.bin\n" + maps, directory: work.path)
        #expect(hashed.status == 0, "\(hashed.output)")
        #expect(hashed.stdout.split(separator: "\n").last == "mapped: libcrypto.so", "SHA-256 needs libcrypto alone: \(hashed.stdout)")
        #expect(try TestFiles.sha256(work.file("b.bin")) == TestFiles.sha256(hashing.path("b.bin")))
    }

    @Test func shellCommandsGetDefaultSignalsBack() throws {
        // Ferry ignores SIGPIPE for its sockets; `yes` must still stop when `head` closes the pipe.
        let result = try Ferry.run([], script: "!yes | head -1\nlpwd\n", timeout: 20)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.hasPrefix("y\n"))
        #expect(!result.stderr.contains("Broken pipe"))
    }

    @Test func endOfInputQuitsCleanly() throws {
        let result = try Ferry.run([], script: "")
        #expect(result.status == 0)
        #expect(result.output.isEmpty, "no prompt and no chatter on a pipe: \(result.output)")
    }
}

@Suite struct ConnectionFlagTests {
    @Test func retryWaitsForAServerThatComesUpLater() throws {
        let port = try FreePort.allocate()
        let outcome = ResultBox()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            outcome.value = try? Ferry.run(["-r", "1", "-n", "127.0.0.1", String(port)], script: "quit\n", timeout: 30)
            done.signal()
        }
        Thread.sleep(forTimeInterval: 1.6)
        let server = try ScriptedServer([.send("220 late but here\r\n"), .expect("QUIT"), .send("221 bye\r\n")], port: port)
        #expect(done.wait(timeout: .now() + 30) == .success)
        let result = try #require(outcome.value)
        #expect(result.stderr.contains("Retrying in 1.0 s"), "\(result.stderr)")
        #expect(result.status == 0, "the attempts a retry made good do not count as failures")
        #expect(server.finish().problems.isEmpty)
    }

    @Test func sourceAddressIsUsedAndAMismatchedOneIsAClearError() throws {
        let server = try PyFTPServer()
        let good = try Ferry.run(["-s", "127.0.0.1", "-n", server.host, String(server.port)], script: "user tester secret\nls\n")
        #expect(good.status == 0, "\(good.output)")
        let bad = try Ferry.run(["-s", "::1", "-n", server.host, String(server.port)], script: "")
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("cannot connect from ::1"), "\(bad.stderr)")
    }
}

final class ResultBox: @unchecked Sendable {
    var value: ProcessRunner.Result?
}
