import FerryClient
import FerryCore
import Synchronization
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// pget [-n N] remote-file [local-file] (lftp's spelling), and plain get of a big file when `set pget-segments N`
/// asks for it: one file on N sessions at once (SegmentedDownload).
extension Shell {
    func pget(_ args: [String]) -> CommandOutcome {
        var words = args
        var segments = settings.pgetSegments > 1 ? settings.pgetSegments : 4
        if let first = words.first, first.hasPrefix("-n") {
            let text = first == "-n" ? (words.count > 1 ? words[1] : "") : String(first.dropFirst(2))
            guard let count = Int(text), (1...16).contains(count) else { return .usage }
            segments = count
            words.removeFirst(first == "-n" ? min(2, words.count) : 1)
        }
        guard (1...2).contains(words.count), !words[0].isEmpty, words.count == 1 || !words[1].isEmpty else { return .usage }
        let local: String
        if words.count == 2 {
            guard case .file(let name) = Destination.typed(words[1]) else {
                return .failure("pget: writes a file; use get for standard output or a command")
            }
            local = name
        } else {
            do throws(FTPError) {
                let decision = try LocalName.forRemote(words[0])
                if let original = decision.original {
                    console.error("pget: saving '\(Console.sanitize(original))' as '\(Console.sanitize(decision.name))': the server's name is not safe to use as it is")
                }
                local = decision.name
            } catch { return .failure("pget: refusing the remote name '\(Console.sanitize(words[0]))': \(error.message)") }
        }
        return segmentedFetch(words[0], to: local, segments: segments, command: "pget")
    }

    /// Whether a plain get of `remote` should go in segments (`set pget-segments N`, `--segments N`): a binary
    /// download to a file of at least `pget-threshold` bytes.
    func prefersSegments(_ remote: String, to local: String) -> Bool {
        var info = stat()
        let isDevice = WireText.withCString(local) { stat($0, &info) } == 0 && (info.st_mode & S_IFMT) != S_IFREG
        guard settings.pgetSegments > 1, settings.transferType == .image, settings.temporaryFiles, !isDevice,
              client.features.supports("SIZE"), let size = try? client.size(remote) else { return false }
        return size >= settings.pgetThreshold
    }

    func segmentedFetch(_ remote: String, to local: String, segments: Int, command: String) -> CommandOutcome {
        guard let session else { return .failure("Not connected.") }
        let recipe: SessionRecipe
        do throws(FTPError) { recipe = try client.pinned(session) } catch { return failure(command, error) }
        if settings.verbose { console.chatter("local: \(Console.sanitize(local)) remote: \(Console.sanitize(remote)) (\(segments) segments)") }
        // One file, in segments: the job's entry point sends it to SegmentedDownload.
        var policy = TransferJob.Policy()
        policy.download.verify = settings.verify
        policy.retries = settings.retries
        policy.segments = segments
        policy.segmentThreshold = 0
        let job = TransferJob([TransferJob.Item(.download, remote: remote, local: local)], policy: policy)
        let display = SharedProgress(line: showsProgress && settings.hashBytes == nil ? ProgressLine(console: console, name: LocalName.lastComponent(remote)) : nil,
                                     console: console, command: command)
        var verified: FTPClient.RemoteChecksum?
        // The segments' ABOR replies (426, 225/226) are the job's own business, not lines over the progress.
        quietReplies = true
        defer { quietReplies = false }
        let outcome = transfer(command, name: remote, received: true, progress: false) { () throws(FTPError) -> TransferResult in
            // The bar goes before the summary or the error is written, or the two share a line.
            defer { display.finish() }
            let results = client.run(job, recipe: recipe) { event in
                if case .segmented(_, let step) = event { display.handle(step) }
            }
            let done = try results[0].get()
            verified = done.verifiedWith
            return done
        }
        guard outcome == .success else { return outcome }
        if let checksum = verified, settings.verbose {
            console.chatter("Verified: the \(checksum.algorithm.rawValue) matches the server's (\(checksum.command)).")
        }
        if settings.preserve { preserveTime(remote, local: local) }
        return .success
    }
}

/// A progress line that several threads update (pget's sessions): each redraw whole, under a lock.
/// @unchecked: its vars, the line and the console are touched under `lock` alone.
final class SharedProgress: @unchecked Sendable {
    private let lock = Mutex(())
    private let line: ProgressLine?
    private let console: Console
    private let command: String
    /// Said once each (touched under the lock only).
    private var noticesGiven: Set<String> = []
    /// When the line was last drawn (the progress's own clock).
    private var lastDrawn = -1.0

    init(line: ProgressLine?, console: Console, command: String) {
        self.line = line
        self.console = console
        self.command = command
    }

    func handle(_ event: SegmentedDownload.Event) {
        lock.withLock { _ in
            switch event {
            case .progress(let progress):
                // Every session reports: the line is redrawn at most ten times a second, as other transfers are,
                // and once more at the end.
                let done = progress.expected.map { progress.bytes >= $0 } ?? false
                guard done || progress.elapsed - lastDrawn >= 0.1 else { return }
                lastDrawn = progress.elapsed
                line?.update(progress)
            case .notice(let text):
                guard noticesGiven.insert(text).inserted else { return }
                line?.clear()
                console.error(Console.sanitize("\(command): \(text)"))
            }
        }
    }

    func finish() { lock.withLock { _ in line?.finish() } }
}
