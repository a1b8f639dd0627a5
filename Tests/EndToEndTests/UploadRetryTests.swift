import FerryTestSupport
import Foundation
import Testing

/// A retried put resumes only onto bytes it put on the server itself: never onto an older copy that was there.
@Suite struct UploadRetryTests {
    /// The first STOR is lost with the control connection before the server opens the file: the server still
    /// holds the older, smaller up.bin. Continuing it at its size would give the old head and the new tail.
    @Test func aRetriedPutNeverContinuesAnOlderCopyOnTheServer() throws {
        var options = ServerOptions()
        options.dropControlOnStore = 1
        let server = try PyFTPServer(options: options)
        try TestFiles.writeRandom(server.path("up.bin"), size: 50_000)
        let work = try TemporaryDirectory("ferry-put-retry")
        try TestFiles.writeRandom(work.file("up.bin"), size: 200_000)
        let result = try Ferry.session(server, "put up.bin\n", flags: ["-d"], directory: work.path, timeout: 90)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stderr.contains("Reconnected"), "\(result.stderr)")
        #expect(!result.stderr.contains("---> REST"), "\(result.stdout)")
        #expect(try TestFiles.sha256(server.path("up.bin")) == TestFiles.sha256(work.file("up.bin")))
    }

    /// The connection drops after the server wrote part of this upload: that part is ours, and the retry
    /// continues it with REST (the older, larger copy was replaced by the first STOR).
    @Test(arguments: [false, true])
    func aPutDroppedMidwayContinuesItsOwnBytes(checksums: Bool) throws {
        var options = ServerOptions()
        options.dropControlDuringStore = 100_000
        options.hash = checksums
        let server = try PyFTPServer(options: options)
        try TestFiles.writeRandom(server.path("up.bin"), size: 900_000)
        ServerMatrixTests.setTime(server.path("up.bin"), 1_600_000_000)
        let work = try TemporaryDirectory("ferry-put-retry")
        try TestFiles.writeRandom(work.file("up.bin"), size: 400_000)
        let result = try Ferry.session(server, "put up.bin\n", flags: ["-d"], directory: work.path, timeout: 90)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stderr.contains("---> REST "), "\(result.stdout)")
        #expect(try TestFiles.sha256(server.path("up.bin")) == TestFiles.sha256(work.file("up.bin")))
    }

    /// A server that writes an upload elsewhere until it is complete (pure-ftpd -0) leaves the older copy under the
    /// name when the connection drops: its size fits what was sent, but its time did not change, so it is no
    /// partial of this upload.
    @Test func anOlderCopyLeftInPlaceByTheServerIsNotContinued() throws {
        var options = ServerOptions()
        options.dropControlDuringStore = 200_000
        options.storeElsewhere = true
        let server = try PyFTPServer(options: options)
        try TestFiles.writeRandom(server.path("up.bin"), size: 150_000)
        ServerMatrixTests.setTime(server.path("up.bin"), 1_600_000_000)
        let work = try TemporaryDirectory("ferry-put-retry")
        try TestFiles.writeRandom(work.file("up.bin"), size: 400_000)
        let result = try Ferry.session(server, "put up.bin\n", flags: ["-d"], directory: work.path, timeout: 90)
        #expect(result.status == 0, "\(result.output)")
        #expect(!result.stderr.contains("---> REST"), "\(result.stderr)")
        #expect(try TestFiles.sha256(server.path("up.bin")) == TestFiles.sha256(work.file("up.bin")))
    }
}
