import Testing
@testable import FerryCore

@Suite struct LoginSequenceTests {
    func reply(_ code: Int) -> Reply { Reply(code: ReplyCode(code), lines: ["\(code) text"]) }

    @Test func userPasswordLogin() {
        var login = LoginSequence(user: "tester", password: "secret")
        #expect(login.start() == .send(Command(.user, "tester")))
        #expect(login.receive(reply(331)) == .send(Command(.pass, "secret")))
        #expect(login.receive(reply(230)) == .loggedIn(reply(230)))
        #expect(login.state == .loggedIn)
    }

    @Test func loggedInStraightAfterUser() {
        var login = LoginSequence(user: "anonymous", password: nil)
        _ = login.start()
        #expect(login.receive(reply(230)) == .loggedIn(reply(230)))
    }

    @Test func accountAfterPassword() {
        var login = LoginSequence(user: "u", password: "p", account: "acct")
        _ = login.start()
        _ = login.receive(reply(331))
        #expect(login.receive(reply(332)) == .send(Command(.acct, "acct")))
        #expect(login.receive(reply(230)) == .loggedIn(reply(230)))
    }

    @Test func missingPasswordOrAccountIsNamed() {
        var login = LoginSequence(user: "u", password: nil)
        _ = login.start()
        #expect(login.receive(reply(331)) == .needs(.pass, reply(331)))
        var noAccount = LoginSequence(user: "u", password: "p")
        _ = noAccount.start()
        _ = noAccount.receive(reply(331))
        #expect(noAccount.receive(reply(332)) == .needs(.acct, reply(332)))
    }

    @Test func aPasswordAskedForLateContinuesTheSequence() {
        var login = LoginSequence(user: "u", password: nil, account: "acct")
        _ = login.start()
        #expect(login.receive(reply(331)) == .needs(.pass, reply(331)))
        #expect(login.supplyPassword("typed") == .send(Command(.pass, "typed")))
        #expect(login.receive(reply(332)) == .send(Command(.acct, "acct")))
        #expect(login.receive(reply(230)) == .loggedIn(reply(230)))
    }

    @Test func refusedLoginFails() {
        var login = LoginSequence(user: "u", password: "bad")
        _ = login.start()
        _ = login.receive(reply(331))
        #expect(login.receive(reply(530)) == .failed(reply(530)))
        #expect(login.state == .failed)
    }
}
