/// The USER / PASS / ACCT exchange (RFC 959 §5.4 state diagram for login) as a state machine:
/// it takes replies and says what to send next.
public struct LoginSequence: Sendable {
    public enum State: Sendable, Equatable {
        case idle, sentUser, sentPassword, sentAccount, loggedIn, failed
    }

    public enum Action: Sendable, Equatable {
        case send(Command)
        case loggedIn(Reply)
        /// The server wants a password or account that was not given.
        case needs(Verb, Reply)
        case failed(Reply)
    }

    public private(set) var state: State = .idle
    let user: String
    var password: String?
    let account: String?

    public init(user: String, password: String?, account: String? = nil) {
        self.user = user
        self.password = password
        self.account = account
    }

    public mutating func start() -> Action {
        state = .sentUser
        return .send(Command(.user, user))
    }

    public mutating func receive(_ reply: Reply) -> Action {
        switch (state, reply.code.category) {
        case (.sentUser, .positiveCompletion), (.sentPassword, .positiveCompletion),
             (.sentAccount, .positiveCompletion):
            state = .loggedIn
            return .loggedIn(reply)
        case (.sentUser, .positiveIntermediate) where reply.code == .needAccount:
            return sendAccount(after: reply)
        case (.sentUser, .positiveIntermediate):
            guard let password else { state = .failed; return .needs(.pass, reply) }
            state = .sentPassword
            return .send(Command(.pass, password))
        case (.sentPassword, .positiveIntermediate):
            return sendAccount(after: reply)
        default:
            state = .failed
            return .failed(reply)
        }
    }

    /// The password the server asked for (after `.needs(.pass, _)`), when the caller could only get it then
    /// (a prompt): the sequence goes on with PASS.
    public mutating func supplyPassword(_ secret: String) -> Action {
        password = secret
        state = .sentPassword
        return .send(Command(.pass, secret))
    }

    private mutating func sendAccount(after reply: Reply) -> Action {
        guard let account else { state = .failed; return .needs(.acct, reply) }
        state = .sentAccount
        return .send(Command(.acct, account))
    }
}
