import FerryCore

/// What it takes to open a session again — after a drop, or as one more session of a parallel job: where, who,
/// whether it was protected, and the folder moves since login, replayed in order.
public struct SessionRecipe: Sendable {
    /// The server's host name or address.
    public var host: String
    /// The control connection's port.
    public var port: UInt16
    /// The user to log in as; nil: connect without logging in.
    public var user: String?
    /// The password of the login, when one was given.
    public var password: String?
    /// The account (ACCT) of the login, when one was given.
    public var account: String?
    /// The session ran over TLS: a new one must too, even under --tls-try (never a clear-text login after a drop).
    public var protected = false
    /// cd / cdup since login.
    public var moves: [Command] = []
    /// The folder as the server named it (PWD) when a job began: every session of the job goes there, and must
    /// get there, so no session works in another folder. nil: replay `moves`.
    public var directory: String?
    /// What the session learned of the server's data connections (which methods get through): a job's sessions
    /// start from it instead of each waiting out a filtered method again.
    public var dataChannel: FTPClient.DataChannelMemory?

    /// Creates a recipe for a session to `host` on `port`, with no folder moves.
    public init(host: String, port: UInt16, user: String? = nil, password: String? = nil, account: String? = nil,
                protected: Bool = false) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.account = account
        self.protected = protected
    }
}

extension FTPClient {
    /// Connects, logs in and returns to the recipe's folder, with `type` set: the session as it was.
    public func reopen(_ recipe: SessionRecipe, type: TransferType?) throws(FTPError) {
        // A session that was protected comes back protected or not at all; the setting itself (--tls-try) stays as
        // the user made it for the next `open`.
        let asked = configuration.tls.mode
        if recipe.protected, asked == .opportunistic { configuration.tls.mode = .required }
        defer { configuration.tls.mode = asked }
        try connect(host: recipe.host, port: recipe.port)
        if let user = recipe.user {
            _ = try login(user: user, password: recipe.password, account: recipe.account)
            if let type { try? setType(type) }
        }
        // Every step must succeed: a session left in another folder would fetch another file of the same name.
        if let directory = recipe.directory {
            try changeDirectory(directory)
            return
        }
        for move in recipe.moves {
            let reply = try execute(move)
            guard reply.code.isSuccess else {
                throw FTPError(.commandFailed, "the session could not return to its folder (\(move.traceDescription): \(reply.summary))", reply: reply)
            }
        }
    }

    /// One more session of a job (a pool or a segmented download), opened from `recipe`, its notices passed on.
    /// nil — said through `notice` — when the server will not have it (a per-host limit, 421, a refused login):
    /// the job goes on with fewer sessions.
    static func extraSession(_ recipe: SessionRecipe, configuration: ClientConfiguration, type: TransferType,
                             notice: @escaping (String) -> Void) -> FTPClient? {
        let client = FTPClient(configuration: configuration)
        client.onEvent = { event in if case .notice(let text) = event { notice(text) } }
        do throws(FTPError) { try client.reopen(recipe, type: type) } catch {
            notice("one more session could not be opened (\(error.message)); going on with fewer")
            client.close()
            return nil
        }
        if let learned = recipe.dataChannel { client.dataChannelMemory = learned }
        return client
    }

    /// The recipe with `directory` set to where this session is now (PWD), for the sessions of a job.
    public func pinned(_ recipe: SessionRecipe) throws(FTPError) -> SessionRecipe {
        var pinned = recipe
        pinned.directory = try currentDirectory()
        pinned.dataChannel = dataChannelMemory
        return pinned
    }
}
