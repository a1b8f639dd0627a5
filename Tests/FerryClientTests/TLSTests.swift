import FerryClient
import FerryCore
import FerryTestSupport
import Foundation
import Testing

/// FTPS against vsftpd at its strictest: TLS required for logins and data, session reuse required.
@Suite struct TLSTests {
    func configuration(_ server: VsftpdServer, mode: TLSConfiguration.Mode = .required,
                       maximum: TLSConfiguration.Version? = nil) -> ClientConfiguration {
        var configuration = DataMethod.epsv.configuration
        configuration.tls.mode = mode
        configuration.tls.caFile = server.certificatePath
        configuration.tls.maximumVersion = maximum
        return configuration
    }

    @Test(arguments: [TLSConfiguration.Version.tls12, .tls13])
    func binaryGetPutAndListOverTLSWithSessionReuse(version: TLSConfiguration.Version) throws {
        let server = try VsftpdServer(security: .explicit)
        try TestFiles.writeRandom(server.path("big.bin"), size: 4 * 1024 * 1024 + 5)
        let local = try TemporaryDirectory()
        let client = try loggedInClient(server, configuration(server, maximum: version == .tls12 ? .tls12 : nil))
        defer { client.quit() }
        #expect(client.isProtected && client.dataProtected)
        #expect(client.protectionSummary.hasPrefix(version == .tls12 ? "TLSv1.2" : "TLSv1.3"), "\(client.protectionSummary)")
        for round in 1...2 {   // the second data connection must resume the session again
            try client.retrieve("big.bin", toPath: local.file("got\(round).bin"), type: .image)
            #expect(try TestFiles.sha256(local.file("got\(round).bin")) == TestFiles.sha256(server.path("big.bin")))
        }
        try client.store("up.bin", fromPath: local.file("got1.bin"), type: .image)
        #expect(try TestFiles.sha256(server.path("up.bin")) == TestFiles.sha256(local.file("got1.bin")),
                "the upload's tail survives: close_notify before the final reply")
        #expect(try client.entries(in: nil).map(\.name).sorted() == ["big.bin", "up.bin"])
    }

    @Test func activeModeDataConnectionsAreProtectedToo() throws {
        let server = try VsftpdServer(security: .explicit)
        try TestFiles.writeRandom(server.path("a.bin"), size: 1_000_000)
        var active = configuration(server)
        active.dataMode = .active
        active.fallback = false
        let log = EventLog()
        let client = try loggedInClient(server, active, log: log)
        defer { client.quit() }
        let local = try TemporaryDirectory()
        try client.retrieve("a.bin", toPath: local.file("a.bin"), type: .image)
        try client.store("b.bin", fromPath: local.file("a.bin"), type: .image)
        #expect(try TestFiles.sha256(server.path("b.bin")) == TestFiles.sha256(server.path("a.bin")))
        #expect(log.sent.contains { $0.hasPrefix("EPRT") })
    }

    @Test func implicitTLSFromTheFirstByte() throws {
        let server = try VsftpdServer(security: .implicit)
        try TestFiles.write(server.path("hello.txt"), "hello\n")
        let local = try TemporaryDirectory()
        let client = try loggedInClient(server, configuration(server, mode: .implicit))
        defer { client.quit() }
        try client.retrieve("hello.txt", toPath: local.file("hello.txt"), type: .ascii)
        #expect(try TestFiles.read(local.file("hello.txt")) == Data("hello\n".utf8))
    }

    @Test func aCertificateForAnotherNameIsRefused() throws {
        let server = try VsftpdServer(security: .explicit, certificateNames: "DNS:localhost")
        let client = FTPClient(configuration: configuration(server))
        let error = expectFTPError { () throws(FTPError) in _ = try client.connect(host: server.host, port: server.port) }
        #expect(error?.code == .connectionFailed)
        #expect(error?.message.contains("not trusted") ?? false, "\(String(describing: error))")
        #expect(error?.message.lowercased().contains("mismatch") ?? false, "\(String(describing: error))")
    }

    @Test func anUntrustedCertificateIsRefusedUnlessPinnedOrInsecure() throws {
        let server = try VsftpdServer(security: .explicit)
        var strict = configuration(server)
        strict.tls.caFile = nil
        let refused = FTPClient(configuration: strict)
        let error = expectFTPError { () throws(FTPError) in _ = try refused.connect(host: server.host, port: server.port) }
        #expect(error?.message.contains("SHA-256 fingerprint") ?? false, "\(String(describing: error))")

        var insecure = strict
        insecure.tls.verifyPeer = false
        let log = EventLog()
        let lax = try loggedInClient(server, insecure, log: log)
        #expect(log.notices.contains { $0.contains("not verified") })
        let fingerprint = try #require(lax.certificate?.fingerprint)
        lax.quit()

        var pinned = strict
        pinned.tls.pinnedFingerprints = [fingerprint]
        let trusted = try loggedInClient(server, pinned)
        #expect(trusted.isProtected)
        trusted.quit()
    }

    @Test func requiredTLSNeverSendsThePasswordToAServerWithoutIt() throws {
        let server = try PyFTPServer()
        var configuration = DataMethod.epsv.configuration
        configuration.tls.mode = .required
        let log = EventLog()
        let client = FTPClient(configuration: configuration) { log.record($0) }
        let error = expectFTPError { () throws(FTPError) in _ = try client.connect(host: server.host, port: server.port) }
        #expect(error?.code == .connectionFailed)
        #expect(error?.message.contains("refused TLS") ?? false)
        #expect(!log.sent.contains { $0.hasPrefix("USER") || $0.hasPrefix("PASS") })

        configuration.tls.mode = .opportunistic
        let chancer = FTPClient(configuration: configuration) { log.record($0) }
        try chancer.connect(host: server.host, port: server.port)
        #expect(log.notices.contains { $0.contains("CLEAR TEXT") })
        #expect(!chancer.isProtected)
        chancer.quit()
    }
}

@Suite struct TLSPolicyTests {
    @Test func aStrictServerRefusingClearDataIsReportedAndTheSessionGoesOn() throws {
        let server = try VsftpdServer(security: .explicit)
        try TestFiles.write(server.path("x"), "x")
        var configuration = DataMethod.epsv.configuration
        configuration.tls.mode = .required
        configuration.tls.caFile = server.certificatePath
        let client = try loggedInClient(server, configuration)
        defer { client.quit() }
        let local = try TemporaryDirectory()
        // vsftpd takes PROT C but, with force_local_data_ssl, refuses the clear data connection itself.
        try client.setDataProtection(false)
        #expect(!client.dataProtected)
        let refused = expectFTPError { () throws(FTPError) in try client.retrieve("x", toPath: local.file("x"), type: .image) }
        #expect(refused?.code == .commandFailed)
        #expect(refused?.message.contains("522") ?? false, "\(String(describing: refused))")
        #expect(TestFiles.names(in: local.path).isEmpty)
        try client.setDataProtection(true)
        try client.retrieve("x", toPath: local.file("x"), type: .image)
        #expect(TestFiles.exists(local.file("x")))
        let ccc = expectFTPError { () throws(FTPError) in try client.clearCommandChannel() }
        #expect(ccc?.code == .commandFailed, "vsftpd has no CCC: refused, and the control connection stays protected")
        #expect(client.isProtected)
    }
}

/// A data connection that does not resume the control connection's TLS session proves nothing by itself:
/// its certificate must be the one the control connection accepted (issue 9).
@Suite struct TLSDataCertificateTests {
    func client(port: UInt16, trusting cert: String) throws -> FTPClient {
        var configuration = DataMethod.epsv.configuration
        configuration.tls.mode = .required
        configuration.tls.caFile = cert
        let client = FTPClient(configuration: configuration)
        try client.connect(host: "127.0.0.1", port: port)
        try client.login(user: "u", password: "p")
        return client
    }

    @Test func aFullHandshakeWithAnotherCertificateIsRefused() throws {
        let folder = try TemporaryDirectory("ferry-split-cert")
        let control = try TestCertificates.make("control", in: folder)
        let other = try TestCertificates.make("other", in: folder)
        let root = try TemporaryDirectory("ferry-split-root")
        try TestFiles.writeRandom(root.file("f.bin"), size: 20_000)
        for (data, accepted) in [(control, true), (other, false)] {
            let server = try PythonServer(script: "ftps_split_cert.py", arguments: [
                "--root", root.path, "--control-cert", control.cert, "--control-key", control.key,
                "--data-cert", data.cert, "--data-key", data.key,
            ])
            let ftp = try client(port: server.port, trusting: control.cert)
            defer { ftp.quit() }
            let local = try TemporaryDirectory()
            let error = expectFTPError { () throws(FTPError) in
                try ftp.retrieve("f.bin", toPath: local.file("f.bin"), type: .image)
            }
            if accepted {
                #expect(error == nil, "the same certificate in a full handshake is fine: \(String(describing: error))")
                #expect(try TestFiles.sha256(local.file("f.bin")) == TestFiles.sha256(root.file("f.bin")))
            } else {
                #expect(error?.code == .connectionFailed && error?.message.contains("different certificate") == true,
                        "\(String(describing: error))")
                #expect(TestFiles.names(in: local.path).isEmpty)
            }
        }
    }

    @Test func vsftpdWithoutSessionReuseStillWorksWhenTheCertificateMatches() throws {
        let server = try VsftpdServer(extraConfiguration: ["require_ssl_reuse=NO"], security: .explicit)
        try TestFiles.writeRandom(server.path("a.bin"), size: 300_000)
        var configuration = DataMethod.epsv.configuration
        configuration.tls.mode = .required
        configuration.tls.caFile = server.certificatePath
        configuration.tls.resumeDataSessions = false
        let client = try loggedInClient(server, configuration)
        defer { client.quit() }
        let local = try TemporaryDirectory()
        try client.retrieve("a.bin", toPath: local.file("a.bin"), type: .image)
        #expect(try TestFiles.sha256(local.file("a.bin")) == TestFiles.sha256(server.path("a.bin")))
    }
}
