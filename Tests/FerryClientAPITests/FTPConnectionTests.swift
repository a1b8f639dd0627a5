import FerryClient
import Synchronization
import FerryTestSupport
import Foundation
import Testing

/// FerryClient as a program of yours uses it: `import FerryClient`, no @testable, against real servers started on
/// 127.0.0.1 — the async API, the job engine and its session crew, segmented downloads and the mirror, in process.
/// Each async test runs on a `ThreadExecutor`, so the run's blocking tests cannot starve its continuations.
@Suite struct FTPConnectionTests {
    func connected(_ server: TestServer) async throws -> FTPConnection {
        let ftp = FTPConnection()
        try await ftp.connect(host: server.host, port: server.port)
        try await ftp.login(user: server.user, password: server.password)
        return ftp
    }

    @Test(arguments: [ServerKind.pyftpdlib, .vsftpd])
    func listDownloadAndUploadWithAsyncCalls(kind: ServerKind) async throws {
        try await withTaskExecutorPreference(ThreadExecutor()) { try await listDownloadAndUpload(kind: kind) }
    }

    func listDownloadAndUpload(kind: ServerKind) async throws {
        let server = try TestServers.start(kind)
        try TestFiles.writeRandom(server.path("a.bin"), size: 300_000)
        try TestFiles.write(server.path("b.txt"), "b\n")
        let work = try TemporaryDirectory("ferry-api")
        let ftp = try await connected(server)
        var names: [String] = []
        for try await entry in ftp.entries() { names.append(entry.name) }
        #expect(names.sorted() == ["a.bin", "b.txt"])

        let steps = ProgressCount()
        let report = try await ftp.download("a.bin", toPath: work.file("a.bin"), progress: { _ in steps.add() })
        #expect(report.result.bytes == 300_000)
        #expect(steps.count > 0, "progress was reported")
        #expect(try TestFiles.sha256(work.file("a.bin")) == TestFiles.sha256(server.path("a.bin")))

        try TestFiles.writeRandom(work.file("up.bin"), size: 200_000)
        _ = try await ftp.upload(work.file("up.bin"), as: "up.bin")
        #expect(try TestFiles.sha256(server.path("up.bin")) == TestFiles.sha256(work.file("up.bin")))

        // A typed error with the server's reply.
        do {
            _ = try await ftp.download("missing.bin", toPath: work.file("missing.bin"), retries: 0)
            Issue.record("a missing file downloaded")
        } catch {
            #expect(error.reply?.code.rawValue == 550, "\(error.message)")
        }
        #expect(!TestFiles.exists(work.file("missing.bin")))
        await ftp.quit()
    }

    @Test(arguments: [ServerKind.pyftpdlib, .vsftpd])
    func aJobRunsOnSeveralSessionsAndSaysWhatItDoes(kind: ServerKind) async throws {
        try await withTaskExecutorPreference(ThreadExecutor()) { try await jobOnSeveralSessions(kind: kind) }
    }

    func jobOnSeveralSessions(kind: ServerKind) async throws {
        let server = try TestServers.start(kind)
        try FileManager.default.createDirectory(atPath: server.path("pub"), withIntermediateDirectories: true)
        for index in 0..<8 { try TestFiles.writeRandom(server.path("pub/f\(index).bin"), size: 50_000 + index * 1000) }
        try TestFiles.writeRandom(server.path("pub/big.bin"), size: 3_000_000)
        let work = try TemporaryDirectory("ferry-api")
        let ftp = try await connected(server)
        try await ftp.changeDirectory("pub")
        var items = (0..<8).map { TransferJob.Item(.download, remote: "f\($0).bin", local: work.file("f\($0).bin"), size: Int64(50_000 + $0 * 1000)) }
        items.append(TransferJob.Item(.download, remote: "big.bin", local: work.file("big.bin"), size: 3_000_000))
        var policy = TransferJob.Policy()
        policy.parallel = 3
        policy.segments = 3
        policy.segmentThreshold = 1 << 20
        let run = ftp.start(TransferJob(items, policy: policy))
        var finished = Set<Int>(), segmentedFinished = Set<Int>()
        for await event in run.events {
            switch event {
            case .pool(.finished(let index, _)): finished.insert(index)
            case .segmentedFinished(let index, _): segmentedFinished.insert(index)
            default: break
            }
        }
        let results = await run.results()
        #expect(results.allSatisfy { if case .success = $0 { true } else { false } }, "\(results)")
        #expect(finished == Set(0..<8), "the small files went on the pool")
        #expect(segmentedFinished == [8], "the big one in segments")
        for name in (0..<8).map({ "f\($0).bin" }) + ["big.bin"] {
            #expect(try TestFiles.sha256(work.file(name)) == TestFiles.sha256(server.path("pub/\(name)")), "\(name)")
        }
        await ftp.quit()
    }

    /// Cancelling the task ends the transfer with ABOR, keeps the `.part` and leaves the session usable.
    @Test func cancellingATransferAbortsItAndTheSessionGoesOn() async throws {
        try await withTaskExecutorPreference(ThreadExecutor()) { try await cancelATransfer() }
    }

    func cancelATransfer() async throws {
        var options = ServerOptions()
        options.rateLimit = 200_000
        let server = try PyFTPServer(options: options)
        try TestFiles.writeRandom(server.path("slow.bin"), size: 4_000_000)
        let work = try TemporaryDirectory("ferry-api")
        let ftp = try await connected(server)
        let started = ProgressCount()
        let download = Task { try await ftp.download("slow.bin", toPath: work.file("slow.bin"), progress: { _ in started.add() }) }
        while started.count < 3 { try await Task.sleep(for: .milliseconds(50)) }
        download.cancel()
        do {
            _ = try await download.value
            Issue.record("a cancelled download completed")
        } catch let error as FTPError {
            #expect(error.code == .interrupted, "\(error.message)")
        }
        #expect(!TestFiles.exists(work.file("slow.bin")), "nothing that looks complete")
        #expect(TestFiles.exists(work.file(".slow.bin.part")), "what came is kept for a resume")
        var names: [String] = []
        for try await entry in ftp.entries() { names.append(entry.name) }
        #expect(names == ["slow.bin"], "the session answers its next command")
        await ftp.quit()
    }

    @Test func cancellingAJobStopsEverySession() async throws {
        try await withTaskExecutorPreference(ThreadExecutor()) { try await cancelAJob() }
    }

    func cancelAJob() async throws {
        var options = ServerOptions()
        options.rateLimit = 100_000
        let server = try PyFTPServer(options: options)
        for index in 0..<6 { try TestFiles.writeRandom(server.path("s\(index).bin"), size: 2_000_000) }
        let work = try TemporaryDirectory("ferry-api")
        let ftp = try await connected(server)
        var policy = TransferJob.Policy()
        policy.parallel = 3
        let items = (0..<6).map { TransferJob.Item(.download, remote: "s\($0).bin", local: work.file("s\($0).bin"), size: 2_000_000) }
        let run = ftp.start(TransferJob(items, policy: policy))
        var progressed = 0
        for await event in run.events {
            if case .pool(.progress) = event { progressed += 1 }
            if progressed == 10 { run.cancel() }
        }
        let results = await run.results()
        #expect(results.allSatisfy { if case .failure(let error) = $0 { error.code == .interrupted } else { false } }, "\(results)")
        #expect(TestFiles.names(in: work.path).allSatisfy { $0.hasSuffix(".part") }, "\(TestFiles.names(in: work.path))")
        await ftp.quit()
    }
}

/// A counter the progress callbacks (on the session's thread) and the test share.
final class ProgressCount: Sendable {
    private let value = Mutex(0)
    func add() { value.withLock { $0 += 1 } }
    var count: Int { value.withLock { $0 } }
}
