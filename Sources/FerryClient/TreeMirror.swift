import FerryCore
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// `mirror`: makes a target tree like a source tree, down (server → here) or up (`-R`). First a plan is made
/// from both trees' listings (MirrorPlanner) and nothing changes; then folders are made, files copied on a pool
/// of sessions (TransferPool, big downloads in segments when asked) through `.part` → verify → rename with
/// times kept, and last — only when every listing was read whole, every copy succeeded and the count is within
/// `--max-delete` — what the source lacks is deleted. The mirror never prints: its owner renders the events.
public final class TreeMirror {
    /// What a mirror says while it plans and runs.
    public enum Event: Sendable {
        /// The plan decided one entry.
        case planned(MirrorAction)
        /// A folder was created (its path from the top of the target tree).
        case madeDirectory(String)
        /// The files about to go on the pool, in the order the pool's events number them.
        case job(names: [String], sizes: [Int64?])
        /// An event of the pool that copies the files.
        case transfer(TransferPool.Event)
        /// A big download on several connections (`--use-pget-n`), its events, and its end.
        case segmentedStarted(String, Int64?)
        /// An event of the current segmented download.
        case segmented(SegmentedDownload.Event)
        /// The segmented download of that source path ended, with its result.
        case segmentedFinished(String, Result<TransferResult, FTPError>)
        /// An entry was deleted from the target tree.
        case deleted(String, isDirectory: Bool)
        /// Making a folder or deleting an entry failed: its path and the error message.
        case failed(String, String)
    }

    /// What a run did, in counts.
    public struct Summary: Sendable {
        /// Files copied.
        public var transferred = 0
        /// Entries deleted.
        public var deleted = 0
        /// Entries the plan left alone.
        public var skipped = 0
        /// Entries that failed: in the plan, in copying, making folders or deleting.
        public var failed = 0
        /// Bytes the copies moved.
        public var bytes: Int64 = 0
        /// Why planned deletions were not made.
        public var deletionsRefused: DeletionRefusal?
        /// Whether the run was interrupted (Ctrl-C or a cancelled task).
        public var interrupted = false
        /// Files stopped part way by an interruption (not counted as failed).
        public var unfinished = 0
        /// Creates a summary with every count at 0.
        public init() {}
    }

    /// Why planned deletions are not made; the shell words it (its option names, its advice).
    public enum DeletionRefusal: Sendable, Equatable {
        /// A listing was not read whole, the source was empty, the plan stopped (MirrorPlan.deletionsBlocked).
        case blocked(String)
        /// The run was interrupted before the deletions.
        case interrupted
        /// Some entries failed (their count): nothing is deleted after a failure.
        case failures(Int)
        /// More deletions were planned than `MirrorOptions.maxDelete` allows.
        case overMaximum(planned: Int, maximum: Int)
        /// The user answered no: not a failure of the mirror.
        case notConfirmed(Int)

        /// Whether the refusal makes the mirror fail (all but `notConfirmed`).
        public var isFailure: Bool { if case .notConfirmed = self { return false } else { return true } }
    }

    /// What the mirror was asked to do.
    public let options: MirrorOptions
    /// The server's folder, absolute and normal; and the local one as given.
    public let remoteRoot: String
    /// The local folder, as given ("." when empty).
    public let localRoot: String
    /// How often a failed transfer is tried again.
    public var policy = TransferEngine.Policy()
    /// How downloads behave; a mirror resumes `.part` files and starts over when one differs.
    public var downloadOptions = FTPClient.DownloadOptions()

    private let client: FTPClient
    private let recipe: SessionRecipe
    private let configuration: ClientConfiguration
    private let sink: @Sendable (Event) -> Void
    /// The session's folder before the mirror, where it is left afterwards.
    private let home: String

    /// `remote` is taken from the session's current folder when it is relative.
    public init(client: FTPClient, recipe: SessionRecipe, configuration: ClientConfiguration, options: MirrorOptions,
                remote: String, local: String, onEvent: @escaping @Sendable (Event) -> Void) throws(FTPError) {
        self.client = client
        self.recipe = recipe
        self.configuration = configuration
        self.options = options
        self.sink = onEvent
        home = try client.currentDirectory()
        remoteRoot = MirrorPath.normalized((remote.hasPrefix("/") ? "" : home) + "/" + remote)
        localRoot = local.isEmpty ? "." : local
        downloadOptions.resume = true
        downloadOptions.resumeTargetItself = false
        downloadOptions.useTemporaryFile = true
        downloadOptions.startOverWhenPartialDiffers = true
    }

    private var downloading: Bool { options.direction == .download }

    /// Reads both trees and decides; changes nothing.
    public func plan() throws(FTPError) -> MirrorPlan {
        defer { _ = try? client.changeDirectory(home) }
        let remoteSide = MirrorRemoteSide(client: client, root: remoteRoot)
        let localSide = MirrorLocalSide(root: localRoot)
        var info = stat()
        let localExists = WireText.withCString(localRoot) { stat($0, &info) } == 0
        if localExists, (info.st_mode & S_IFMT) != S_IFDIR {
            throw FTPError(.localFile, "'\(localRoot)' is not a folder")
        }
        let remoteExists = try remoteFolderExists()
        if downloading, !remoteExists {
            throw FTPError(.commandFailed, "cannot open the remote folder '\(remoteRoot)'; check the name with ls")
        }
        if !downloading, !localExists {
            throw FTPError(.localFile, "cannot open the local folder '\(localRoot)': \(FTPError.systemMessage(errno))")
        }
        let planner = MirrorPlanner(options: options,
                                    source: downloading ? .remote(remoteSide) : .local(localSide),
                                    target: downloading ? .local(localSide) : .remote(remoteSide),
                                    remote: remoteSide) { [sink] in sink(.planned($0)) }
        planner.rootIdentity = downloading ? try remoteIdentity() : nil
        if options.parallel > 1 {
            planner.makePrefetch = { [recipe, configuration, options] side in
                MirrorPrefetch(sessions: options.parallel - 1, recipe: recipe, configuration: configuration, like: side)
            }
        }
        return planner.run(targetExists: downloading ? localExists : remoteExists)
    }

    /// CWD there and back: whether the server has the folder.
    private func remoteFolderExists() throws(FTPError) -> Bool {
        let here = try client.currentDirectory()
        guard (try FTPClient.unlessRefused { () throws(FTPError) in try client.changeDirectory(remoteRoot) }) != nil else { return false }
        _ = try client.changeDirectory(here)
        return true
    }

    /// The MLST `unique` fact of the remote top folder, so a link back to it is seen as a loop at once.
    private func remoteIdentity() throws(FTPError) -> String? {
        guard client.features.supports("MLST"),
              let reply = try FTPClient.unlessRefused({ () throws(FTPError) in try client.machineFacts(remoteRoot) }),
              reply.lines.count >= 2 else { return nil }
        let line = Array(reply.lines[1].drop { $0 == " " }.utf8)
        return ListingParser.parseEntry(line[...], mlsd: true, context: ListingContext(now: 0))?.facts["unique"]
    }

    /// Carries the plan out. `allowDeletions`: the user agreed (the shell asks at a terminal).
    public func run(_ plan: MirrorPlan, allowDeletions: Bool) -> Summary {
        defer { _ = try? client.changeDirectory(home) }
        var summary = Summary()
        summary.skipped = plan.skipped
        summary.failed = plan.failed
        for directory in plan.directories {
            do throws(FTPError) { try makeDirectory(directory) } catch {
                summary.failed += 1
                sink(.failed(directory, error.message))
            }
        }
        copy(plan.transfers, into: &summary)
        delete(plan, allowed: allowDeletions, summary: &summary)
        return summary
    }

    private func makeDirectory(_ relative: String) throws(FTPError) {
        if downloading {
            let path = relative.isEmpty ? localRoot : MirrorPath.join(localRoot, relative)
            if WireText.withCString(path, { mkdir($0, 0o777) }) != 0 {
                let reason = errno
                var info = stat()
                guard reason == EEXIST, WireText.withCString(path, { lstat($0, &info) }) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
                    throw FTPError(.localFile, "cannot create the folder '\(path)': \(FTPError.systemMessage(reason))")
                }
            }
        } else {
            try client.makeDirectory(relative.isEmpty ? remoteRoot : MirrorPath.join(remoteRoot, relative))
        }
        sink(.madeDirectory(relative))
    }

    private func remotePath(_ relative: String) -> String { MirrorPath.join(remoteRoot, relative) }
    private func localPath(_ relative: String) -> String { MirrorPath.join(localRoot, relative) }

    private func copy(_ transfers: [MirrorTransfer], into summary: inout Summary) {
        guard !transfers.isEmpty, !Interruption.isRequested else {
            summary.interrupted = Interruption.isRequested
            return
        }
        // One job: big downloads go in segments (--use-pget-n), one after another; the rest on the pool. The
        // pooled files come first in it, so the pool's numbers are the job's and the display's.
        var policy = TransferJob.Policy()
        policy.type = .image
        policy.download = downloadOptions
        policy.retries = self.policy.retries
        policy.parallel = options.parallel
        policy.segments = downloading ? options.segments : 1
        policy.segmentThreshold = options.segmentThreshold
        policy.preservesTimes = true
        policy.stampsPartials = true
        var job = TransferJob([], policy: policy)
        job.items.reserveCapacity(transfers.count)
        for transfer in transfers {
            var item: TransferPool.Item
            if downloading {
                item = TransferPool.Item(.download, remote: remotePath(transfer.source), local: localPath(transfer.target), size: transfer.size)
            } else {
                item = TransferPool.Item(.upload, remote: remotePath(transfer.target), local: localPath(transfer.source), size: transfer.size)
                item.viaTemporary = true
                item.resumeFrom = transfer.resumeFrom
            }
            item.modified = transfer.modified
            job.items.append(item)
        }
        let pooledFirst = job.items.indices.filter { !job.isSegmented(job.items[$0]) } + job.items.indices.filter { job.isSegmented(job.items[$0]) }
        job.items = pooledFirst.map { job.items[$0] }
        let sources = pooledFirst.map { transfers[$0].source }
        let pooled = job.items.filter { !job.isSegmented($0) }
        if !pooled.isEmpty { sink(.job(names: Array(sources.prefix(pooled.count)), sizes: pooled.map(\.size))) }
        let sizes = job.items.map(\.size)
        let results = client.run(job, recipe: recipe) { [sink] event in
            switch event {
            case .pool(let poolEvent): sink(.transfer(poolEvent))
            case .segmentedStarted(let index): sink(.segmentedStarted(sources[index], sizes[index]))
            case .segmented(_, let segmentEvent): sink(.segmented(segmentEvent))
            case .segmentedFinished(let index, let result): sink(.segmentedFinished(sources[index], result))
            }
        }
        for result in results { count(result, into: &summary) }
        if Interruption.isRequested { summary.interrupted = true }
    }

    private func count(_ result: Result<TransferResult, FTPError>, into summary: inout Summary) {
        switch result {
        case .success(let done):
            summary.transferred += 1
            summary.bytes += done.bytes
        case .failure(let error) where error.code == .interrupted:
            // Stopped by Ctrl-C, not failed: its .part stays for the next run to continue.
            summary.interrupted = true
            summary.unfinished += 1
        case .failure:
            summary.failed += 1
        }
    }

    /// What stops the plan's deletions before anything is copied: a listing not read whole, more than
    /// `options.maxDelete`. Nil when nothing does (or nothing is to be deleted).
    public func deletionRefusal(for plan: MirrorPlan) -> DeletionRefusal? {
        guard !plan.deletions.isEmpty else { return nil }
        if let blocked = plan.deletionsBlocked { return .blocked(blocked) }
        if let most = options.maxDelete, plan.deletions.count > most {
            return .overMaximum(planned: plan.deletions.count, maximum: most)
        }
        return nil
    }

    /// Deletions come last and only when nothing speaks against them.
    private func delete(_ plan: MirrorPlan, allowed: Bool, summary: inout Summary) {
        guard !plan.deletions.isEmpty else { return }
        if let blocked = plan.deletionsBlocked {
            summary.deletionsRefused = .blocked(blocked)
        } else if summary.interrupted {
            summary.deletionsRefused = .interrupted
        } else if summary.failed > 0 {
            summary.deletionsRefused = .failures(summary.failed)
        } else if let refusal = deletionRefusal(for: plan) {
            summary.deletionsRefused = refusal
        } else if !allowed {
            summary.deletionsRefused = .notConfirmed(plan.deletions.count)
        }
        if summary.deletionsRefused != nil { return }
        for deletion in plan.deletions {
            if Interruption.isRequested { summary.interrupted = true; return }
            do throws(FTPError) {
                try remove(deletion)
                summary.deleted += 1
                sink(.deleted(deletion.path, isDirectory: deletion.isDirectory))
            } catch {
                summary.failed += 1
                sink(.failed(deletion.path, error.message))
            }
        }
    }

    private func remove(_ deletion: MirrorDeletion) throws(FTPError) {
        if downloading {
            let path = localPath(deletion.path)
            let status = WireText.withCString(path) { deletion.isDirectory ? rmdir($0) : unlink($0) }
            guard status == 0 else {
                throw FTPError(.localFile, "cannot delete '\(path)': \(FTPError.systemMessage(errno))")
            }
        } else if deletion.isDirectory {
            try client.removeDirectory(remotePath(deletion.path))
        } else {
            try client.delete(remotePath(deletion.path))
        }
    }
}
