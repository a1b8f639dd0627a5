import FerryClient
import FerryCore
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// The command loop: reads lines, dispatches them through the command table, prints outcomes and keeps
/// the count of failures that becomes the exit status.
public final class Shell {
    public var settings: Settings
    public let client: FTPClient
    public let console: Console
    let table: CommandTable
    let reader: LineReader
    /// A person at a terminal: prompts are shown and questions may be asked.
    public let interactive: Bool
    /// Commands that failed in this run.
    public private(set) var failures = 0
    var progressLine: ProgressLine?
    var hashMarks: HashMarks?
    /// How deep macros are running inside macros (bounded).
    var macroDepth = 0
    /// How to get the session back after the connection dropped: where, who, and the cds since login.
    var session: SessionRecipe?
    /// When the last command finished, for the NOOP keepalive.
    var lastActivity = 0.0
    /// The command running now (nil while logging in at start), and the verb of the last command sent: replies
    /// to what the client asks on its own (FEAT, OPTS, SIZE, MDTM, PWD) are shown only when asked for.
    var runningCommand: CommandSpec?
    var lastSentVerb = ""
    /// Which file of a multiple-file command is moving, for the progress line ("[3/10] name").
    var jobPosition: (index: Int, count: Int)?
    /// The last transfer found the local disk full: a multiple-file command stops there (every later file would too).
    var diskFilled = false
    /// The local folder before the last lcd (`lcd -`).
    var previousLocalDirectory: String?
    /// The remote folder a `%/` prompt shows, and the client's folder generation it was asked at.
    var promptFolder: (generation: Int, path: String)?
    /// What TAB completes after, while a "(remote-file) " question waits ("get ").
    var completionPrefix = ""
    /// A listing TAB asked for timed out and the connection was closed with it (said at the next command).
    var completionDroppedConnection = false
    /// "Connecting to …" stands on the terminal's last line: the first thing shown next clears it.
    var connectingShown = false
    /// "Connected to HOST.", shown before the greeting when it arrives.
    var connectedLine: String?
    /// Bytes the last parallel download job left in `.part` files of unfinished files.
    var lastJobPartialBytes: Int64 = 0
    /// `set tls` as it was before an ftps:// URL's open made it implicit for that session.
    var tlsModeBeforeURL: TLSConfiguration.Mode?
    /// A job draws its own progress and its replies are internal (pget): only debug shows them.
    var quietReplies = false
    /// TAB is fetching a listing: the session's chatter stays off the line being edited.
    var completing = false

    /// The client's timeouts, data-channel mode, buffers and TLS: one copy, in the client, which `set`, `passive`,
    /// `prot` and the rest change in place; extra sessions (mget -P, pget, mirror) start from it.
    public var configuration: ClientConfiguration {
        get { client.configuration }
        set { client.configuration = newValue }
    }

    public init(settings: Settings, configuration: ClientConfiguration = ClientConfiguration(), console: Console,
                reader: LineReader, interactive: Bool, table: CommandTable = CommandTable.standard) {
        self.settings = settings
        self.console = console
        self.reader = reader
        self.interactive = interactive
        self.table = table
        var configuration = configuration
        // The fixes in the client's data-connection errors name the shell's own settings.
        configuration.settingNames = Shell.settingNames
        self.client = FTPClient(configuration: configuration)
        client.onEvent = { [unowned self] in self.show($0) }
    }

    /// How the client's error texts name the settings that fix them: as `set` commands.
    static let settingNames = SettingNames(setActiveAddress: "set active-address", distrustPASV: "set trust-pasv off",
                                           stayStrict: "set fallback off")

    /// Reads and runs commands until `quit` or the end of input; returns the exit status.
    public func run() -> Int32 {
        while true {
            Interruption.clear()
            switch reader.readCommand(prompt: currentPrompt) {
            case .endOfInput:
                if interactive { console.line("") }
                client.quit(briefly: true)
                return exitStatus
            case .interrupted:
                continue
            case .tooLong(let limit):
                _ = report(.failure("a command line longer than \(limit) bytes was skipped whole"), command: nil)
                if settings.exitOnError, !interactive {
                    client.quit(briefly: true)
                    return exitStatus
                }
            case .line(let line):
                // A Ctrl-C while the prompt was drawn (%/ asks PWD) or TAB fetched a listing ended that, not this.
                Interruption.clear()
                let outcome = execute(line: line)
                if outcome == .quit { return exitStatus }
                if settings.exitOnError, !interactive, failures > 0 {
                    client.quit(briefly: true)
                    return exitStatus
                }
            }
        }
    }

    public var exitStatus: Int32 { failures == 0 ? 0 : 1 }

    /// Forgets failures after `count`: attempts that a later retry made good (-r).
    func forgiveFailures(after count: Int) { failures = min(failures, count) }

    /// Runs one command line. Failures are printed and counted.
    @discardableResult
    public func execute(line: String) -> CommandOutcome {
        let words: [String]
        do { words = try Tokenizer.split(line) } catch {
            return report(.failure("unterminated quote in the command line"), command: nil)
        }
        guard let name = words.first else { return .success }
        return execute(command: name, arguments: Array(words.dropFirst()))
    }

    /// Runs a command already split into words.
    @discardableResult
    public func execute(command name: String, arguments: [String]) -> CommandOutcome {
        switch table.lookup(name) {
        case .invalid:
            if let close = table.suggestion(for: name) {
                return report(.failure("?Invalid command. Did you mean '\(close)'?"), command: nil)
            }
            return report(.failure("?Invalid command."), command: nil)
        case .ambiguous:
            return report(.failure("?Ambiguous command."), command: nil)
        case .found(let spec):
            if spec.needsConnection, !client.isConnected {
                // A reply that timed out closed the connection (a late reply must not answer the next command):
                // get the session back, as after a drop, before running this one.
                guard client.droppedAfterTimeout, session != nil else { return report(.failure("Not connected."), command: nil) }
                console.error(completionDroppedConnection
                    ? "A listing for TAB did not come in time, so the connection was closed; reconnecting."
                    : client.abandonedDuringConnectBack
                    ? "The server was still trying to connect back, so the connection was closed; reconnecting."
                    : client.droppedAfterInterrupt
                    ? "The last command was interrupted before its reply came, so the connection was closed; reconnecting."
                    : "The last reply timed out, so the connection was closed; reconnecting.")
                completionDroppedConnection = false
                if case .failure(let message) = reconnect() { return report(.failure(message), command: nil) }
            }
            if spec.needsConnection { keepAliveIfIdle() }
            var arguments = arguments
            // tnftp at a terminal asks for a missing first argument: "(remote-file) ".
            if arguments.isEmpty, interactive, let wanted = spec.requiredArgumentName {
                completionPrefix = spec.name + " "
                let read = reader.readLine(prompt: "(\(wanted)) ")
                completionPrefix = ""
                guard case .line(let answer) = read, let words = try? Tokenizer.split(answer), !words.isEmpty else {
                    return report(.usage, command: spec)
                }
                // History keeps the whole command, secrets masked as for any line.
                reader.remember(spec.name + " " + answer)
                arguments = words
            }
            runningCommand = spec
            defer { runningCommand = nil }
            return perform(spec) { spec.handler($0, arguments) }
        }
    }

    /// Runs a handler as a typed command runs: the outcome printed and counted, the idle clock reset when the
    /// server was involved. The one-shot modes call handlers through this too.
    @discardableResult
    func perform(_ spec: CommandSpec? = nil, _ handler: (Shell) -> CommandOutcome) -> CommandOutcome {
        let wasConnected = client.isConnected
        defer { if (spec?.needsConnection ?? false) || (!wasConnected && client.isConnected) { markActivity() } }
        return report(handler(self), command: spec)
    }

    private func report(_ outcome: CommandOutcome, command: CommandSpec?) -> CommandOutcome {
        switch outcome {
        case .success, .quit:
            break
        case .failure(let message):
            failures += 1
            // One line, of a readable length, whatever a server put into it.
            if !message.isEmpty { console.error(Console.sanitize(Shell.shortened(message))) }
        case .usage:
            failures += 1
            console.error(command?.usage ?? "usage: help [command]")
        case .reported:
            failures += 1
        }
        return outcome
    }

    /// The first line of `message`, at most 1,000 characters (a hostile reply can be megabytes).
    static func shortened(_ message: String) -> String {
        let line = message.prefix { $0 != "\n" && $0 != "\r" }
        return line.count > 1000 ? String(line.prefix(1000)) + "…" : String(line)
    }

    /// Reports a failure that no command returned (bad URL, failed one-shot login).
    func fail(_ message: String) {
        _ = report(.failure(message), command: nil)
    }

    /// Turns a client error into a failure line: "get: <what happened; what to do>".
    func failure(_ command: String, _ error: FTPError) -> CommandOutcome {
        if error.code == .notConnected { return .failure("Not connected.") }
        // 530 to a command after the login failed is the login's fault, not the command's (TYPE, PASV, LIST…).
        if error.code != .loginFailed, error.reply?.code == ReplyCode(530), client.isConnected, !client.isLoggedIn {
            return .failure("\(command): not logged in (\(error.reply?.summary ?? "530")); log in with 'user NAME', or put the host in ~/.netrc")
        }
        if command == "open", configuration.tls.mode == .implicit, error.message.contains("wrong version number") {
            // Plain text came back where TLS was expected (a "220" greeting): an explicit-TLS port.
            return .failure("\(command): \(error.message): the server at this port answered in clear text, as an explicit-TLS server does; use ftp:// with --tls (AUTH TLS) instead of ftps://")
        }
        if error.code == .loginFailed, !client.isProtected, let reply = error.reply, reply.code == ReplyCode(530),
           Shell.asksForTLS(reply.text) {
            let why = "the server wants TLS"
            let blame = "; check the user name and password"
            let message = error.message.hasSuffix(blame) ? String(error.message.dropLast(blame.count)) : error.message
            return .failure("\(command): \(message); \(why): connect with --tls (or 'set tls required' before open)")
        }
        let advice = Shell.words(for: error.advice)
        let message = !advice.isEmpty && error.message.hasSuffix(".") ? String(error.message.dropLast()) : error.message
        return .failure("\(command): \(message)\(advice)")
    }

    /// A 530 that asks for encryption (vsftpd "must use encryption", proftpd/pure-ftpd "SSL/TLS required").
    static func asksForTLS(_ text: String) -> Bool {
        let lowered = text.lowercased()
        return ["encrypt", "tls", "ssl", "secure connection"].contains { lowered.contains($0) }
    }

    /// FerryClient says what can help as a fact; here it is said with the shell's commands and flags.
    static func words(for advice: FTPError.Advice?) -> String {
        switch advice {
        case nil: return ""
        case .reconnect: return "; reconnect with 'open'"
        case .switchDataMode: return "; try 'passive' to switch modes, or 'epsv4 off'"
        case .trustCertificate: return "; trust it with --cacert FILE or interactively, or skip checks with --insecure"
        case .withoutTLS: return "; drop --tls to connect in clear text"
        case .withTLS: return "; connect with --tls first"
        case .resumeLater: return "; 'reget' continues it"
        case .continueSegmented: return "; run pget again to continue"
        case .downloadAgain: return "; delete it, or use 'get'"
        case .uploadAgain: return "; use 'put' to replace it"
        case .installOpenSSL: return "; install OpenSSL 3 (Debian: libssl3 or libssl3t64)"
        case .raiseListingLimit:
            return "; ask the server's admin to raise its listing limit, or work in smaller folders"
        }
    }

    /// A reply to a command the client sent on its own, while a command that is not about it runs.
    private var isBackgroundReply: Bool {
        guard Shell.backgroundVerbs.contains(lastSentVerb) else { return false }
        return runningCommand?.showsReplies != true
    }

    static let backgroundVerbs: Set<String> = ["FEAT", "OPTS", "SIZE", "MDTM", "PWD", "MLST", "TYPE"]


    /// Erases "Connecting to …" before anything else reaches the terminal.
    func clearConnectingLine() {
        guard connectingShown else { return }
        console.status("\r\u{1B}[K")
        connectingShown = false
    }

    func show(_ event: ClientEvent) {
        if completing { return }
        clearConnectingLine()
        if let line = connectedLine, case .received = event {
            connectedLine = nil
            console.chatter(line)
        }
        if case .progress = event {} else { progressLine?.clear() }
        switch event {
        case .sent(let line):
            lastSentVerb = String(line.prefix { $0 != " " }).uppercased()
            if settings.debug { console.chatter("---> " + Console.sanitize(line)) }
        case .received(let reply):
            hashMarks?.endLine()
            // -v shows every reply but the FEAT list the client asks for itself (tnftp shows that under -d only).
            let ownFeatures = isBackgroundReply && (lastSentVerb == "FEAT" || lastSentVerb == "OPTS")
            if settings.debug || settings.verbose && !quietReplies && (settings.allReplies && !ownFeatures || !isBackgroundReply) {
                // A command that exists to show the server's words (quote, rstatus, remotehelp) has them as its
                // result; every other reply is commentary.
                let isResult = runningCommand?.showsReplies == true && !isBackgroundReply
                for line in reply.lines { isResult ? console.line(Console.sanitize(line)) : console.chatter(Console.sanitize(line)) }
            }
        case .notice(let text):
            // Said once per session, whatever the verbosity: what the data channel had to do differently.
            console.error(Console.sanitize(text))
        case .progress(let progress):
            progressLine?.update(progress)
            hashMarks?.update(progress.bytes)
        }
    }
}
