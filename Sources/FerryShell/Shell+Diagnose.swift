import FerryClient
import FerryCore
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// `diagnose` and `ferry --diagnose`: which data-connection methods get through to a server, and why.
extension Shell {
    struct DiagnoseRequest {
        var host: String
        var port: UInt16 = 21
        var user: String?
        var password: String?
        var json = false
        var tracePath: String?
        var probeWait: Double = 3
    }

    /// `diagnose [--json] [--trace file] [[user@]host[:port] [port]]`: without a host, the current session's server.
    func diagnose(_ args: [String]) -> CommandOutcome {
        var words = args[...]
        var json = false, trace: String?
        var targets: [String] = []
        while let word = words.popFirst() {
            switch word {
            case "--json": json = true
            case "--trace":
                guard let path = words.popFirst() else { return .usage }
                trace = path
            default: targets.append(word)
            }
        }
        var request: DiagnoseRequest
        if targets.isEmpty {
            guard let session else { return .failure("diagnose: give a host, or open a session first") }
            request = DiagnoseRequest(host: session.host, port: session.port, user: session.user, password: session.password)
        } else {
            do { request = try Shell.hostTarget(targets) } catch { return .failure("diagnose: \(error.reason)") }
        }
        request.json = json
        request.tracePath = trace
        request.probeWait = configuration.firewallWait
        return runDiagnosis(request)
    }

    /// "[user[:password]@]host[:port]" (an IPv6 address in brackets), or "host port": the target of `diagnose`,
    /// `--diagnose` and `open` alike.
    static func hostTarget(_ words: [String]) throws(CommandLineError) -> DiagnoseRequest {
        guard (1...2).contains(words.count) else { throw CommandLineError("give one [user@]host[:port]") }
        var text = words[0]
        var user: String?, password: String?
        if let at = text.lastIndex(of: "@") {
            user = String(text[..<at])
            text = String(text[text.index(after: at)...])
            // user:password@host, as in a URL: the password never becomes part of the user name.
            if let colon = user?.firstIndex(of: ":"), let whole = user {
                password = String(whole[whole.index(after: colon)...])
                user = String(whole[..<colon])
            }
            guard user?.isEmpty == false else { throw CommandLineError("'\(text)': the user name before '@' is empty") }
        }
        var host = text, portText: String?
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if rest.hasPrefix(":") { portText = String(rest.dropFirst()) } else if !rest.isEmpty {
                throw CommandLineError("'\(Shell.withoutUser(text))' is not host:port")
            }
        } else if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
            host = String(text[..<colon])
            portText = String(text[text.index(after: colon)...])
        }
        if words.count == 2 { portText = words[1] }
        guard !host.isEmpty, !host.contains(where: { $0 == "/" || $0.isWhitespace }) else {
            throw CommandLineError("'\(Shell.withoutUser(words[0]))' is not a host name or address")
        }
        var request = DiagnoseRequest(host: host, user: user, password: password)
        if let portText {
            guard let port = UInt16(portText), port > 0 else { throw CommandLineError("the port must be from 1 to 65535") }
            request.port = port
        }
        return request
    }

    /// The host part of "user[:password]@host…", for an error message (a password is never repeated).
    static func withoutUser(_ word: String) -> String {
        guard let at = word.lastIndex(of: "@") else { return word }
        return "…@" + word[word.index(after: at)...]
    }

    /// Runs the diagnosis on a client of its own (the session, if any, is left as it is) and prints the report.
    func runDiagnosis(_ request: DiagnoseRequest) -> CommandOutcome {
        var user = request.user ?? "anonymous", password = request.password
        if request.password == nil, let found = credentials(for: request.host, user: request.user, password: nil, useNetrc: true) {
            user = found.user
            password = found.password
        }
        if password == nil {
            password = user == "anonymous" || user == "ftp" ? settings.anonymousPassword : askSecret("Password for \(user): ")
        }
        var traceFile: Int32 = -1
        if let path = request.tracePath {
            // Never through a symlink; the trace may hold what the server said of the account: only its owner reads it.
            traceFile = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
            guard traceFile >= 0 else {
                return .failure("diagnose: cannot write the trace to \(path): \(FTPError.systemMessage(errno)); give another file")
            }
            _ = fchmod(traceFile, 0o600)
        }
        defer { if traceFile >= 0 { _ = Glibc.close(traceFile) } }
        let started = MonotonicClock.now
        let trace: (String) -> Void = { line in
            guard traceFile >= 0 else { return }
            let text = "[+\(Seconds.milliseconds(MonotonicClock.now - started))] \(line)\n"
            _ = text.utf8CString.withUnsafeBufferPointer { Glibc.write(traceFile, $0.baseAddress, $0.count - 1) }
        }
        trace("ferry \(FerryMain.version) --diagnose \(request.host) port \(request.port), \(request.probeWait) s per probe")
        prepareTLS(host: request.host, port: request.port)
        var diagnoser = ConnectionDiagnoser(host: request.host, port: request.port, user: user, password: password,
                                            configuration: configuration, probeWait: request.probeWait) { [unowned self] event in
            switch event {
            case .sent(let line): trace("--> \(line)")
            case .received(let reply): for line in reply.lines { trace("<-- \(line)") }
            case .notice(let text): trace("note: \(text)")
            case .progress: return
            }
            if settings.debug, case .sent(let line) = event { console.error("---> " + Console.sanitize(line)) }
        }
        let showing = console.errorIsTerminal && !request.json
        diagnoser.onProgress = { [unowned self] step in
            trace("step: \(step)")
            if showing { console.status("\r\u{1B}[K  … \(step)") }
        }
        let diagnosis = diagnoser.run()
        if showing { console.status("\r\u{1B}[K") }
        let report = DiagnosisReport(diagnosis: diagnosis, mode: configuration.dataMode, probeWait: request.probeWait)
        trace("verdict: \(report.verdict)")
        if request.json { console.raw(report.json) } else { console.raw(report.text) }
        return report.chosen != nil ? .success : .reported
    }
}
