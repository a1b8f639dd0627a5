import FerryClient
import FerryCore
import FerryTestSupport
import Foundation
import Testing

/// Servers that misbehave: a PASV address that cannot be reached, cut transfers, silence, refusal.
@Suite struct FaultTests {
    @Test func unreachablePasvAddressIsReplacedByTheServersAddress() throws {
        var options = ServerOptions()
        options.refuse = ["EPSV"]
        options.masquerade = "127.0.0.9"
        let server = try PyFTPServer(options: options)
        try TestFiles.writeRandom(server.path("data.bin"), size: 1_000_003)
        let local = try TemporaryDirectory()
        let log = EventLog()
        var configuration = DataMethod.epsv.configuration
        configuration.fallback = false
        let client = try loggedInClient(server, configuration, log: log)
        defer { client.quit() }
        try client.retrieve("data.bin", toPath: local.file("data.bin"), type: .image)
        #expect(try TestFiles.sha256(local.file("data.bin")) == TestFiles.sha256(server.path("data.bin")))
        #expect(log.sent.contains("EPSV") && log.sent.contains("PASV"))
        #expect(log.notices.contains { $0.contains("127.0.0.9") && $0.contains("127.0.0.1") })
    }

    @Test func trustingTheUnreachablePasvAddressFailsClearly() throws {
        var options = ServerOptions()
        options.masquerade = "127.0.0.9"
        let server = try PyFTPServer(options: options)
        try TestFiles.write(server.path("x"), "x")
        var configuration = DataMethod.pasv.configuration
        configuration.trustPassiveAddress = true
        configuration.dataConnectTimeout = 2
        let client = try loggedInClient(server, configuration)
        defer { client.quit() }
        let local = try TemporaryDirectory()
        let error = expectFTPError { () throws(FTPError) in _ = try client.retrieve("x", toPath: local.file("x"), type: .image) }
        #expect(error?.code == .dataConnectionFailed)
        #expect(error?.message.contains("127.0.0.9") ?? false)
        #expect(TestFiles.names(in: local.path).isEmpty)
    }

    @Test func refusedEpsvFallsBackToPasvAndIsRememberedForTheSession() throws {
        var options = ServerOptions()
        options.refuse = ["EPSV"]
        let server = try PyFTPServer(options: options)
        try TestFiles.write(server.path("a"), "a")
        let log = EventLog()
        let client = try loggedInClient(server, DataMethod.epsv.configuration, log: log)
        defer { client.quit() }
        let local = try TemporaryDirectory()
        try client.retrieve("a", toPath: local.file("a"), type: .image)
        try client.retrieve("a", toPath: local.file("b"), type: .image)
        #expect(log.sent.filter { $0 == "EPSV" }.count == 1, "EPSV is not tried again after a 502")
        #expect(log.sent.filter { $0 == "PASV" }.count == 2)
    }

    @Test func downloadCutShortIsAnErrorAndLeavesNoFile() throws {
        var options = ServerOptions()
        options.cutRetrieveAfter = 200_000
        let server = try PyFTPServer(options: options)
        try TestFiles.writeRandom(server.path("big.bin"), size: 2_000_000)
        let local = try TemporaryDirectory()
        let client = try loggedInClient(server)
        defer { client.quit() }
        let error = expectFTPError { () throws(FTPError) in
            _ = try client.retrieve("big.bin", toPath: local.file("big.bin"), type: .image)
        }
        #expect(error?.code == .transferIncomplete)
        #expect(error?.reply?.code == ReplyCode(426))
        #expect(TestFiles.names(in: local.path) == [".big.bin.part"],
                "a failed download leaves no file that looks complete, only the hidden partial for reget")
    }

    @Test func uploadRefusedMidwayIsAnError() throws {
        var options = ServerOptions()
        options.cutStoreAfter = 100_000
        let server = try PyFTPServer(options: options)
        let local = try TemporaryDirectory()
        try TestFiles.writeRandom(local.file("big.bin"), size: 8_000_000)
        let client = try loggedInClient(server)
        defer { client.quit() }
        let error = expectFTPError { () throws(FTPError) in
            _ = try client.store("big.bin", fromPath: local.file("big.bin"), type: .image)
        }
        #expect(error?.code == .transferIncomplete)
    }

    @Test func silentServerTimesOut() throws {
        // A listener that accepts (through its backlog) but never greets.
        let fd = try FreePort.listener(port: 0)
        defer { close(fd) }
        let port = FreePort.localPort(fd)
        var configuration = ClientConfiguration()
        configuration.replyTimeout = 1
        configuration.connectTimeout = 1
        let client = FTPClient(configuration: configuration)
        let start = Date()
        let error = expectFTPError { () throws(FTPError) in _ = try client.connect(host: "127.0.0.1", port: port) }
        #expect(error?.code == .timedOut)
        #expect(Date().timeIntervalSince(start) < 5)
    }

    @Test func refusedConnectionSaysSo() throws {
        let port = try FreePort.allocate()
        let client = FTPClient()
        let error = expectFTPError { () throws(FTPError) in _ = try client.connect(host: "127.0.0.1", port: port) }
        #expect(error?.code == .connectionFailed)
        #expect(error?.message.contains("refused") ?? false)
    }

    @Test func commandsWithoutAConnectionSayNotConnected() {
        let client = FTPClient()
        let error = expectFTPError { () throws(FTPError) in _ = try client.currentDirectory() }
        #expect(error?.code == .notConnected)
    }

    @Test func lineBreaksInNamesAreNeverSent() throws {
        let server = try PyFTPServer()
        let client = try loggedInClient(server)
        defer { client.quit() }
        let error = expectFTPError { () throws(FTPError) in try client.delete("a\r\nDELE b") }
        #expect(error?.code == .invalidArgument)
        #expect(try !client.currentDirectory().isEmpty)
    }
}
