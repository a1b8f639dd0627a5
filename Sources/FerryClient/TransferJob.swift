import FerryCore

/// One transfer job, whoever asks for it (mget -P, mput -P, mirror, a program of yours): the files, and one policy
/// held once. ``FTPClient/run(_:recipe:onEvent:)`` decides how each file moves: downloads of at least
/// `segmentThreshold` bytes in byte ranges on `segments` sessions at once (one such file after another), the rest
/// on a pool of `parallel` sessions, each file through ``TransferEngine`` (resumed, verified, retried alike).
public struct TransferJob: Sendable {
    /// One file of a job: which way, its remote and local paths, and its size when known.
    public typealias Item = TransferPool.Item

    /// How every file of the job moves.
    public struct Policy: Sendable {
        /// ASCII or binary (image).
        public var type: TransferType = .image
        /// Downloads: temporary `.part` files, verification, resuming (see ``FTPClient/DownloadOptions``).
        public var download = FTPClient.DownloadOptions()
        /// Times a cut, dropped or corrupt transfer is tried again.
        public var retries = 3
        /// Sessions moving files at once (the caller's own included).
        public var parallel = 1
        /// Sessions for one big download (1: none are split).
        public var segments = 1
        /// The size from which a download with a known size goes in segments.
        public var segmentThreshold: Int64 = 64 << 20
        /// Each copy takes its original's modification time.
        public var preservesTimes = false
        /// A kept `.part` is tied to the remote file's time from the listing (mirror).
        public var stampsPartials = false
        /// Creates a policy with every default: binary, 3 retries, one session, no segments.
        public init() {}
    }

    /// What a job says while it runs. Indices are positions in ``items``.
    public enum Event: Sendable {
        /// A file on the pool: started, progress, finished, a retry, a notice.
        case pool(TransferPool.Event)
        /// A download in segments began, made progress, ended.
        case segmentedStarted(Int)
        /// An event of the segmented download of the file at that index.
        case segmented(Int, SegmentedDownload.Event)
        /// The segmented download of the file at that index ended, with its result.
        case segmentedFinished(Int, Result<TransferResult, FTPError>)
    }

    /// The files, in the order results are returned.
    public var items: [Item]
    /// How every file moves.
    public var policy: Policy

    /// Creates a job of `items` under `policy`.
    public init(_ items: [Item], policy: Policy = Policy()) {
        self.items = items
        self.policy = policy
    }

    /// Whether `item` goes in segments under this policy.
    func isSegmented(_ item: Item) -> Bool {
        item.direction == .download && policy.segments > 1 && policy.type == .image && policy.download.useTemporaryFile
            && (item.size ?? 0) >= policy.segmentThreshold
    }
}

extension FTPClient {
    /// Runs `job` with this session as its first: the pooled files first (the extra sessions opened from `recipe`,
    /// which should be pinned to this session's folder, see ``pinned(_:)``; without one, this session alone and no
    /// reconnection), then each segmented download. Returns
    /// each file's result in the order of `job.items`; files not started because the job was interrupted or stopped
    /// are failures that say so.
    public func run(_ job: TransferJob, recipe: SessionRecipe?,
                    onEvent: @escaping @Sendable (TransferJob.Event) -> Void) -> [Result<TransferResult, FTPError>] {
        var results = [Result<TransferResult, FTPError>?](repeating: nil, count: job.items.count)
        let segmented = job.items.indices.filter { job.isSegmented(job.items[$0]) }
        let pooled = segmented.isEmpty ? Array(job.items.indices) : job.items.indices.filter { !job.isSegmented(job.items[$0]) }
        if !pooled.isEmpty {
            var settings = TransferPool.Settings(parallel: job.policy.parallel, type: job.policy.type)
            settings.download = job.policy.download
            settings.policy.retries = job.policy.retries
            settings.setsTimes = job.policy.preservesTimes
            settings.stampsPartials = job.policy.stampsPartials
            // The pool numbers its files 0..<n: numbered back into the job's positions.
            let positions = pooled
            let pool = TransferPool(pooled.map { job.items[$0] }, settings: settings, recipe: recipe,
                                    configuration: configuration) { event in onEvent(.pool(event.renumbered(positions))) }
            for (position, result) in zip(pooled, pool.run(on: self)) { results[position] = result }
        }
        var policy = TransferEngine.Policy()
        policy.retries = job.policy.retries
        for index in segmented {
            if Interruption.isRequested { break }
            guard let recipe else {
                results[index] = .failure(FTPError(.invalidArgument, "a download in segments needs the session's recipe to open more sessions"))
                continue
            }
            let item = job.items[index]
            onEvent(.segmentedStarted(index))
            let download = SegmentedDownload(item.remote, toPath: item.local, segments: job.policy.segments, recipe: recipe,
                                             configuration: configuration, options: job.policy.download, policy: policy) {
                onEvent(.segmented(index, $0))
            }
            let result: Result<TransferResult, FTPError>
            do throws(FTPError) { result = .success(try download.run(on: self).result) } catch { result = .failure(error) }
            if case .success = result, job.policy.preservesTimes {
                TransferPool.setLocalTime(item.local, of: item.remote, known: item.modified, client: self)
            }
            results[index] = result
            onEvent(.segmentedFinished(index, result))
        }
        let stop = FTPError(.interrupted, "not started: the job was interrupted")
        return results.map { $0 ?? .failure(stop) }
    }
}

extension TransferPool.Event {
    /// The same event with its file index `i` made `positions[i]`.
    func renumbered(_ positions: [Int]) -> TransferPool.Event {
        switch self {
        case .started(let index): return .started(positions[index])
        case .progress(let index, let progress): return .progress(positions[index], progress)
        case .finished(let index, let result): return .finished(positions[index], result)
        case .engine(let index, let event): return .engine(positions[index], event)
        case .notice: return self
        }
    }
}
