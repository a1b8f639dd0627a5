import Testing
@testable import FerryShell

@Suite struct DiagnoseTargetTests {
    @Test func readsUserHostAndPortInEachForm() throws {
        let full = try Shell.hostTarget(["alice@ftp.example.org:2121"])
        #expect(full.user == "alice" && full.host == "ftp.example.org" && full.port == 2121)
        let bare = try Shell.hostTarget(["ftp.example.org"])
        #expect(bare.user == nil && bare.host == "ftp.example.org" && bare.port == 21)
        let separate = try Shell.hostTarget(["127.0.0.1", "2100"])
        #expect(separate.host == "127.0.0.1" && separate.port == 2100)
        let bracketed = try Shell.hostTarget(["[::1]:2121"])
        #expect(bracketed.host == "::1" && bracketed.port == 2121)
        let plainIPv6 = try Shell.hostTarget(["::1"])
        #expect(plainIPv6.host == "::1" && plainIPv6.port == 21)
        let withPassword = try Shell.hostTarget(["alice:s3cr:et@ftp.example.org"])
        #expect(withPassword.user == "alice" && withPassword.password == "s3cr:et" && withPassword.host == "ftp.example.org")
        let atInUser = try Shell.hostTarget(["me@corp@ftp.example.org"])
        #expect(atInUser.user == "me@corp" && atInUser.host == "ftp.example.org")
    }

    @Test(arguments: [["host:0"], ["host:99999"], ["host:x"], ["a/b"], ["@"], ["[::1]x"], ["a", "b", "c"], ["host", "0"], [":pw@host"]])
    func refusesWhatIsNoHostOrPort(_ words: [String]) {
        #expect(throws: CommandLineError.self) { try Shell.hostTarget(words) }
    }
}
