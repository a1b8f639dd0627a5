import FerryCore

/// The deletions of a mirror's plan: what the target has and the source lacks, never what the options protect.
extension MirrorPlanner {
    /// A target entry mirror leaves alone: excluded, a file no `-I` glob takes, or a dot file a LIST without
    /// `-a` may have hidden on the server.
    func isProtected(_ name: String, path: String, kind: ListingEntry.Kind) -> Bool {
        let isDirectory = kind == .directory
        if isExcluded(name, path: path, directory: isDirectory) { return true }
        if !isDirectory, !options.includes.isEmpty, !options.includes.contains(where: { matches($0, name: name, path: path) }) {
            return true
        }
        return name.hasPrefix(".") && remote.hidesDotFiles
    }

    /// A target entry the source lacks: a file, or a folder with everything in it (listed now, children first).
    /// A folder goes only when everything in it goes: one protected child keeps it. True when `path` goes.
    @discardableResult
    func planDeletion(_ path: String, isDirectory: Bool, depth: Int) -> Bool {
        if isDirectory {
            guard depth < options.maxDepth else {
                blockDeletions("'\(path)' is too deep to empty")
                return false
            }
            let children: [MirrorNode]
            do throws(FTPError) {
                let listing = try target.list(path)
                if let cut = listing.cut {
                    refuseIncomplete(cut, at: path, of: target)
                    return false
                }
                children = listing.nodes
            } catch {
                fail(path, "cannot list '\(target.describe(path))' to delete it: \(error.message)")
                blockDeletions("the listing of '\(target.describe(path))' failed")
                return false
            }
            if children.contains(where: \.unreadable) {
                blockDeletions("a line of the listing of '\(path)' could not be read")
                return false
            }
            var everything = true
            for child in children.sorted(by: { ByteName.precedes($0.name, $1.name) }) {
                let childPath = MirrorPath.join(path, child.name)
                guard LocalName.isPlainComponent(child.name), !isProtected(child.name, path: childPath, kind: child.kind) else {
                    everything = false
                    continue
                }
                if !planDeletion(childPath, isDirectory: child.kind == .directory, depth: depth + 1) { everything = false }
            }
            guard everything else { return false }
        }
        plan.deletions.append(MirrorDeletion(path: path, isDirectory: isDirectory))
        say(.delete(path: path, isDirectory: isDirectory))
        return true
    }
}
