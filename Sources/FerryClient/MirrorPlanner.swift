import FerryCore
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Walks the source tree folder by folder beside the target tree and decides, before anything changes, what
/// a mirror will do. Each folder's two listings are read, compared and dropped; what is kept per file is
/// one MirrorTransfer. Deletions are planned only while every listing so far was read whole.
final class MirrorPlanner {
    enum Side {
        case remote(MirrorRemoteSide)
        case local(MirrorLocalSide)

        func list(_ relative: String) throws(FTPError) -> FolderListing {
            switch self {
            case .remote(let side): return try side.list(relative)
            case .local(let side): return try side.list(relative)
            }
        }

        func describe(_ relative: String) -> String {
            switch self {
            case .remote(let side): return side.absolute(relative)
            case .local(let side): return side.path(relative)
            }
        }
    }

    /// A folder to visit: its path on each side, whether the target has it, and the identities of the folders
    /// above it (a link back to one of them is a loop).
    private struct Pending {
        var source: String
        var target: String
        var targetExists: Bool
        var depth: Int
        var chain: [String]
        /// Fingerprints of the listings of the folders above (a loop the server shows without identities).
        var listings: [UInt64] = []
        /// The folder's identity is known (MLSD `unique`, device and inode): loops are found by it, not by listings.
        var hasIdentity = false
    }

    /// Entries listed so far, and the bytes of their names with `entryOverhead` each (MirrorPlanner+Verdicts).
    var listed = 0
    var listedBytes: Int64 = 0

    let options: MirrorOptions
    let source: Side
    let target: Side
    let remote: MirrorRemoteSide
    let say: (MirrorAction) -> Void
    var plan = MirrorPlan()
    /// What the source's top folder really is (MLST `unique`), when the server says.
    var rootIdentity: String?

    /// Makes the sessions that list the server's folders ahead of the plan (nil: one session lists everything).
    var makePrefetch: ((MirrorRemoteSide) -> MirrorPrefetch)?
    private var prefetch: MirrorPrefetch?

    init(options: MirrorOptions, source: Side, target: Side, remote: MirrorRemoteSide, say: @escaping (MirrorAction) -> Void) {
        self.options = options
        self.source = source
        self.target = target
        self.remote = remote
        self.say = say
    }

    private var downloading: Bool { options.direction == .download }

    func run(targetExists: Bool) -> MirrorPlan {
        let top = topIdentity()
        var queue = [Pending(source: "", target: "", targetExists: targetExists, depth: 0, chain: [top].compactMap { $0 },
                             hasIdentity: top != nil)]
        if !targetExists {
            plan.directories.append("")
            say(.makeDirectory(path: ""))
        }
        var next = 0
        while next < queue.count {
            let folder = queue[next]
            queue[next] = Pending(source: "", target: "", targetExists: false, depth: 0, chain: [])
            next += 1
            if stopped { break }
            if Interruption.isRequested {
                blockDeletions("the plan was interrupted")
                plan.failed += 1
                break
            }
            let visitStart = MonotonicClock.now
            visit(folder, queue: &queue)
            // Once the main session knows how to list (LIST: -a, the clock), other sessions list ahead of it — when
            // that pays for their logins: many folders still to visit, or listings that take a while (a far server).
            let backlog = queue.count - next
            let slow = MonotonicClock.now - visitStart > 0.05
            if prefetch == nil, let makePrefetch, remote.settled, backlog >= 16 || (slow && backlog >= 2) {
                let started = makePrefetch(remote)
                prefetch = started
                for pending in queue[next...] { wantListing(of: pending, from: started) }
            }
            // The queue's visited front is dropped now and then: memory follows the folders still to visit.
            if next > 4096 {
                queue.removeFirst(next)
                next = 0
            }
        }
        prefetch?.stop()
        plan.serverTimeZoneOffset = remote.usesList ? remote.offset : nil
        return plan
    }

    /// The server-side folder of `pending`, for the prefetching sessions, when it will be listed.
    private func wantListing(of pending: Pending, from prefetch: MirrorPrefetch) {
        if downloading { prefetch.want(pending.source) } else if pending.targetExists { prefetch.want(pending.target) }
    }

    /// A folder's listing: fetched ahead by another session when it was, else listed now.
    private func listing(_ side: Side, _ relative: String) throws(FTPError) -> FolderListing {
        if case .remote = side, let prefetch, let fetched = prefetch.take(relative) { return try fetched.get() }
        return try side.list(relative)
    }

    private func topIdentity() -> String? {
        if case .local(let side) = source {
            var info = stat()
            guard WireText.withCString(side.root, { stat($0, &info) }) == 0 else { return nil }
            return MirrorLocalSide.identity(info)
        }
        return rootIdentity
    }

    private func visit(_ folder: Pending, queue: inout [Pending]) {
        // A return before the target's listing is read lets go of what a listing session fetched for it.
        var targetRead = !folder.targetExists
        defer { if !targetRead, case .remote = target { prefetch?.discard(folder.target) } }
        var sourceNodes: [MirrorNode]
        let details: [ByteName: String]
        do throws(FTPError) {
            let listing = try self.listing(source, folder.source)
            sourceNodes = listing.nodes
            details = listing.details
            if let cut = listing.cut { refuseIncomplete(cut, at: folder.source, of: source) }
        } catch {
            fail(folder.source, "cannot list '\(source.describe(folder.source))': \(error.message)")
            blockDeletions("the listing of '\(source.describe(folder.source))' failed")
            return
        }
        sourceNodes.sort { ByteName.precedes($0.name, $1.name) }
        guard withinLimits(counting: sourceNodes, at: folder.source) else { return }
        // Without an identity (no MLSD `unique`), a folder listed exactly like one above it is taken for a loop (a
        // link the server shows as a folder). It is not entered, and that counts as a failure: deletions stop.
        let fingerprint = MirrorPlanner.fingerprint(sourceNodes)
        if !folder.hasIdentity, !sourceNodes.isEmpty, folder.listings.contains(fingerprint) {
            fail(folder.source, "listed exactly like a folder above it and the server gives no identity to tell them apart: taken for a loop, not entered")
            blockDeletions("a folder was taken for a loop")
            return
        }
        var folder = folder
        folder.listings.append(fingerprint)
        var targetNodes: [ByteName: MirrorNode] = [:]
        if folder.targetExists {
            do throws(FTPError) {
                targetRead = true
                let listing = try self.listing(target, folder.target)
                if let cut = listing.cut { refuseIncomplete(cut, at: folder.target, of: target) }
                for node in listing.nodes { targetNodes[ByteName(node.name)] = node }
            } catch {
                fail(folder.target, "cannot list '\(target.describe(folder.target))': \(error.message)")
                blockDeletions("the listing of '\(target.describe(folder.target))' failed")
                return
            }
        }
        if sourceNodes.contains(where: \.unreadable) || targetNodes.values.contains(where: \.unreadable) {
            blockDeletions("a line of a listing in '\(folder.source.isEmpty ? "." : folder.source)' could not be read")
        }
        if folder.depth == 0, sourceNodes.isEmpty { blockDeletions("the source is empty") }
        // Target names the source's entries take: their own (found by binary search in the sorted listing), or
        // the few that had to be made safe.
        var renamed = Set<ByteName>()
        func sourceHas(_ name: String) -> Bool { MirrorPlanner.contains(sourceNodes, name) || renamed.contains(ByteName(name)) }
        /// Takes a made-safe name for one entry; false when another entry has it already.
        func claim(_ name: String) -> Bool {
            guard !sourceHas(name) else { return false }
            renamed.insert(ByteName(name))
            return true
        }
        // A big folder reserves room for its transfers at once (growth stays geometric for many small ones).
        if plan.transfers.capacity < plan.transfers.count + sourceNodes.count {
            plan.transfers.reserveCapacity(max(plan.transfers.count * 2, plan.transfers.count + sourceNodes.count))
        }
        for node in sourceNodes {
            // Ferry's own leftovers beside their file are not content.
            if let base = LocalName.partialBase(of: node.name), MirrorPlanner.contains(sourceNodes, base) { continue }
            consider(node, detail: details[ByteName(node.name)], in: folder, targetNodes: targetNodes, claim: claim, queue: &queue)
        }
        guard options.delete else { return }
        for (key, node) in targetNodes.sorted(by: { ByteName.precedes($0.key.text, $1.key.text) }) where !sourceHas(key.text) {
            let name = key.text
            if let base = LocalName.partialBase(of: name), sourceHas(base) { continue }
            let path = MirrorPath.join(folder.target, name)
            // A name no folder can hold (from a server's listing) is never turned into a deletion.
            guard LocalName.isPlainComponent(name), !isProtected(name, path: path, kind: node.kind) else { continue }
            planDeletion(path, isDirectory: node.kind == .directory, depth: folder.depth)
        }
    }

    var stopped = false

    /// FNV-1a over the names, kinds and sizes of a sorted listing.
    static func fingerprint(_ nodes: [MirrorNode]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        for node in nodes {
            for byte in node.name.utf8 { mix(byte) }
            mix(0)
            for byte in node.kind.rawValue.utf8 { mix(byte) }
            var size = node.stamp.size ?? -1
            withUnsafeBytes(of: &size) { for byte in $0 { mix(byte) } }
        }
        return hash
    }

    /// Binary search in nodes sorted by name.
    static func contains(_ nodes: [MirrorNode], _ name: String) -> Bool {
        var low = 0, high = nodes.count
        while low < high {
            let middle = (low + high) / 2
            if ByteName.precedes(nodes[middle].name, name) { low = middle + 1 } else { high = middle }
        }
        return low < nodes.count && nodes[low].name.utf8.elementsEqual(name.utf8)
    }

    private func consider(_ node: MirrorNode, detail: String?, in folder: Pending, targetNodes: [ByteName: MirrorNode],
                          claim: (String) -> Bool, queue: inout [Pending]) {
        let sourcePath = MirrorPath.join(folder.source, node.name)
        guard LocalName.isPlainComponent(node.name) else {
            return fail(sourcePath, "refusing the name '\(node.name)': it leaves its folder")
        }
        let targetName: String
        if downloading {
            guard let decision = try? LocalName.forRemote(node.name) else { return fail(sourcePath, "refusing the remote name") }
            targetName = decision.name
            if decision.wasRenamed {
                // Two sessions must never write one file: a safe name another entry has is left out.
                guard claim(targetName) else { return fail(sourcePath, "would be saved as '\(targetName)' too; skipped") }
            }
        } else {
            guard !LocalName.hasControlCharacter(node.name) else {
                return fail(sourcePath, "a name with control characters cannot be sent to the server")
            }
            targetName = node.name
        }
        let targetPath = MirrorPath.join(folder.target, targetName)
        var node = node
        var chainIdentity = node.kind == .directory ? detail : nil
        if node.kind == .link {
            guard options.followSymlinks else {
                plan.skipped += 1
                return say(.skipLink(path: sourcePath))
            }
            switch resolveLink(node, target: detail, path: sourcePath, in: folder) {
            case .failure(let refusal): return skip(sourcePath, refusal.reason)
            case .success(let (resolved, identity)):
                node = resolved
                chainIdentity = identity
            }
        }
        let isDirectory = node.kind == .directory
        if isExcluded(node.name, path: sourcePath, directory: isDirectory) { return skip(sourcePath, "excluded") }
        let existing = targetNodes[ByteName(targetName)]
        switch node.kind {
        case .directory:
            if let existing, existing.kind != .directory {
                return fail(sourcePath, "a folder here, but \(existing.kind == .link ? "a symbolic link" : "a file") at '\(targetPath)'; remove it to mirror the folder")
            }
            if let chainIdentity, folder.chain.contains(chainIdentity) { return skip(sourcePath, "symbolic link loop") }
            guard folder.depth < options.maxDepth else { return skip(sourcePath, "more than \(options.maxDepth) folders deep") }
            if existing == nil {
                plan.directories.append(targetPath)
                say(.makeDirectory(path: targetPath))
            }
            let pending = Pending(source: sourcePath, target: targetPath, targetExists: existing != nil,
                                  depth: folder.depth + 1, chain: folder.chain + [chainIdentity].compactMap { $0 },
                                  listings: folder.listings, hasIdentity: chainIdentity != nil)
            queue.append(pending)
            if let prefetch { wantListing(of: pending, from: prefetch) }
        case .file:
            if let existing, existing.kind != .file, !(existing.kind == .link && !downloading) {
                let what = existing.kind == .directory ? "folder" : existing.kind == .link ? "symbolic link" : "special file"
                return fail(sourcePath, "a file here, but a \(what) at '\(targetPath)'; remove it to mirror the file")
            }
            if !options.includes.isEmpty, !options.includes.contains(where: { matches($0, name: node.name, path: sourcePath) }) {
                return skip(sourcePath, "not included")
            }
            decide(node, source: sourcePath, target: targetPath, existing: existing, partial: targetNodes[ByteName(LocalName.partialPath(of: targetName))])
        default:
            skip(sourcePath, node.unreadable ? "could not be read" : "not a regular file")
        }
    }

    private func decide(_ node: MirrorNode, source: String, target: String, existing: MirrorNode?, partial: MirrorNode?) {
        var rules = MirrorCompare.Rules()
        rules.onlyNewer = options.onlyNewer
        rules.wallClockOffset = remote.usesList ? remote.offset ?? 0 : 0
        rules.targetKeepsTransferTime = !downloading && !remote.client.features.supports("MFMT")
        var decision = MirrorCompare.decide(source: node.stamp, target: existing?.stamp, rules: rules)
        if options.verify, decision == .skip(.same), contentDiffers(source: source, target: target) {
            decision = .transfer(.contentDiffers)
        }
        switch decision {
        case .skip(let reason): skip(source, reason.rawValue)
        case .transfer(let reason):
            var transfer = MirrorTransfer(source: source, target: target, size: node.stamp.size,
                                          modified: node.stamp.precision == .day ? nil : node.stamp.modified)
            // A partial upload continues only when the local file has not changed since it was written.
            if !downloading, let partial, let size = partial.stamp.size, let local = node.stamp.size, size <= local,
               let written = partial.stamp.modified, let changed = node.stamp.modified, changed < written {
                transfer.resumeFrom = size
            }
            plan.transfers.append(transfer)
            say(.transfer(path: source, size: node.stamp.size, reason: reason))
        }
    }

    /// `--verify`: the server's checksum of the remote copy against this machine's of the local one.
    private func contentDiffers(source: String, target: String) -> Bool {
        let (remotePath, localPath): (String, String)
        switch (self.source, self.target) {
        case (.remote(let r), .local(let l)): (remotePath, localPath) = (r.absolute(source), l.path(target))
        case (.local(let l), .remote(let r)): (remotePath, localPath) = (r.absolute(target), l.path(source))
        default: return false
        }
        let offered: FTPClient.RemoteChecksum??
        do throws(FTPError) { offered = .some(try remote.client.remoteChecksum(of: remotePath)) } catch { offered = nil }
        guard let answer = offered else { return false }
        guard let sum = answer else {
            // The server offers no checksum command: --verify can compare nothing; said once in the summary.
            plan.verifyUnavailable = true
            return false
        }
        guard let local = try? FTPClient.localChecksum(of: localPath, algorithm: sum.algorithm) else { return false }
        return sum.hex != local
    }

    /// A link is copied as what it points to, when that is inside the tree and not a folder above it.
    private func resolveLink(_ node: MirrorNode, target linkTarget: String?, path: String,
                             in folder: Pending) -> Result<(MirrorNode, String?), LinkSkip> {
        switch source {
        case .local(let side):
            guard let root = side.realRoot, let (real, resolved, identity) = side.resolve(path) else { return .failure(LinkSkip("broken symbolic link")) }
            guard MirrorPath.isInside(real, root) else { return .failure(LinkSkip("symbolic link that points outside the tree")) }
            var result = resolved
            result.name = node.name
            return .success((result, result.kind == .directory ? identity : nil))
        case .remote(let side):
            guard let text = linkTarget, !text.isEmpty else { return .failure(LinkSkip("symbolic link whose target the server does not show")) }
            let folderPath = side.absolute(folder.source)
            let real = MirrorPath.normalized(text.hasPrefix("/") ? text : folderPath + "/" + text)
            guard MirrorPath.isInside(real, side.root) else { return .failure(LinkSkip("symbolic link that points outside the tree")) }
            if MirrorPath.isInside(folderPath, real) { return .failure(LinkSkip("symbolic link loop")) }
            let linkPath = side.absolute(path)
            guard let size = try? FTPClient.unlessRefused({ () throws(FTPError) in try side.client.size(linkPath) }) else {
                return .failure(LinkSkip("symbolic link to a folder or to nothing: not followed"))
            }
            let time = (try? FTPClient.unlessRefused({ () throws(FTPError) in try side.client.modificationTime(linkPath) }))
                .flatMap { $0 }.flatMap(Timestamp.parse)
            return .success((MirrorNode(name: node.name, kind: .file, stamp: FileStamp(size: size, modified: time)), real))
        }
    }

    struct LinkSkip: Error { let reason: String; init(_ reason: String) { self.reason = reason } }

    func isExcluded(_ name: String, path: String, directory: Bool) -> Bool {
        options.excludes.contains { matches($0, name: name, path: path) || (directory && matches($0, name: name + "/", path: path + "/")) }
    }

    func matches(_ pattern: String, name: String, path: String) -> Bool {
        pattern.contains("/") ? fnmatch(pattern, path, FNM_PATHNAME) == 0 : fnmatch(pattern, name, 0) == 0
    }
}
