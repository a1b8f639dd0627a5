import CFerrySys
import FerryClient
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// From argv to an exit status: parse the flags, build the settings and the shell, then run one of the
/// three modes: a session (interactive or a script), URL downloads, or an upload (-u).
public enum FerryMain {
    public static let version = FerryVersion.string

    public static func run(_ arguments: [String]) -> Int32 {
        // OpenSSL writes to sockets with write(2): a peer that resets mid-upload must be an error, not a kill.
        // Every write checks its result, so EPIPE is reported where it happens.
        signal(SIGPIPE, SIG_IGN)
        let options: FerryOptions
        do {
            let parsed = try FerryOptions.parseOrHelp(arguments)
            if parsed.wantsHelp {
                Console.write(1, FerryOptions.helpText)
                return 0
            }
            options = parsed.options
        } catch {
            // One line that says what was wrong, then where to look (not the whole usage block).
            let reason = (error as? CommandLineError)?.reason ?? "\(error)"
            Console.write(2, "ferry: \(reason); try 'ferry --help'\n")
            return 2
        }
        if options.version {
            Console.write(1, "ferry \(version)\n")
            return 0
        }
        if options.commandReference {
            Console.write(1, CommandTable.standard.markdownReference())
            return 0
        }
        if options.manPage {
            Console.write(1, ManPage.render(CommandTable.standard))
            return 0
        }
        let interactive = isatty(0) == 1
        let console = Console.standard()
        let (settings, configuration) = settings(from: options, interactive: interactive, console: console)
        let shell = Shell(settings: settings, configuration: configuration, console: console,
                          reader: reader(interactive: interactive && !options.noEditing), interactive: interactive)
        // The line reader is made before the shell; completion reaches the shell's session from here on.
        (shell.reader as? EditLineReader)?.completer = { [unowned shell] in shell.complete($0) }
        if interactive { installInterruptHandler() }

        if options.diagnose {
            do {
                var request = try Shell.hostTarget(options.targets)
                request.json = options.json
                request.tracePath = options.tracePath
                request.probeWait = options.quitTime.map { min(max($0, 1), 60) } ?? configuration.firewallWait
                shell.perform { $0.runDiagnosis(request) }
                return shell.exitStatus
            } catch {
                Console.write(2, "ferry: \(error.reason); try 'ferry --help'\n")
                return 2
            }
        }
        if let upload = options.uploadURL {
            return OneShot(shell: shell, options: options).upload(to: upload, files: options.targets)
        }
        if let first = options.targets.first, first.contains("://"),
           !first.lowercased().hasPrefix("ftp://"), !first.lowercased().hasPrefix("ftps://") {
            Console.write(2, "ferry: '\(OneShot.redacted(first))' is not an FTP URL; Ferry takes ftp:// and ftps:// URLs\n")
            return 2
        }
        if let first = options.targets.first, first.lowercased().hasPrefix("ftp://") || first.lowercased().hasPrefix("ftps://") {
            return OneShot(shell: shell, options: options).fetch(options.targets)
        }
        if let host = options.targets.first {
            let port = options.targets.count > 1 ? options.targets[1] : options.port.map(String.init)
            // An init macro (.netrc) that ends with quit or bye ends Ferry there, as in tnftp.
            if connect(shell, host: host, port: port, retryWait: options.retryWait) == .quit { return shell.exitStatus }
        }
        return shell.run()
    }

    /// `open`, retried every `retryWait` seconds (at most 10 tries) when asked. Returns the last outcome (`.quit`:
    /// the init macro quit).
    @discardableResult
    static func connect(_ shell: Shell, host: String, port: String?, retryWait: Double?) -> CommandOutcome {
        let arguments = [host] + (port.map { [$0] } ?? [])
        let failuresBefore = shell.failures
        var outcome = CommandOutcome.success
        for attempt in 1...10 {
            outcome = shell.perform { $0.open(arguments) }
            if outcome == .success { shell.forgiveFailures(after: failuresBefore) }
            guard outcome != .success, outcome != .quit, let retryWait, attempt < 10, !shell.client.isConnected else { break }
            shell.console.error("Retrying in \(retryWait) s (attempt \(attempt + 1) of 10).")
            guard Pause.sleep(min(retryWait, 3600)) else { break }
        }
        return outcome
    }

    /// The shell's settings and the client's configuration the command line and the environment ask for.
    static func settings(from options: FerryOptions, interactive: Bool,
                         console: Console) -> (Settings, ClientConfiguration) {
        var settings = Settings()
        var client = ClientConfiguration()
        settings.verbose = options.verbose || (!options.quiet && console.outputIsTerminal)
        settings.allReplies = options.verbose
        // Progress goes to standard error: shown whenever that is a terminal, also with standard output in a file.
        settings.progress = !options.quiet && console.errorIsTerminal
        settings.debug = options.debug
        settings.trace = options.trace
        settings.autoLogin = !options.noAutoLogin
        settings.anonymous = options.anonymous
        settings.glob = !options.noGlob
        settings.prompt = !options.noPrompt
        settings.exitOnError = options.exitOnError
        if let segments = options.segments {
            settings.pgetSegments = segments
            settings.pgetThreshold = 0
        }
        settings.netrcPath = Netrc.defaultPath(explicit: options.netrc)
        if let pager = getenv("PAGER"), pager.pointee != 0 { settings.pager = String(cString: pager) }
        if let anonymous = getenv("FTPANONPASS") { settings.anonymousPassword = String(cString: anonymous) }
        if let prompt = getenv("FTPPROMPT") { settings.promptText = String(cString: prompt) }
        if options.ipv4 { client.addressFamily = .ipv4 }
        if options.ipv6 { client.addressFamily = .ipv6 }
        if let mode = getenv("FTPMODE").map({ String(cString: $0) }) {
            if mode == "active" { client.dataMode = .active; client.fallback = false }
            if mode == "passive" { client.dataMode = .passive; client.fallback = false }
        }
        if options.active {
            client.dataMode = .active
            client.fallback = false
        }
        if options.passive {
            client.dataMode = .passive
            client.fallback = false
        }
        if let quitTime = options.quitTime {
            client.stallTimeout = quitTime
            client.replyTimeout = quitTime
        }
        if let throttle = options.throttle.flatMap(FerryOptions.parseThrottle) {
            client.downloadRateLimit = throttle.get.flatMap { $0 > 0 ? $0 : nil }
            client.uploadRateLimit = throttle.put.flatMap { $0 > 0 ? $0 : nil }
        }
        client.socketBufferSize = options.bufferSize
        if options.tls { client.tls.mode = .required }
        if options.tlsTry { client.tls.mode = .opportunistic }
        if options.tlsImplicit { client.tls.mode = .implicit }
        client.tls.caFile = options.cacert
        client.tls.verifyPeer = !options.insecure
        if options.tlsMax == "1.2" { client.tls.maximumVersion = .tls12 }
        client.sourceAddress = options.sourceAddress
        return (settings, client)
    }

    static func reader(interactive: Bool) -> LineReader {
        let history = HistoryFile.defaultPath { name in getenv(name).map { String(cString: $0) } }
        if interactive, let editor = EditLineReader(historyPath: history) { return editor }
        return PlainLineReader(showPrompt: interactive)
    }

    /// Ctrl-C sets the interruption flag; blocking waits return instead of restarting.
    static func installInterruptHandler() {
        Interruption.clear()   // initialise the flag before a signal can touch it
        _ = ferry_install_interrupt_handler { _ in Interruption.request() }
    }
}
