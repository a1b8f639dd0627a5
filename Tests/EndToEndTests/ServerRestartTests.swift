import FerryTestSupport
import Foundation
import Testing

/// A server that goes away for 3 s and comes back on the same port, in the middle of a transfer: the reconnection
/// is tried again within the retry budget (1, 2, 4 s apart) and the transfer ends whole, as lftp rides it out.
@Suite struct ServerRestartTests {
    /// Runs `script` against a rate-limited pyftpdlib; once `watched` holds 300 kB the server is stopped, and
    /// 3 s later another one serves the same folder on the same port.
    func restartDuring(_ script: String, watched: (PyFTPServer, TemporaryDirectory) -> String, prepare: (PyFTPServer, TemporaryDirectory) throws -> Void)
        throws -> (ProcessRunner.Result, PyFTPServer, TemporaryDirectory, root: TemporaryDirectory) {
        let root = try TemporaryDirectory("ferry-restart-root")
        var options = ServerOptions()
        options.root = root.path
        options.rateLimit = 300_000
        let first = try PyFTPServer(options: options)
        let work = try TemporaryDirectory("ferry-restart")
        try prepare(first, work)
        let path = watched(first, work)
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: ProcessRunner.Result?
        nonisolated(unsafe) var failure: Error?
        DispatchQueue.global().async {
            do { result = try Ferry.session(first, script, directory: work.path, timeout: 120) } catch { failure = error }
            done.signal()
        }
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int ?? 0) < 300_000 {
            usleep(20_000)
        }
        first.stop()
        sleep(3)
        options.port = first.port
        options.rateLimit = 0
        let second = try PyFTPServer(options: options)
        done.wait()
        if let failure { throw failure }
        return (result!, second, work, root)
    }

    @Test func aGetRidesOutAServerRestart() throws {
        let (result, server, work, root) = try restartDuring("get big.bin\n", watched: { $1.file(".big.bin.part") }) { server, _ in
            try TestFiles.writeRandom(server.path("big.bin"), size: 2_000_000)
        }
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stderr.contains("Reconnected"), "\(result.stderr)")
        #expect(try TestFiles.sha256(work.file("big.bin")) == TestFiles.sha256(server.path("big.bin")))
        withExtendedLifetime(root) {}
    }

    @Test func aPutRidesOutAServerRestart() throws {
        let (result, server, work, root) = try restartDuring("rate put 300000\nput big.bin\n", watched: { server, _ in server.path(".big.bin.part") }) { _, work in
            try TestFiles.writeRandom(work.file("big.bin"), size: 2_000_000)
        }
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stderr.contains("Reconnected"), "\(result.stderr)")
        #expect(try TestFiles.sha256(server.path("big.bin")) == TestFiles.sha256(work.file("big.bin")))
        withExtendedLifetime(root) {}
    }
}
