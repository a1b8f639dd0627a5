import FerryClient
import FerryCore
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// open, user, close, quit.
extension Shell {
    func open(_ args: [String]) -> CommandOutcome {
        guard (1...2).contains(args.count) else { return .usage }
        let lowered = args[0].lowercased()
        if lowered.hasPrefix("ftp://") || lowered.hasPrefix("ftps://") {
            guard args.count == 1 else { return .failure("open: a URL carries its own port (ftp://host:port/); give it alone") }
            return openURL(args[0])
        }
        let target: DiagnoseRequest
        do { target = try Shell.hostTarget(args) } catch { return .failure("open: \(error.reason)") }
        guard let user = target.user, let password = target.password else {
            return open(host: target.host, port: target.port, user: target.user)
        }
        let outcome = open(host: target.host, port: target.port, user: nil, login: false)
        guard outcome == .success else { return outcome }
        return login(user: user, password: password, account: nil)
    }

    /// `open ftp://[user[:password]@]host[:port]/folder/`: the session, logged in as the URL says, in that folder.
    private func openURL(_ text: String) -> CommandOutcome {
        let url: FTPURL
        do { url = try FTPURL.parse(text) } catch { return .failure("open: \(error.words)") }
        // ftps:// is implicit TLS for this session only: the next open goes back to what `set tls` says.
        let outcome = open(host: url.host, port: url.port, user: nil, login: false, tls: url.implicitTLS ? .implicit : nil)
        guard outcome == .success else { return outcome }
        // As on the command line: the URL's user, else the .netrc login for the host, else anonymous.
        let logged: CommandOutcome
        if let user = url.user {
            logged = login(user: user, password: url.password, account: nil)
        } else if let found = credentials(for: url.host, user: nil, password: nil, useNetrc: settings.autoLogin) {
            logged = login(user: found.user, password: found.password, account: found.account)
        } else {
            logged = login(user: "anonymous", password: settings.anonymousPassword, account: nil)
        }
        guard logged == .success else { return logged }
        let folder = url.isDirectory ? url.segments.joined(separator: "/") : url.directory
        guard !folder.isEmpty, client.isLoggedIn else { return .success }
        do throws(FTPError) { _ = try client.changeDirectory(folder) } catch { return failure("open", error) }
        recordMove(Command(.cwd, folder))
        return .success
    }

    func open(host: String, port: UInt16, user: String?, login logIn: Bool = true,
              tls: TLSConfiguration.Mode? = nil) -> CommandOutcome {
        if client.isConnected { return .failure("Already connected to \(client.host ?? "a server"); use 'close' first.") }
        // The TLS mode an ftps:// URL imposed on the last session ends with it.
        if let before = tlsModeBeforeURL {
            configuration.tls.mode = before
            tlsModeBeforeURL = nil
        }
        if let tls, tls != configuration.tls.mode {
            tlsModeBeforeURL = configuration.tls.mode
            configuration.tls.mode = tls
        }
        // An explicit open starts afresh (a reconnection after a drop keeps what the session learned).
        client.forgetDataChannelKnowledge()
        prepareTLS(host: host, port: port)
        // A path that drops packets gives no answer for up to the connect timeout: say what is going on.
        let showing = interactive && console.errorIsTerminal
        if showing {
            console.status("Connecting to \(host) port \(port) (timeout \(Seconds.text(configuration.connectTimeout)) s)…")
            connectingShown = true
        }
        connectedLine = settings.verbose || interactive ? "Connected to \(host)." : nil
        do throws(FTPError) {
            defer {
                clearConnectingLine()
            }
            try client.connect(host: host, port: port)
        } catch {
            connectedLine = nil
            return failure("open", error)
        }
        // Said when the greeting arrived, before it is shown (as tnftp does); here when nothing showed it.
        if let line = connectedLine {
            connectedLine = nil
            console.chatter(line)
        }
        session = SessionRecipe(host: host, port: port)
        guard logIn else { return .success }
        if settings.anonymous {
            return login(user: "anonymous", password: settings.anonymousPassword, account: nil)
        }
        if let found = credentials(for: host, user: user, password: nil, useNetrc: settings.autoLogin) {
            let outcome = login(user: found.user, password: found.password, account: found.account)
            guard outcome == .success, let entry = found.netrc, user == nil else { return outcome }
            settings.macros.merge(entry.macros) { _, new in new }
            if entry.macros["init"] != nil { return runMacro(["init"]) }
            return outcome
        }
        if settings.autoLogin, interactive {
            // tnftp's default: $USER, else the account's own name.
            let fallback = getenv("USER").map { String(cString: $0) }
                ?? getpwuid(getuid()).flatMap { $0.pointee.pw_name.map { String(cString: $0) } } ?? "anonymous"
            console.status("Name (\(host):\(fallback)): ")
            guard case .line(let answer) = PlainLineReader(descriptor: 0).readLine(prompt: "") else {
                console.status("\n")   // Ctrl-C left the cursor after "^C"
                return .failure("Login failed: no user name given.")
            }
            let name = answer.trimmingCharacters(in: " \t")
            return login(user: name.isEmpty ? fallback : name, password: nil, account: nil)
        }
        return .success
    }

    /// Who to log in as, for `open` and for URLs alike: the user given (with the password given, else the .netrc
    /// password when the .netrc login is that user), else the .netrc login for the host; nil when neither names
    /// one (the caller asks, or logs in anonymously). `netrc` is the entry used, for its macros.
    func credentials(for host: String, user: String?, password: String?, useNetrc: Bool)
        -> (user: String, password: String?, account: String?, netrc: Netrc.Entry?)? {
        let entry = useNetrc ? netrcEntry(for: host) : nil
        if let user {
            let matching = entry?.login == user ? entry : nil
            return (user, password ?? matching?.password, password == nil ? matching?.account : nil, matching)
        }
        guard let entry, let login = entry.login else { return nil }
        return (login, entry.password, entry.account, entry)
    }

    /// The .netrc entry for `host` (or its default entry). A .netrc with a password that others can read
    /// is refused with a message, as ftp(1) does.
    func netrcEntry(for host: String) -> Netrc.Entry? {
        guard let path = settings.netrcPath else { return nil }
        do throws(Netrc.LoadError) {
            return try Netrc.load(path: path)?.entry(for: host)
        } catch {
            console.error("ferry: \(path) holds a password but others can read it; ignoring it (run: chmod 600 \(path))")
            return nil
        }
    }

    func user(_ args: [String]) -> CommandOutcome {
        guard (1...3).contains(args.count) else { return .usage }
        return login(user: args[0], password: args.count > 1 ? args[1] : nil, account: args.count > 2 ? args[2] : nil)
    }

    func login(user: String, password: String?, account: String?) -> CommandOutcome {
        var given = password
        do throws(FTPError) {
            try client.login(user: user, password: {
                given = password ?? self.askSecret("Password: ")
                return given
            }, account: account)
        } catch {
            return failure("login", error)
        }
        session?.user = user
        session?.password = given
        session?.account = account
        session?.protected = client.isProtected
        session?.moves = []
        // tnftp's words rather than the TYPE reply, unless every reply is wanted.
        let quietly = settings.verbose && !settings.allReplies && !settings.debug
        let saved = settings.verbose
        if quietly { settings.verbose = false }
        try? client.setType(settings.transferType)
        settings.verbose = saved
        if quietly { console.chatter("Using \(settings.transferType == .image ? "binary" : "ascii") mode to transfer files.") }
        return .success
    }

    /// Reads a secret with echo off; only a person at a terminal is asked.
    func askSecret(_ prompt: String) -> String? {
        guard interactive, isatty(0) == 1 else { return nil }
        console.status(prompt)
        var saved = termios()
        tcgetattr(0, &saved)
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(0, TCSAFLUSH, &quiet)
        defer {
            tcsetattr(0, TCSAFLUSH, &saved)
            console.status("\n")
        }
        guard case .line(let secret) = PlainLineReader(descriptor: 0).readLine(prompt: "") else { return nil }
        return secret
    }

    func close(_ args: [String]) -> CommandOutcome {
        client.quit()
        return .success
    }

    func quit(_ args: [String]) -> CommandOutcome {
        client.quit(briefly: true)
        return .quit
    }
}
