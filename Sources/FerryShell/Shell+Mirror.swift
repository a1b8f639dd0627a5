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

    /// The options and paths of a mirror command line; nil on a usage error (said first when there is more to say).
    func mirrorRequest(_ args: [String]) -> MirrorRequest? {
        var request = MirrorRequest()
        request.options.parallel = settings.parallel
        var paths: [String] = []
        var index = 0
        func value(_ name: String, _ inline: String?) -> String? {
            if let inline { return inline }
            index += 1
            return index < args.count ? args[index] : nil
        }
        func count(_ text: String?, _ range: ClosedRange<Int>) -> Int? { text.flatMap { Int($0) }.flatMap { range.contains($0) ? $0 : nil } }
        while index < args.count {
            let word = args[index]
            let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
            let name = word.hasPrefix("--") ? parts[0] : word
            let inline = word.hasPrefix("--") && parts.count == 2 ? parts[1] : nil
            switch name {
            case "-R", "--reverse": request.options.direction = .upload
            case "--delete", "-e": request.options.delete = true
            case "--dry-run": request.dryRun = true
            case "-n", "--only-newer": request.options.onlyNewer = true
            case "--verify": request.options.verify = true
            case "--no-symlinks": request.options.followSymlinks = false
            case "--json": request.json = true
            case "-P", "--parallel":
                guard let n = count(value(name, inline), 1...16) else { return nil }
                request.options.parallel = n
            case _ where word.hasPrefix("-P") && word.count > 2:
                guard let n = count(String(word.dropFirst(2)), 1...16) else { return nil }
                request.options.parallel = n
            case "--max-delete":
                guard let n = count(value(name, inline), 0...Int(Int32.max)) else { return nil }
                request.options.maxDelete = n
            case "--use-pget-n":
                guard let n = count(value(name, inline), 1...16) else { return nil }
                request.options.segments = n
            case "-X", "--exclude-glob", "-I", "--include-glob":
                // An empty pattern would match nothing or everything depending on the tool: refused (lftp #586).
                guard let pattern = value(name, inline), !pattern.isEmpty else { return nil }
                if name == "-X" || name == "--exclude-glob" { request.options.excludes.append(pattern) } else { request.options.includes.append(pattern) }
            case "--":
                paths += args[(index + 1)...]
                index = args.count
            default:
                if word.hasPrefix("-"), word != "-" { return nil }
                paths.append(word)
            }
            index += 1
        }
        guard paths.count <= 2, !paths.contains(where: \.isEmpty) else { return nil }
        request.source = paths.first
        request.target = paths.count == 2 ? paths[1] : nil
        return request
    }

    func mirror(_ args: [String]) -> CommandOutcome {
        guard let request = mirrorRequest(args) else { return .usage }
        guard let session else { return .failure("Not connected.") }
        let up = request.options.direction == .upload
        // lftp's defaults: the source is the current folder; the target is named after the source, or is the
        // current folder on the other side when the source is too.
        let source = request.source ?? "."
        let sourceName = LocalName.lastComponent(source)
        let target = request.target ?? (sourceName == "." || sourceName == "/" || sourceName == ".." ? "." : sourceName)
        let recipe: SessionRecipe
        do throws(FTPError) { recipe = try client.pinned(session) } catch { return failure("mirror", error) }
        let display = MirrorDisplay(console: console, json: request.json, dryRun: request.dryRun, verbose: settings.verbose,
                                    showsLine: showsProgress && !request.json, upload: up)
        display.targetName = target
        let mirror: TreeMirror
        do throws(FTPError) {
            mirror = try TreeMirror(client: client, recipe: recipe, configuration: settings.client, options: request.options,
                                remote: up ? target : source, local: up ? source : target) { display.handle($0) }
        } catch { return failure("mirror", error) }
        mirror.policy.retries = settings.retries
        mirror.downloadOptions.verify = settings.verify
        let start = MonotonicClock.now
        let plan: MirrorPlan
        do throws(FTPError) { plan = try mirror.plan() } catch { return failure("mirror", error) }
        if let offset = plan.serverTimeZoneOffset, offset != 0 || settings.verbose {
            display.note("the server's listing times are UTC\(offset >= 0 ? "+" : "-")\(abs(offset) / 3600):\(abs(offset) % 3600 / 60 < 10 ? "0" : "")\(abs(offset) % 3600 / 60) (from MDTM)")
        }
        if request.dryRun {
            var summary = TreeMirror.Summary()
            summary.skipped = plan.skipped
            summary.failed = plan.failed
            if let blocked = plan.deletionsBlocked, !plan.deletions.isEmpty { summary.deletionsRefused = "would delete nothing: \(blocked)" }
            display.summary(summary, planned: plan, seconds: MonotonicClock.now - start)
            return summary.failed > 0 ? .failure("") : .success
        }
        var allowed = true
        if !plan.deletions.isEmpty, plan.deletionsBlocked == nil, interactive, settings.prompt {
            allowed = askToDelete(plan.deletions.count, where: up ? "on the server" : "here")
        }
        let summary = mirror.run(plan, allowDeletions: allowed)
        display.summary(summary, planned: nil, seconds: MonotonicClock.now - start)
        if up, summary.transferred + summary.deleted > 0 { client.forgetListings() }
        if summary.interrupted { return .failure("mirror: interrupted; run it again to continue") }
        return summary.failed > 0 || summary.deletionsRefused != nil && !plan.deletions.isEmpty && allowed ? .failure("") : .success
    }

    private func askToDelete(_ count: Int, where side: String) -> Bool {
        while true {
            switch reader.readLine(prompt: "Delete \(count) item\(count == 1 ? "" : "s") \(side) that the source does not have? [yn] ") {
            case .endOfInput, .interrupted, .tooLong: return false
            case .line(let line):
                switch line.trimmingCharacters(in: " \t").lowercased().first {
                case "y": return true
                case "n", nil: return false
                default: console.line("Answer y (delete them) or n (keep them).")
                }
            }
        }
    }
}
