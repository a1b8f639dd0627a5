import FerryClient
import FerryCore
import FerryTestSupport
import Foundation
import Testing

/// Login, navigation and listings against both servers.
@Suite struct SessionTests {
    @Test(arguments: ServerKind.allCases)
    func listsDirectoryInLongAndNameForms(server kind: ServerKind) throws {
        let server = try TestServers.start(kind)
        try TestFiles.write(server.path("alpha.txt"), "a")
        try TestFiles.write(server.path("beta.bin"), "bb")
        let local = try TemporaryDirectory()
        let client = try loggedInClient(server)
        defer { client.quit() }

        for (namesOnly, file) in [(false, "long.txt"), (true, "names.txt")] {
            let fd = open(local.file(file), O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            try client.list(nil, namesOnly: namesOnly, to: fd)
            close(fd)
        }
        let long = String(decoding: try TestFiles.read(local.file("long.txt")), as: UTF8.self)
        #expect(long.contains("alpha.txt") && long.contains("beta.bin"))
        #expect(!long.contains("\r"), "listings arrive with local line ends")
        let names = String(decoding: try TestFiles.read(local.file("names.txt")), as: UTF8.self)
        // The raw NLST: pure-ftpd's names the folder and its parent too (the shell's nlist drops them).
        let expected = kind == .pureftpd ? [".", "..", "alpha.txt", "beta.bin"] : ["alpha.txt", "beta.bin"]
        #expect(names.split(separator: "\n").map(String.init).sorted() == expected)
    }

    @Test(arguments: ServerKind.allCases)
    func changesAndPrintsDirectories(server kind: ServerKind) throws {
        let server = try TestServers.start(kind)
        let client = try loggedInClient(server)
        defer { client.quit() }
        let start = try client.currentDirectory()
        try client.makeDirectory("sub")
        try client.changeDirectory("sub")
        #expect(try client.currentDirectory().hasSuffix("/sub"))
        try client.changeToParent()
        #expect(try client.currentDirectory() == start)
        let error = expectFTPError { () throws(FTPError) in try client.changeDirectory("no-such-dir") }
        #expect(error?.code == .commandFailed)
        #expect(error?.reply?.code == ReplyCode(550))
    }

    @Test(arguments: ServerKind.allCases)
    func wrongPasswordIsALoginFailure(server kind: ServerKind) throws {
        let server = try TestServers.start(kind)
        let client = FTPClient(configuration: DataMethod.epsv.configuration)
        try client.connect(host: server.host, port: server.port)
        let error = expectFTPError { () throws(FTPError) in _ = try client.login(user: server.user, password: "wrong") }
        #expect(error?.code == .loginFailed)
        #expect(error?.reply?.code == ReplyCode(530))
        #expect(error.map { !$0.message.contains("wrong") } ?? false, "the password never appears in errors")
        #expect(!client.isLoggedIn)
    }

    @Test(arguments: ServerKind.allCases)
    func missingRemoteFileLeavesNothingLocally(server kind: ServerKind) throws {
        let server = try TestServers.start(kind)
        let local = try TemporaryDirectory()
        try TestFiles.write(local.file("keep.txt"), "precious")
        let client = try loggedInClient(server)
        defer { client.quit() }
        let error = expectFTPError { () throws(FTPError) in
            _ = try client.retrieve("absent.bin", toPath: local.file("keep.txt"), type: .image)
        }
        #expect(error?.code == .commandFailed)
        #expect(error?.reply?.code == ReplyCode(550))
        #expect(TestFiles.names(in: local.path) == ["keep.txt"])
        #expect(try TestFiles.read(local.file("keep.txt")) == Data("precious".utf8), "the existing file is untouched")
        // The session is still usable after the failure.
        #expect(try !client.currentDirectory().isEmpty)
    }

    @Test(arguments: ServerKind.allCases)
    func renamesDeletesAndRemovesDirectories(server kind: ServerKind) throws {
        let server = try TestServers.start(kind)
        let client = try loggedInClient(server)
        defer { client.quit() }
        let local = try TemporaryDirectory()
        try TestFiles.write(local.file("f"), "12345")
        try client.store("f", fromPath: local.file("f"), type: .image)
        try client.rename("f", to: "g")
        #expect(try client.size("g") == 5)
        try client.delete("g")
        #expect(!TestFiles.exists(server.path("g")))
        try client.makeDirectory("d")
        try client.removeDirectory("d")
        #expect(!TestFiles.exists(server.path("d")))
    }
}

/// IPv6: the control connection on ::1, EPSV and EPRT carry the data.
@Suite struct IPv6Tests {
    @Test(arguments: [DataMethod.epsv, DataMethod.eprt])
    func transfersOverIPv6Loopback(method: DataMethod) throws {
        var options = ServerOptions()
        options.host = "::1"
        let server = try PyFTPServer(options: options)
        try TestFiles.writeRandom(server.path("six.bin"), size: 1_500_000)
        let local = try TemporaryDirectory()
        let log = EventLog()
        let client = try loggedInClient(server, method.configuration, log: log)
        defer { client.quit() }
        #expect(client.peerAddress?.isIPv6 == true)
        try client.retrieve("six.bin", toPath: local.file("six.bin"), type: .image)
        #expect(try TestFiles.sha256(local.file("six.bin")) == TestFiles.sha256(server.path("six.bin")))
        if method == .eprt { #expect(log.sent.contains { $0.hasPrefix("EPRT |2|::1|") }) }
    }
}
