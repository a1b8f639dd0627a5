import FerryClient
import FerryCore
import FerryTestSupport
import Foundation
import Testing

/// Binary and ASCII transfers against pyftpdlib and vsftpd, in all four data-connection methods.
@Suite struct TransferTests {
    @Test(arguments: ServerKind.allCases, DataMethod.allCases)
    func binaryGetAndPutKeepEveryByte(server kind: ServerKind, method: DataMethod) throws {
        let server = try TestServers.start(kind)
        let local = try TemporaryDirectory()
        try TestFiles.writeRandom(server.path("big.bin"), size: 3 * 1024 * 1024 + 17)
        let log = EventLog()
        let client = try loggedInClient(server, method.configuration, log: log)
        defer { client.quit() }

        let got = local.file("big.bin")
        let received = try client.retrieve("big.bin", toPath: got, type: .image)
        #expect(received.bytes == 3 * 1024 * 1024 + 17)
        #expect(try TestFiles.sha256(got) == TestFiles.sha256(server.path("big.bin")))
        #expect(TestFiles.names(in: local.path) == ["big.bin"], "no .part file is left behind")

        let sent = try client.store("up.bin", fromPath: got, type: .image)
        #expect(sent.bytes == received.bytes)
        #expect(try TestFiles.sha256(server.path("up.bin")) == TestFiles.sha256(got))

        let methods = log.sent.filter { ["EPSV", "PASV", "EPRT", "PORT"].contains(String($0.prefix(4))) }
        #expect(methods.count == 2)
        #expect(methods.allSatisfy { $0.hasPrefix(method.rawValue) }, "used \(methods)")
    }

    @Test(arguments: ServerKind.allCases)
    func asciiGetTurnsWireLineEndsIntoLocalOnes(server kind: ServerKind) throws {
        let server = try TestServers.start(kind)
        let local = try TemporaryDirectory()
        // pyftpdlib converts LF to CRLF on the wire; vsftpd sends the stored bytes, so store CRLF there.
        try TestFiles.write(server.path("unix.txt"), "one\ntwo\n")
        try TestFiles.write(server.path("dos.txt"), "three\r\nfour\r\n")
        let client = try loggedInClient(server)
        defer { client.quit() }
        try client.retrieve("unix.txt", toPath: local.file("unix.txt"), type: .ascii)
        try client.retrieve("dos.txt", toPath: local.file("dos.txt"), type: .ascii)
        #expect(try TestFiles.read(local.file("unix.txt")) == Data("one\ntwo\n".utf8))
        // pure-ftpd turns every LF into CRLF in ASCII, even one a CR stands before: that CR is the file's own.
        let dos = kind == .pureftpd ? "three\r\nfour\r\n" : "three\nfour\n"
        #expect(try TestFiles.read(local.file("dos.txt")) == Data(dos.utf8))
    }

    @Test(arguments: ServerKind.allCases)
    func asciiPutSendsCRLF(server kind: ServerKind) throws {
        let server = try TestServers.start(kind)
        let local = try TemporaryDirectory()
        try TestFiles.write(local.file("notes.txt"), "alpha\nbeta\n")
        let client = try loggedInClient(server)
        defer { client.quit() }
        let result = try client.store("notes.txt", fromPath: local.file("notes.txt"), type: .ascii)
        #expect(result.bytes == 11)
        // pyftpdlib, proftpd and pure-ftpd turn the wire's CRLF back into LF; vsftpd (ascii_upload_enable=NO)
        // stores the wire bytes.
        let expected = kind == .vsftpd ? "alpha\r\nbeta\r\n" : "alpha\nbeta\n"
        #expect(try TestFiles.read(server.path("notes.txt")) == Data(expected.utf8))
    }

    @Test(arguments: ServerKind.allCases)
    func emptyFileRoundTrips(server kind: ServerKind) throws {
        let server = try TestServers.start(kind)
        let local = try TemporaryDirectory()
        try TestFiles.write(server.path("empty"), "")
        let client = try loggedInClient(server)
        defer { client.quit() }
        let result = try client.retrieve("empty", toPath: local.file("empty"), type: .image)
        #expect(result.bytes == 0)
        #expect(TestFiles.exists(local.file("empty")))
    }
}
