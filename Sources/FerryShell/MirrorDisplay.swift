import FerryClient
import FerryCore
import Synchronization

/// Renders a mirror's events: the plan (`--dry-run`), what was done (a line per copy, folder and deletion),
/// failures on standard error, one overall progress line on a terminal, and the summary; or all of it as JSON
/// lines (`--json`). Events come from the pool's threads too; each is drawn whole under a lock.
/// @unchecked: every stored var is read and written under `lock` (or before the mirror starts its threads).
final class MirrorDisplay: @unchecked Sendable {
    private let console: Console
    private let json: Bool
    private let dryRun: Bool
    private let verbose: Bool
    /// -v or -d: every skipped unchanged file gets a line.
    var listsUnchanged = false
    /// A dry run's deletions, said after the rest of the plan (they run last).
    private var plannedDeletions: [(String, Bool)] = []
    private let showsLine: Bool
    private let verb: String
    private let lock = Mutex(())
    private var job: JobProgress?
    private var names: [String] = []
    private var segmentedLine: SharedProgress?
    /// How the target's top folder is named in lines (the path "" stands for it).
    var targetName = "."

    init(console: Console, json: Bool, dryRun: Bool, verbose: Bool, showsLine: Bool, upload: Bool) {
        self.console = console
        self.json = json
        self.dryRun = dryRun
        self.verbose = verbose
        self.showsLine = showsLine
        verb = upload ? "put" : "get"
    }

    func handle(_ event: TreeMirror.Event) {
        switch event {
        case .transfer(let poolEvent):
            // JobProgress draws the overall line and says failures and retries; the lines of finished files are ours.
            // What `.job` set is read under the lock (the pool's threads send these events).
            let (job, names) = lock.withLock { _ in (self.job, self.names) }
            if !json { job?.handle(poolEvent) }
            if case .finished(let index, let result) = poolEvent { finished(names[index], result) }
        case .segmented(let segmentEvent):
            lock.withLock { _ in segmentedLine }?.handle(segmentEvent)
        default:
            lock.withLock { _ in handleLocked(event) }
        }
    }

    private func handleLocked(_ event: TreeMirror.Event) {
        switch event {
        case .planned(let action): planned(action)
        case .madeDirectory(let path):
            if !dryRun { say(["action": "mkdir", "path": path.isEmpty ? targetName : path, "status": "done"], text: "mkdir \(path.isEmpty ? targetName : path)") }
        case .job(let names, let sizes):
            self.names = names
            if !json { job = JobProgress(console: console, command: "mirror", names: names, sizes: sizes, showsLine: showsLine) }
        case .segmentedStarted(let name, _):
            if !json {
                segmentedLine = SharedProgress(line: showsLine ? ProgressLine(console: console, name: LocalName.lastComponent(name)) : nil,
                                               console: console, command: "mirror")
            }
        case .segmentedFinished(let name, let result):
            segmentedLine?.finish()
            segmentedLine = nil
            finishedLocked(name, result, reportFailure: true)
        case .deleted(let path, let isDirectory):
            say(["action": "delete", "path": path, "type": isDirectory ? "dir" : "file", "status": "done"], text: "delete \(path)")
        case .failed(let path, let message):
            failure(path, message)
        case .transfer, .segmented: break
        }
    }

    private func finished(_ name: String, _ result: Result<TransferResult, FTPError>) {
        lock.withLock { _ in finishedLocked(name, result, reportFailure: json) }
    }

    private func finishedLocked(_ name: String, _ result: Result<TransferResult, FTPError>, reportFailure: Bool) {
        switch result {
        case .success(let done):
            say(["action": verb, "path": name, "bytes": done.bytes, "status": "done"], text: "\(verb) \(name)")
        case .failure(let error):
            if reportFailure { failure(name, error.message) }
        }
    }

    private func planned(_ action: MirrorAction) {
        switch action {
        case .failed(let path, let message):
            failure(path, message)
        case .skip(let path, let reason):
            // What is unchanged is noise but under -v; a skipped link says something worth knowing.
            let shown = reason == "unchanged" ? listsUnchanged || json : dryRun || verbose || json
            guard shown else { return }
            say(["action": "skip", "path": path, "reason": reason], text: "skip \(path) (\(reason))")
        case .skipLink(let path):
            planned(.skip(path: path, reason: "symbolic link (--no-symlinks)"))
        case .transfer(let path, let size, let reason):
            guard dryRun else { return }
            say(["action": verb, "path": path, "size": size as Any, "reason": reason.rawValue],
                text: "\(verb) \(path) (\(reason.rawValue)\(size.map { ", \($0) bytes" } ?? ""))")
        case .makeDirectory(let path):
            guard dryRun else { return }
            say(["action": "mkdir", "path": path.isEmpty ? targetName : path], text: "mkdir \(path.isEmpty ? targetName : path)")
        case .delete(let path, let isDirectory):
            guard dryRun else { return }
            // Deletions run last: the plan lists them last.
            plannedDeletions.append((path, isDirectory))
        }
    }

    func note(_ text: String) {
        lock.withLock { _ in
            if json { say(["note": text], text: "") } else { console.error("mirror: \(text)") }
        }
    }

    func summary(_ summary: TreeMirror.Summary, planned plan: MirrorPlan?, seconds: Double) {
        lock.withLock { _ in
            // Deletions that will not be made (a listing cut short, --max-delete) are not listed as if they would.
            for (path, isDirectory) in summary.deletionsRefused == nil ? plannedDeletions : [] {
                say(["action": "delete", "path": path, "type": isDirectory ? "dir" : "file"], text: "delete \(path)")
            }
            plannedDeletions = []
            job?.finish(verbose: false, received: verb == "get")
            // Done: nothing said after this redraws the line (the prompt would be glued to it).
            job = nil
            let rounded = (seconds * 100).rounded() / 100
            if let refusal = summary.deletionsRefused {
                let refused = MirrorDisplay.words(for: refusal, dryRun: plan != nil)
                if json { say(["note": refused], text: "") } else { console.error("mirror: \(refused)") }
            }
            if let plan {
                let counts: [String: Any] = ["transfers": plan.transfers.count, "bytes": plan.bytesToTransfer,
                                             "directories": plan.directories.count, "deletions": plan.deletions.count,
                                             "skipped": summary.skipped, "failed": summary.failed]
                say(["plan": counts], text: "mirror (dry run): would \(verb) \(plan.transfers.count) files (\(plan.bytesToTransfer) bytes), make \(plan.directories.count) folders, delete \(plan.deletions.count); \(summary.skipped) skipped, \(summary.failed) failed")
                return
            }
            var counts: [String: Any] = ["transferred": summary.transferred, "deleted": summary.deleted,
                                         "skipped": summary.skipped, "failed": summary.failed,
                                         "bytes": summary.bytes, "seconds": rounded]
            var unfinished = ""
            if summary.unfinished > 0 {
                counts["unfinished"] = summary.unfinished
                unfinished = ", \(summary.unfinished) interrupted (their .part files are kept)"
            }
            say(["summary": counts], text: "mirror: \(summary.transferred) transferred (\(ByteFormat.short(summary.bytes))), \(summary.deleted) deleted, \(summary.skipped) skipped, \(summary.failed) failed\(unfinished) in \(rounded) s")
        }
    }

    /// Why deletions were not made, in mirror's own words and option names.
    static func words(for refusal: TreeMirror.DeletionRefusal, dryRun: Bool) -> String {
        let lead = dryRun ? "would delete nothing" : "nothing deleted"
        func plural(_ count: Int, _ word: String) -> String { "\(count) \(word)\(count == 1 ? "" : "s")" }
        switch refusal {
        case .blocked(let reason): return "\(lead): \(reason)"
        case .interrupted: return "\(lead): the mirror was interrupted"
        case .failures(let count): return "\(lead): \(plural(count, "item")) failed; run the mirror again"
        case .overMaximum(let planned, let maximum): return "\(lead): \(planned) deletions planned, more than --max-delete \(maximum)"
        case .notConfirmed(let count): return "\(lead): \(plural(count, "deletion")) not confirmed"
        }
    }

    private func failure(_ path: String, _ message: String) {
        if json {
            say(["action": "failed", "path": path, "error": message], text: "")
        } else {
            console.error(Console.sanitize("mirror: \(path.isEmpty ? "." : path): \(message)"))
        }
    }

    /// One line: text for people (sanitized), or one JSON object with the keys in a fixed order. While files move,
    /// the overall progress line steps aside for it.
    private func say(_ fields: [String: Any], text: String) {
        if json {
            console.line(MirrorDisplay.object(fields))
        } else if !text.isEmpty {
            if let job { job.say(Console.sanitize(text)) } else { console.line(Console.sanitize(text)) }
        }
    }

    private static let order = ["action", "path", "type", "size", "bytes", "reason", "status", "error", "note", "plan", "summary",
                                "transfers", "transferred", "directories", "deletions", "deleted", "skipped", "failed", "seconds"]

    static func object(_ fields: [String: Any]) -> String {
        let keys = fields.keys.sorted { (order.firstIndex(of: $0) ?? 99, $0) < (order.firstIndex(of: $1) ?? 99, $1) }
        return "{" + keys.map { "\"\($0)\":\(value(fields[$0]!))" }.joined(separator: ",") + "}"
    }

    private static func value(_ any: Any) -> String {
        switch any {
        case let text as String: return JSONLines.string(JSONLines.displayable(text))
        case let number as Int: return String(number)
        case let number as Int64: return String(number)
        case let number as Double: return String(number)
        case let optional as Int64?: return optional.map(String.init) ?? "null"
        case let nested as [String: Any]: return object(nested)
        default: return "null"
        }
    }
}
