import FerryClient
import FerryCore
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// mget -P N and mput -P N (lftp's spelling; `set parallel N` for the default): the files are chosen and named here,
/// then moved by a TransferPool on up to N sessions.
extension Shell {
    /// `-P N` or `-PN` before the file arguments, else the `parallel` setting; nil for a bad count.
    static func parallelOption(_ args: [String], default value: Int) -> (count: Int, rest: [String])? {
        guard let first = args.first, first.hasPrefix("-P") else { return (value, args) }
        let text = first == "-P" ? (args.count > 1 ? args[1] : "") : String(first.dropFirst(2))
        guard let count = Int(text), (1...16).contains(count) else { return nil }
        return (count, Array(args.dropFirst(first == "-P" ? 2 : 1)))
    }

    /// mget on `parallel` sessions: every match is asked about first, named by LocalName, then fetched.
    func parallelGet(_ patterns: [String], parallel: Int, mode: GetMode, command: String) -> CommandOutcome {
        var outcome = CommandOutcome.success
        var items: [TransferPool.Item] = []
        var taken = Set<String>()
        for match in chooseRemote(patterns, command: command, outcome: &outcome) {
            var name = LocalName.lastComponent(match.name)
            if settings.caseMapping, name == name.uppercased(), name != name.lowercased() { name = name.lowercased() }
            let decision: LocalName.Decision
            do throws(FTPError) { decision = try LocalName.forRemote(name) } catch {
                outcome = record(.failure("\(command): refusing the remote name '\(Console.sanitize(match.name))': \(error.message)"))
                continue
            }
            if let original = decision.original {
                console.error("\(command): saving '\(Console.sanitize(original))' as '\(Console.sanitize(decision.name))': the server's name is not safe to use as it is")
            }
            // Two sessions must never write one local file: a second match for the same name is left out.
            // Looked up in a set: constant time per file, whatever the number of matches.
            guard taken.insert(decision.name).inserted else {
                outcome = record(.failure("\(command): '\(Console.sanitize(match.name))' would be saved as '\(Console.sanitize(decision.name))' too; skipped"))
                continue
            }
            var item = TransferPool.Item(.download, remote: match.name, local: decision.name, size: match.size)
            // The listing's time when it gives one to the second (MLSD); else each session asks MDTM (vsftpd).
            item.modified = match.modified
            items.append(item)
        }
        var options = FTPClient.DownloadOptions()
        options.resume = mode == .resume
        options.resumeTargetItself = mode == .resume
        options.useTemporaryFile = settings.temporaryFiles
        options.verify = settings.verify
        let results = runJob(items, parallel: parallel, command: command, options: options, setsTimes: settings.preserve)
        return jobOutcome(results, command: command, before: outcome)
    }

    /// mput on `parallel` sessions: local names from glob(3), each stored under its last path component.
    func parallelPut(_ names: [String], parallel: Int) -> CommandOutcome {
        var chosen: [String] = []
        var asking = true
        for local in names {
            guard let yes = approve("mput", local, asking: &asking) else { break }
            if yes { chosen.append(local) }
        }
        var items: [TransferPool.Item] = []
        var taken = Set<String>()
        var outcome = CommandOutcome.success
        for local in chosen {
            let remote = LocalName.lastComponent(local)
            guard taken.insert(remote).inserted else {
                outcome = record(.failure("mput: '\(Console.sanitize(local))' would be stored as '\(Console.sanitize(remote))' too; skipped"))
                continue
            }
            var item = TransferPool.Item(.upload, remote: remote, local: local)
            item.viaTemporary = settings.temporaryUploads
            items.append(item)
        }
        let results = runJob(items, parallel: parallel, command: "mput", options: FTPClient.DownloadOptions())
        if !results.isEmpty { client.forgetListings() }
        return jobOutcome(results, command: "mput", before: outcome)
    }

    private func runJob(_ items: [TransferPool.Item], parallel: Int, command: String,
                        options: FTPClient.DownloadOptions, setsTimes: Bool = false) -> [Result<TransferResult, FTPError>] {
        guard !items.isEmpty, let session else { return [] }
        // Every session of the job works in the folder this one is in now, whatever moved it there (cd, quote CWD).
        let recipe: SessionRecipe
        do throws(FTPError) { recipe = try client.pinned(session) } catch {
            return items.map { _ in .failure(error) }
        }
        var policy = TransferJob.Policy()
        policy.type = settings.transferType
        policy.parallel = parallel
        policy.download = options
        policy.retries = settings.retries
        policy.preservesTimes = setsTimes
        let names = items.map { $0.direction == .download ? $0.remote : $0.local }
        let progress = JobProgress(console: console, command: command, names: names, sizes: items.map(\.size),
                                   showsLine: showsProgress)
        // One overall line for the job: the main session's replies stay off it (debug still shows them).
        quietReplies = true
        defer { quietReplies = false }
        let results = client.run(TransferJob(items, policy: policy), recipe: recipe) { event in
            if case .pool(let poolEvent) = event { progress.handle(poolEvent) }
        }
        // What arrived of the files that did not finish is in their .part files: measured there, not from the
        // last progress report.
        var kept: Int64 = 0
        for (item, result) in zip(items, results) where item.direction == .download {
            guard case .failure = result else { continue }
            var info = stat()
            if WireText.withCString(LocalName.partialPath(of: item.local), { lstat($0, &info) }) == 0,
               (info.st_mode & S_IFMT) == S_IFREG {
                kept += Int64(info.st_size)
            }
        }
        lastJobPartialBytes = kept
        progress.finish(verbose: settings.verbose, received: items[0].direction == .download, kept: kept)
        return results
    }

    /// One failure line for the command when any file failed (each was already said); success otherwise.
    private func jobOutcome(_ results: [Result<TransferResult, FTPError>], command: String,
                            before: CommandOutcome) -> CommandOutcome {
        let failed = results.filter { if case .failure = $0 { return true } else { return false } }.count
        let interrupted = results.contains { if case .failure(let error) = $0 { return error.code == .interrupted } else { return false } }
        let full = results.contains { if case .failure(let error) = $0 { return error.code == .diskFull } else { return false } }
        if full {
            return .failure("\(command): the local disk is full; \(results.count - failed) of \(results.count) files done, the job stopped there: free some space and run it again")
        }
        if interrupted {
            // What arrived of the unfinished files is kept in their .part files: say so, and how to go on.
            let kept = lastJobPartialBytes > 0 && command != "mput"
                ? ", \(ByteFormat.short(lastJobPartialBytes)) kept in their partial files; 'mreget' with the same names continues them"
                : ""
            return .failure("\(command): interrupted; \(results.count - failed) of \(results.count) files done\(kept)")
        }
        if failed > 0 { return .failure("\(command): \(failed) of \(results.count) files failed") }
        return before == .success ? .success : .reported
    }
}
