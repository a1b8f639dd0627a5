import FerryCore

/// What the planner says of what it could not do: skips, failures, the plan's limits, and the reasons that keep a
/// run from deleting anything.
extension MirrorPlanner {
    /// Entries a whole plan may list: a server that makes up folders without end is stopped here.
    static let totalEntryLimit = 20_000_000
    /// Bytes counted for each entry beside its name, for `--plan-budget`.
    static let entryOverhead: Int64 = 64

    /// Counts a folder's source entries against the plan's limits (20,000,000 entries, `--plan-budget` bytes of
    /// names); past either the plan stops, the folder fails and nothing is deleted.
    func withinLimits(counting nodes: [MirrorNode], at relative: String) -> Bool {
        listed += nodes.count
        for node in nodes { listedBytes += Int64(node.name.utf8.count) + MirrorPlanner.entryOverhead }
        guard listed > MirrorPlanner.totalEntryLimit || listedBytes > options.planBudget else { return true }
        fail(relative, listed > MirrorPlanner.totalEntryLimit
             ? "the source tree has more than \(MirrorPlanner.totalEntryLimit) entries; the plan stops here"
             : "the source's names passed the plan's budget of \(options.planBudget) bytes (--plan-budget); the plan stops here")
        blockDeletions("the plan was not finished")
        stopped = true
        return false
    }

    func skip(_ path: String, _ reason: String) {
        plan.skipped += 1
        say(.skip(path: path, reason: reason))
    }

    func fail(_ path: String, _ message: String) {
        plan.failed += 1
        say(.failed(path: path, message: message))
    }

    /// A listing the server cut short: the folder counts as failed (the run exits non-zero) and nothing is
    /// deleted anywhere, since a name missing from it may well exist.
    func refuseIncomplete(_ cut: FTPError, at relative: String, of side: Side) {
        fail(relative, "\(cut.message); nothing is deleted while a listing is incomplete")
        blockDeletions("the server cut the listing of '\(side.describe(relative))' short")
    }

    func blockDeletions(_ reason: String) {
        if plan.deletionsBlocked == nil { plan.deletionsBlocked = reason }
    }
}
