import FerryClient
import FerryCore

/// mirror [OPTIONS] [SOURCE [TARGET]], with lftp's spelling: the options are read here, the work is FerryClient's
/// Mirror; this file words the plan, the progress and the summary.
extension Shell {
    struct MirrorRequest {
        var options = MirrorOptions()
        var dryRun = false
        var json = false
        var source: String?
        var target: String?
    }

    /// The options and paths of a mirror command line; a MirrorUsage says what is wrong with them (one line).
    func mirrorRequest(_ args: [String], spec: CommandSpec) throws(MirrorUsage) -> MirrorRequest {
        var request = MirrorRequest()
        request.options.parallel = settings.parallel
        func count(_ text: String?, _ name: String, _ range: ClosedRange<Int>) throws(MirrorUsage) -> Int {
            guard let text else { throw MirrorUsage("\(name) needs a number") }
            guard let value = Int(text), range.contains(value) else {
                throw MirrorUsage("\(name) takes a number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
            }
            return value
        }
        let read: (given: [CommandSpec.GivenOption], rest: [String])
        do throws(CommandSpec.OptionProblem) { read = try spec.readOptions(args) } catch { throw MirrorUsage(error.message) }
        for option in read.given {
            let name = option.name
            switch option.option.names[0] {
            case "-R": request.options.direction = .upload
            case "--delete": request.options.delete = true
            case "--dry-run": request.dryRun = true
            case "-n": request.options.onlyNewer = true
            case "--verify": request.options.verify = true
            case "--no-symlinks": request.options.followSymlinks = false
            case "--json": request.json = true
            case "-P": request.options.parallel = try count(option.value, name, 1...16)
            case "--max-delete": request.options.maxDelete = try count(option.value, name, 0...Int(Int32.max))
            case "--plan-budget":
                guard let text = option.value, let bytes = Shell.byteCount(text), bytes > 0 else {
                    throw MirrorUsage("--plan-budget takes a size such as 512m or 2g")
                }
                request.options.planBudget = Int64(bytes)
            case "--use-pget-n": request.options.segments = try count(option.value, name, 1...16)
            case "-X", "-I":
                // An empty pattern would match nothing or everything depending on the tool: refused (lftp #586).
                guard let pattern = option.value, !pattern.isEmpty else { throw MirrorUsage("\(name) needs a non-empty pattern") }
                if option.option.names[0] == "-X" { request.options.excludes.append(pattern) } else { request.options.includes.append(pattern) }
            default:
                throw MirrorUsage("'\(name)' is in mirror's table but not read here")
            }
        }
        let paths = read.rest
        guard paths.count <= 2 else { throw MirrorUsage("at most a source and a target, not \(paths.count) paths") }
        guard !paths.contains(where: \.isEmpty) else { throw MirrorUsage("an empty path") }
        request.source = paths.first
        request.target = paths.count == 2 ? paths[1] : nil
        return request
    }

    struct MirrorUsage: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    func mirror(_ args: [String], spec: CommandSpec) -> CommandOutcome {
        let request: MirrorRequest
        do throws(MirrorUsage) { request = try mirrorRequest(args, spec: spec) } catch { return .failure("mirror: \(error.message)") }
        guard let session else { return .failure("Not connected.") }
        let up = request.options.direction == .upload
        // lftp's defaults: the source is the current folder; the target is named after the source, or is the
        // current folder on the other side when the source is too.
        let source = request.source ?? "."
        // The target is named after the source's last folder (site/. is site); `.` is the current folder on the
        // other side too. A source whose name says nothing (`..`, `/`, a/b/..) needs a target named.
        let components = source.split(separator: "/").filter { $0 != "." }
        let sourceName = components.last.map(String.init)
        if request.target == nil, sourceName == ".." || (sourceName == nil && source.hasPrefix("/")) {
            return .failure("mirror: give a target folder for '\(Console.sanitize(source))'")
        }
        let target = request.target ?? sourceName ?? "."
        let recipe: SessionRecipe
        do throws(FTPError) { recipe = try client.pinned(session) } catch { return failure("mirror", error) }
        let display = MirrorDisplay(console: console, json: request.json, dryRun: request.dryRun, verbose: settings.verbose,
                                    showsLine: showsProgress && !request.json, upload: up)
        display.targetName = target
        display.listsUnchanged = settings.allReplies || settings.debug
        let mirror: TreeMirror
        do throws(FTPError) {
            mirror = try TreeMirror(client: client, recipe: recipe, configuration: configuration, options: request.options,
                                remote: up ? target : source, local: up ? source : target) { display.handle($0) }
        } catch { return failure("mirror", error) }
        mirror.policy.retries = settings.retries
        mirror.downloadOptions.verify = settings.verify
        let start = MonotonicClock.now
        // The mirror prints what it does; the main session's replies would land on the progress line.
        quietReplies = true
        defer { quietReplies = false }
        let plan: MirrorPlan
        do throws(FTPError) { plan = try mirror.plan() } catch { return failure("mirror", error) }
        if plan.verifyUnavailable {
            display.note("the server offers no checksum (HASH, XSHA256, XCRC): --verify compared sizes and times only")
        }
        if let offset = plan.serverTimeZoneOffset, offset != 0 || settings.verbose {
            display.note("the server's listing times are UTC\(offset >= 0 ? "+" : "-")\(abs(offset) / 3600):\(abs(offset) % 3600 / 60 < 10 ? "0" : "")\(abs(offset) % 3600 / 60) (from MDTM)")
        }
        if request.dryRun {
            var summary = TreeMirror.Summary()
            summary.skipped = plan.skipped
            summary.failed = plan.failed
            summary.deletionsRefused = mirror.deletionRefusal(for: plan)
            display.summary(summary, planned: plan, seconds: MonotonicClock.now - start)
            return summary.failed > 0 || summary.deletionsRefused != nil ? .reported : .success
        }
        var allowed = true
        if !plan.deletions.isEmpty, plan.deletionsBlocked == nil, interactive, settings.prompt {
            allowed = askToDelete(plan.deletions, where: up ? "on the server" : "here")
        }
        let summary = mirror.run(plan, allowDeletions: allowed)
        display.summary(summary, planned: nil, seconds: MonotonicClock.now - start)
        if up, summary.transferred + summary.deleted > 0 { client.forgetListings() }
        if summary.interrupted { return .failure("mirror: interrupted; run it again to continue") }
        return summary.failed > 0 || summary.deletionsRefused?.isFailure == true ? .reported : .success
    }

    /// TAB for mirror [source [target]]: a server folder then a local one; -R turns them round.
    static func mirrorCompletion(words: [String], position: Int) -> CompletionKind {
        let reverse = words.contains { $0 == "--reverse" || ($0.hasPrefix("-") && !$0.hasPrefix("--") && $0.contains("R")) }
        switch position {
        case 0: return reverse ? .localFolder : .remoteFolder
        case 1: return reverse ? .remoteFolder : .localFolder
        default: return .nothing
        }
    }

    /// Names what would go (the first 20, then how many more) before asking: an answer needs to know what it is to.
    private func askToDelete(_ deletions: [MirrorDeletion], where side: String) -> Bool {
        let count = deletions.count
        // With the question, on standard error: standard output may carry --json.
        console.error("Would delete \(side):")
        for deletion in deletions.prefix(20) {
            console.error("  \(Console.sanitize(deletion.path))\(deletion.isDirectory ? "/" : "")")
        }
        if count > 20 { console.error("  … and \(count - 20) more") }
        return askYesNo("Delete \(count) item\(count == 1 ? "" : "s") \(side) that the source does not have? [yn] ",
                        help: "Answer y (delete them) or n (keep them).")
    }
}
