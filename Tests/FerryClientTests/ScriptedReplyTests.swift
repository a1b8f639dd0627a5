import FerryClient
import FerryCore
import FerryTestSupport
import Foundation
import Testing

/// Reply sequences real servers rarely give on demand, from a scripted peer.
@Suite struct ScriptedReplyTests {
    func client(timeout: Double = 3) -> FTPClient {
        var configuration = ClientConfiguration()
        configuration.replyTimeout = timeout
        configuration.connectTimeout = timeout
        return FTPClient(configuration: configuration)
    }

    @Test func waitsOutA120BeforeThe220() throws {
        let server = try ScriptedServer([.send("120 Ready in 1 minute\r\n"), .pause(0.2), .send("220 Ready now\r\n"),
                                         .expect("QUIT"), .send("221 Bye\r\n")])
        let ftp = client()
        let greeting = try ftp.connect(host: "127.0.0.1", port: server.port)
        #expect(greeting.code == ReplyCode(220))
        ftp.quit()
        #expect(server.finish().problems.isEmpty)
    }

    @Test func a421GreetingIsAnErrorWithTheServersText() throws {
        let server = try ScriptedServer([.send("421 Too many connections from your address\r\n"), .close])
        let error = expectFTPError { () throws(FTPError) in _ = try client().connect(host: "127.0.0.1", port: server.port) }
        #expect(error?.code == .connectionClosed)
        #expect(error?.message.contains("Too many connections") ?? false)
        _ = server.finish()
    }

    @Test func loggedInStraightAfterUserSendsNoPassword() throws {
        let server = try ScriptedServer([.send("220 hi\r\n"), .expect("USER anonymous"), .send("230 Welcome\r\n"),
                                         .expect("FEAT"), .send("502 no\r\n"), .expect("QUIT"), .send("221 Bye\r\n")])
        let ftp = client()
        try ftp.connect(host: "127.0.0.1", port: server.port)
        var asked = false
        try ftp.login(user: "anonymous", password: { asked = true; return "x" })
        #expect(!asked)
        #expect(ftp.isLoggedIn)
        ftp.quit()
        #expect(server.finish().problems.isEmpty)
    }

    @Test func sendsAccountWhenAsked() throws {
        let server = try ScriptedServer([
            .send("220 hi\r\n"), .expect("USER u"), .send("331 Password\r\n"), .expect("PASS p"),
            .send("332 Need account\r\n"), .expect("ACCT billing"), .send("230 In\r\n"),
            .expect("FEAT"), .send("211-Features:\r\n UTF8\r\n211 End\r\n"), .expect("OPTS UTF8 ON"), .send("200 ok\r\n"),
            .expect("QUIT"), .send("221 Bye\r\n"),
        ])
        let ftp = client()
        try ftp.connect(host: "127.0.0.1", port: server.port)
        try ftp.login(user: "u", password: "p", account: "billing")
        #expect(ftp.features.supports("UTF8"))
        ftp.quit()
        let result = server.finish()
        #expect(result.problems.isEmpty, "\(result.problems)")
    }

    @Test func garbageInsteadOfAReplyIsAProtocolError() throws {
        let server = try ScriptedServer([.send("SSH-2.0-OpenSSH_9.2\r\n"), .pause(0.5), .close])
        let error = expectFTPError { () throws(FTPError) in _ = try client().connect(host: "127.0.0.1", port: server.port) }
        #expect(error?.code == .protocolViolation)
        _ = server.finish()
    }

    @Test func endlessMultilineReplyIsBounded() throws {
        let flood = "220-Welcome\r\n" + String(repeating: "more text\r\n", count: 12_000)
        let server = try ScriptedServer([.send(flood), .pause(0.5), .close])
        let error = expectFTPError { () throws(FTPError) in _ = try client().connect(host: "127.0.0.1", port: server.port) }
        #expect(error?.code == .protocolViolation)
        _ = server.finish()
    }

    @Test func serverThatStopsAnsweringMidSessionTimesOut() throws {
        let server = try ScriptedServer([.send("220 hi\r\n"), .expect("USER u"), .pause(3), .close])
        let ftp = client(timeout: 1)
        try ftp.connect(host: "127.0.0.1", port: server.port)
        let start = Date()
        let error = expectFTPError { () throws(FTPError) in _ = try ftp.login(user: "u", password: "p") }
        #expect(error?.code == .timedOut)
        #expect(Date().timeIntervalSince(start) < 2.5)
        _ = server.finish()
    }

    @Test func outOfRangePasvReplyFallsThroughToAClearError() throws {
        let server = try ScriptedServer([
            .send("220 hi\r\n"), .expect("USER u"), .send("230 In\r\n"), .expect("FEAT"), .send("500 no\r\n"),
            .expect("TYPE I"), .send("200 ok\r\n"),
            .expect("PASV"), .send("227 Entering Passive Mode (300,1,1,1,1,1)\r\n"),
        ])
        var configuration = ClientConfiguration()
        configuration.extendedOnIPv4 = false
        configuration.fallback = false
        configuration.replyTimeout = 3
        let ftp = FTPClient(configuration: configuration)
        try ftp.connect(host: "127.0.0.1", port: server.port)
        try ftp.login(user: "u", password: nil)
        let error = expectFTPError { () throws(FTPError) in _ = try ftp.retrieve("f", to: -1, type: .image) }
        #expect(error?.code == .dataConnectionFailed)
        #expect(error?.message.contains("PASV") ?? false)
        _ = server.finish()
    }
}
