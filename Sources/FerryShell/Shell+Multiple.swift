import FerryClient
import FerryCore
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// mget, mput, mdelete, mreget, fget: wildcards are matched by Ferry, never sent to the server.
extension Shell {
    func mget(_ args: [String], mode: GetMode = .normal, command: String = "mget") -> CommandOutcome {
        guard let (parallel, args) = Shell.parallelOption(args, default: settings.parallel), !args.isEmpty else { return .usage }
        // runique names files one after another: it keeps the one-connection path.
        if parallel > 1, !settings.receiveUnique { return parallelGet(args, parallel: parallel, mode: mode, command: command) }
        return forEachRemote(args, command: command) { match in
            var local = LocalName.lastComponent(match.name)
            if settings.caseMapping, local == local.uppercased(), local != local.lowercased() { local = local.lowercased() }
            return fetchIntoFolder(match.name, as: local, mode: mode, command: command, known: match)
        }
    }

    func mdelete(_ args: [String]) -> CommandOutcome {
        guard !args.isEmpty else { return .usage }
        return forEachRemote(args, command: "mdelete") { match in
            verb("mdelete") { () throws(FTPError) in try client.delete(match.name) }
        }
    }

    func mput(_ args: [String]) -> CommandOutcome {
        guard let (parallel, args) = Shell.parallelOption(args, default: settings.parallel), !args.isEmpty else { return .usage }
        var names: [String] = []
        for pattern in args {
            let matched = settings.glob ? Shell.localGlob(pattern) : [pattern]
            if matched.isEmpty { return .failure("mput: no local file matches '\(pattern)'") }
            names += matched
        }
        if parallel > 1, !settings.storeUnique { return parallelPut(names, parallel: parallel) }
        var outcome = CommandOutcome.success
        var asking = true
        for (index, local) in names.enumerated() {
            guard let yes = approve("mput", local, asking: &asking) else { return outcome }
            if !yes { continue }
            jobPosition = names.count > 1 ? (index + 1, names.count) : nil
            defer { jobPosition = nil }
            let result = send(local, as: LocalName.lastComponent(local), mode: .replace, command: "mput")
            if result != .success { outcome = record(result) }
            if Interruption.isRequested { return outcome }
        }
        return outcome
    }

    /// fget local-file: gets every remote file named in it, one per line.
    func fget(_ args: [String]) -> CommandOutcome {
        guard args.count == 1 else { return .usage }
        let reader = PlainLineReader(descriptor: Glibc.open(args[0], O_RDONLY | O_CLOEXEC))
        var outcome = CommandOutcome.success
        var count = 0
        while true {
            let input = reader.readLine(prompt: "")
            if case .tooLong(let limit) = input {
                outcome = record(.failure("fget: a line of '\(Console.sanitize(args[0]))' is longer than \(limit) bytes; skipped"))
                continue
            }
            guard case .line(let line) = input else { break }
            let remote = line.trimmingCharacters(in: " \t")
            guard !remote.isEmpty else { continue }
            count += 1
            let result = fetchIntoFolder(remote, mode: .normal, command: "fget")
            if result != .success { outcome = record(result) }
            if Interruption.isRequested { break }
        }
        reader.close()
        return count == 0 && outcome == .success ? .failure("fget: '\(args[0])' names no files (or cannot be read)") : outcome
    }

    /// A remote file a pattern matched, with what the listing said of it.
    struct RemoteMatch {
        var name: String
        var size: Int64?
        var modified: Int64?
    }

    /// Expands each pattern against the remote listing and runs `body` on each match, asking first when
    /// a person is at the terminal. A pattern that matches nothing is a failure.
    private func forEachRemote(_ patterns: [String], command: String, _ body: (RemoteMatch) -> CommandOutcome) -> CommandOutcome {
        var outcome = CommandOutcome.success
        var asking = true
        diskFilled = false
        for pattern in patterns {
            guard let found = matches(pattern, command: command, outcome: &outcome) else { continue }
            for (index, match) in found.enumerated() {
                guard let yes = approve(command, match.name, asking: &asking) else { return outcome }
                if !yes { continue }
                jobPosition = found.count > 1 ? (index + 1, found.count) : nil
                defer { jobPosition = nil }
                let result = body(match)
                if result != .success { outcome = record(result) }
                // Ctrl-C stops the whole command, not just the file it came during; so does a full disk.
                if Interruption.isRequested { return outcome }
                if diskFilled {
                    let left = found.count - index - 1
                    if left > 0 { console.error("\(command): the local disk is full; the \(left) files after this one were not tried") }
                    return outcome
                }
            }
        }
        return outcome
    }

    /// Every match of every pattern that the user (at a terminal) said yes to, asked before anything moves:
    /// a parallel job needs its whole list first. `quit` stops the asking; what was chosen so far still goes.
    func chooseRemote(_ patterns: [String], command: String, outcome: inout CommandOutcome) -> [RemoteMatch] {
        var chosen: [RemoteMatch] = []
        var asking = true
        for pattern in patterns {
            guard let found = matches(pattern, command: command, outcome: &outcome) else { continue }
            for match in found {
                guard let yes = approve(command, match.name, asking: &asking) else { return chosen }
                if yes { chosen.append(match) }
            }
        }
        return chosen
    }

    /// The matches of one pattern; nil (the failure recorded) when the listing failed or nothing matched.
    private func matches(_ pattern: String, command: String, outcome: inout CommandOutcome) -> [RemoteMatch]? {
        var cut: FTPError?
        defer {
            // What the server did list still goes; the command fails, saying the rest was never shown.
            if let cut { outcome = record(.failure("\(command): \(cut.message); only the names it did list were matched\(Shell.words(for: cut.advice))")) }
        }
        switch expandRemote(pattern, cut: &cut) {
        case .failure(let error):
            outcome = record(failure(command, error))
            return nil
        case .success(let found) where found.isEmpty:
            outcome = record(.failure("\(command): no remote file matches '\(Console.sanitize(pattern))'"))
            return nil
        case .success(let found):
            return found
        }
    }

    /// Remote files matching `pattern` (fnmatch), from MLSD (files only) or the parsed LIST of the pattern's folder.
    /// A listing the server cut short still gives its matches; `cut` then says so.
    func expandRemote(_ pattern: String, cut: inout FTPError?) -> Result<[RemoteMatch], FTPError> {
        guard settings.glob, Shell.hasWildcard(pattern) else { return .success([RemoteMatch(name: pattern)]) }
        let slash = pattern.lastIndex(of: "/")
        let directory = slash.map { String(pattern[..<$0]) }.map { $0.isEmpty ? "/" : $0 }
        let entries: [ListingEntry]
        do throws(FTPError) { (entries, cut) = try client.listedEntries(in: directory) } catch { return .failure(error) }
        let prefix = slash.map { String(pattern[...$0]) } ?? ""
        // A listing names entries of one folder: a name with "/" or NUL, "." or ".." is the server's trick, not a file.
        let found = entries.filter { $0.kind != .directory && $0.format != .raw && LocalName.isPlainComponent($0.name) }
            // MLSD times are UTC to the second; a LIST time is the server's local time, or only a date: not for preserve.
            .map { RemoteMatch(name: prefix + $0.name, size: $0.size, modified: $0.format == .mlsd ? $0.modified : nil) }
        return .success(found.filter { fnmatch(pattern, $0.name, FNM_PATHNAME | FNM_PERIOD) == 0 }.sorted { $0.name < $1.name })
    }

    /// glob(3) on local patterns; a pattern without wildcards is kept as it is.
    static func localGlob(_ pattern: String) -> [String] {
        guard hasWildcard(pattern) else { return [pattern] }
        var result = glob_t()
        defer { globfree(&result) }
        guard Glibc.glob(pattern, 0, nil, &result) == 0 else { return [] }
        return (0..<Int(result.gl_pathc)).compactMap { result.gl_pathv[$0].map { String(cString: $0) } }
    }

    static func hasWildcard(_ pattern: String) -> Bool { pattern.contains { "*?[".contains($0) } }

    /// Prints a failure inside a multiple-file command and keeps it for the command's outcome.
    func record(_ outcome: CommandOutcome) -> CommandOutcome {
        if case .failure(let message) = outcome { console.error(Console.sanitize(message)) }
        return .reported
    }
}
