import CFerrySys
import FerryCore
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Where a download writes: a hidden `.name.part` beside a regular-file target (unless asked to write in
/// place), or the target itself when it is a device or pipe (`/dev/null`, a FIFO).
///
/// The `.part` is ours alone: a fresh one is created with O_EXCL and O_NOFOLLOW (a stale one of ours is removed
/// first), and one is continued only when it is a regular file owned by this user — so a symlink or file
/// planted in a shared folder is neither written through nor adopted. A replaced file keeps its permission bits.
struct LocalTarget {
    /// Creating and renaming files takes the folder's lock in the kernel, whose waiters spin: with 8 sessions
    /// finishing small files in one folder, a third of the CPU went to that spinning. Here they wait asleep.
    /// (A lock, not state: it guards no value.)
    static let namespaceLock = SleepingLock()

    let path: String
    let writePath: String
    /// The target is a regular file (or does not exist yet): its content can be checked after the download.
    let isRegular: Bool

    /// Why this download must not replace what is at `path`, or nil (see `refusalToReplace`).
    let refusal: FTPError?

    init(path: String, temporary: Bool = true) {
        self.path = path
        // One lstat for the common case; the link's target is looked at only for a link.
        var info = stat()
        var exists = WireText.withCString(path, { lstat($0, &info) }) == 0
        let isLink = exists && (info.st_mode & S_IFMT) == S_IFLNK
        if isLink { exists = WireText.withCString(path, { stat($0, &info) }) == 0 }
        isRegular = !exists || (info.st_mode & S_IFMT) == S_IFREG
        refusal = LocalTarget.refusalToReplace(path, exists: exists, isLink: isLink, info: info)
        if !temporary || !isRegular {
            writePath = path
            return
        }
        writePath = LocalName.partialPath(of: path)
    }

    /// Why a download must not replace what is at `path`, or nil. One rule for get, mget, pget and mirror:
    /// a file made read-only is not replaced (as curl refuses it), and a symbolic link to a regular file is neither
    /// replaced by a file nor written through (a link planted in a shared folder would send the bytes elsewhere).
    /// A link to a device or a pipe (`/dev/stdout`) is a special target, handled as such.
    private static func refusalToReplace(_ path: String, exists: Bool, isLink: Bool, info: stat) -> FTPError? {
        guard exists, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        if isLink {
            return FTPError(.localFile, "'\(path)' is a symbolic link; Ferry neither replaces it nor writes through it: give the name of the file it points to, or remove the link")
        }
        if info.st_mode & 0o222 == 0 {
            return FTPError(.localFile, "'\(path)' is read-only; make it writable (chmod u+w) or remove it to replace it")
        }
        return nil
    }

    /// Where a download whose content did not match is kept: `.name.bad`, a name that says so.
    var badPath: String {
        writePath.hasSuffix(".part") ? String(writePath.dropLast(5)) + ".bad" : path + ".bad"
    }

    /// The state file of an interrupted segmented download beside the `.part`: `.name.part` → `.name.pget`.
    var segmentStatePath: String { String(writePath.dropLast(5)) + ".pget" }

    private var usesTemporaryFile: Bool { writePath != path }

    /// The file a resume continues: the `.part` when there is one, else (only when `allowTarget`, classic reget)
    /// the target itself.
    func resumePath(allowTarget: Bool) -> String? {
        var info = stat()
        if usesTemporaryFile, WireText.withCString(writePath, { lstat($0, &info) }) == 0 { return writePath }
        guard allowTarget, WireText.withCString(path, { stat($0, &info) }) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return path
    }

    /// The size of what a resume would continue, nil when there is nothing to continue.
    func existingPartialSize(allowTarget: Bool) -> Int64? {
        guard let resume = resumePath(allowTarget: allowTarget) else { return nil }
        var info = stat()
        guard WireText.withCString(resume, { lstat($0, &info) }) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int64(info.st_size)
    }

    /// Opens for writing: a fresh file (`truncate`), or the partial one to continue.
    func open(truncate: Bool, allowTarget: Bool) throws(FTPError) -> Int32 {
        guard usesTemporaryFile else {
            let fd = WireText.withCString(path) { Glibc.open($0, O_WRONLY | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : 0), 0o666) }
            guard fd >= 0 else { throw LocalTarget.cannot("create", path, errno) }
            return fd
        }
        if !truncate, resumePath(allowTarget: allowTarget) == path {
            // Classic reget of a file in place: move it to the .part name first, so a failure cannot leave it looking
            // whole — but only a regular file of ours (not a link, not someone else's file in a shared folder).
            var info = stat()
            guard WireText.withCString(path, { lstat($0, &info) }) == 0, (info.st_mode & S_IFMT) == S_IFREG,
                  info.st_uid == geteuid() else {
                throw FTPError(.localFile, "'\(path)' is not a regular file of yours; not continuing it", advice: .downloadAgain)
            }
            _ = WireText.withCString(path) { from in WireText.withCString(writePath) { Glibc.rename(from, $0) } }
        }
        let fd: Int32
        if truncate {
            let create = {
                LocalTarget.namespaceLock.withLock {
                    WireText.withCString(writePath) { Glibc.open($0, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o666) }
                }
            }
            // Nothing there is the common case; whatever is there (a link too: O_EXCL) is looked at only then.
            var created = create()
            if created < 0, errno == EEXIST {
                try removeStalePart()
                created = create()
            }
            fd = created
            guard fd >= 0 else { throw LocalTarget.cannot("create", path, errno, temporary: writePath) }
        } else {
            fd = WireText.withCString(writePath) { Glibc.open($0, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o666) }
            guard fd >= 0 else { throw LocalTarget.cannot("continue", path, errno, temporary: writePath) }
            var info = stat()
            guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_uid == geteuid() else {
                Glibc.close(fd)
                throw FTPError(.localFile, "'\(writePath)' is not a regular file of yours; not continuing it (remove it)", advice: .downloadAgain)
            }
        }
        // Held while this download writes: a second download of the name neither continues nor replaces it.
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            Glibc.close(fd)
            throw busy
        }
        // A file that is replaced keeps its permission bits (a 0600 file stays 0600); a symlink lends none.
        var existing = stat()
        if WireText.withCString(path, { lstat($0, &existing) }) == 0, (existing.st_mode & S_IFMT) == S_IFREG {
            _ = fchmod(fd, existing.st_mode & 0o777)
        }
        return fd
    }

    /// A `.part` left by an earlier download of ours is replaced; anything else under that name is not touched.
    private func removeStalePart() throws(FTPError) {
        var info = stat()
        guard WireText.withCString(writePath, { lstat($0, &info) }) == 0 else { return }
        guard (info.st_mode & S_IFMT) == S_IFREG, info.st_uid == geteuid() else {
            throw FTPError(.localFile, "'\(writePath)' exists and is not a regular file of yours (a symlink or someone else's file); remove it first")
        }
        // One that another download holds (flock) is being written right now.
        let fd = WireText.withCString(writePath) { Glibc.open($0, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC) }
        defer { if fd >= 0 { Glibc.close(fd) } }
        if fd >= 0, flock(fd, LOCK_EX | LOCK_NB) != 0 { throw busy }
        _ = WireText.withCString(writePath) { unlink($0) }
    }

    /// After a failure: keep a non-empty `.part` for resuming (stamped with the remote file's time when known,
    /// see `partialBears`), or remove it.
    func failed(keep: Bool, stamp: Int64? = nil) {
        guard usesTemporaryFile else { return }
        var info = stat()
        let size = WireText.withCString(writePath, { lstat($0, &info) }) == 0 ? info.st_size : 0
        if !keep || size == 0 {
            _ = WireText.withCString(writePath) { unlink($0) }
        } else if let stamp {
            LocalFileTime.set(writePath, to: stamp, followingLinks: false)
        }
    }

    /// Whether the `.part` (if any) was kept from a download of the remote file of time `stamp`.
    func partialBears(_ stamp: Int64) -> Bool {
        var info = stat()
        guard usesTemporaryFile, WireText.withCString(writePath, { lstat($0, &info) }) == 0 else { return true }
        return Int64(info.st_mtim.tv_sec) == stamp
    }

    /// Why the `.part` must not be continued by the download `current` describes, or nil: its origin record
    /// (see `PartialOrigin`) names another server, user, file or size, or it has none where one could be kept.
    func originRefusal(_ current: PartialOrigin) -> FTPError? {
        // A link or someone else's file is refused by `open`, in words that say so.
        var info = stat()
        guard usesTemporaryFile, WireText.withCString(writePath, { lstat($0, &info) }) == 0,
              (info.st_mode & S_IFMT) == S_IFREG, info.st_uid == geteuid() else { return nil }
        switch PartialOrigin.read(writePath) {
        case .unknowable:
            return nil
        case .none:
            let name = LocalName.lastComponent(path)
            return FTPError(.localFile, "'\(writePath)' carries no origin record of this Ferry's (an older Ferry's, or not Ferry's), so it is not continued; to continue it all the same, rename it to '\(name)' and resume the download of that file", advice: .downloadAgain)
        case .found(let origin) where origin.allows(current):
            return nil
        case .found(let origin):
            let what = origin.server != current.server
                ? "from another server (this session is \(current.serverName))"
                : origin.remote != current.remote ? "of another remote file (same name, another folder or path)"
                : "of another version of the file (\(origin.size ?? 0) bytes then, \(current.size ?? 0) now)"
            return FTPError(.localFile, "'\(writePath)' holds the start of a download \(what); not continuing it with these bytes", advice: .downloadAgain)
        }
    }

    /// Removes a `.part` of ours that cannot be continued, so the download starts over.
    func discardPartial() {
        var info = stat()
        guard usesTemporaryFile, WireText.withCString(writePath, { lstat($0, &info) }) == 0,
              (info.st_mode & S_IFMT) == S_IFREG, info.st_uid == geteuid() else { return }
        _ = WireText.withCString(writePath) { unlink($0) }
    }

    /// A download whose content is wrong: renamed to `.name.bad` (so no resume continues it); when that name
    /// cannot be taken, the bytes are removed rather than left where a resume would continue them.
    func markBad() -> String {
        guard usesTemporaryFile else { return path }
        PartialOrigin.remove(from: writePath)
        let moved = WireText.withCString(writePath) { from in WireText.withCString(badPath) { Glibc.rename(from, $0) } }
        if moved == 0 { return badPath }
        _ = WireText.withCString(writePath) { unlink($0) }
        return "nowhere (removed: '\(badPath)' could not be written)"
    }

    /// Which file a descriptor or name is: device and inode.
    struct Identity: Hashable {
        let device: UInt64
        let inode: UInt64
    }

    static func identity(of fd: Int32) -> Identity? {
        var info = stat()
        return fstat(fd, &info) == 0 ? Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino)) : nil
    }

    private static func identity(ofName path: String) -> Identity? {
        var info = stat()
        guard WireText.withCString(path, { lstat($0, &info) }) == 0 else { return nil }
        return Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// Whether the `.part` is still the file this download wrote (`written`), not one a second download of the
    /// same name put there since (after the descriptor, and with it the lock, was closed); checked before the
    /// `.part` is verified by name and, in `commit`, before it is moved.
    func holds(_ written: Identity?) -> Bool {
        guard usesTemporaryFile, let written else { return true }
        return LocalTarget.identity(ofName: writePath) == written
    }

    var busy: FTPError {
        FTPError(.localFile, "'\(writePath)' is being written by another download of '\(path)' right now; wait for it to finish")
    }

    var takenOver: FTPError {
        FTPError(.localFile, "'\(writePath)' was taken over by another download of '\(path)' while this one ran; nothing was put in place (run one download of a file at a time)")
    }

    /// Moves the `.part` into place. `written`: the file this download wrote; when the `.part` is another by now,
    /// nothing is moved, or that one's unfinished bytes would stand under the name as if whole.
    /// `removingOrigin`: the `.part` carries an origin record, which the finished file does not keep.
    func commit(_ written: Identity? = nil, removingOrigin: Bool = true) throws(FTPError) {
        guard usesTemporaryFile else { return }
        var replaced = false
        let moved = LocalTarget.namespaceLock.withLock {
            guard holds(written) else {
                replaced = true
                return Int32(-1)
            }
            // The origin record served the partial; the finished file does not carry it.
            if removingOrigin { PartialOrigin.remove(from: writePath) }
            return WireText.withCString(writePath) { from in WireText.withCString(path) { Glibc.rename(from, $0) } }
        }
        if replaced { throw takenOver }
        if moved != 0 {
            let reason = FTPError.systemMessage(errno)
            failed(keep: true)
            throw FTPError(.localFile, "cannot move the download into '\(path)': \(reason)")
        }
    }

    /// Names the file the user asked for; the hidden temporary it is written through, when there is one, comes second.
    static func cannot(_ verb: String, _ path: String, _ error: Int32, temporary: String? = nil) -> FTPError {
        let hint = error == ELOOP ? "it is a symlink; remove it first" : "check the folder and its permissions"
        let through = temporary.flatMap { $0 == path ? nil : " (written as '\(LocalName.lastComponent($0))' until complete)" } ?? ""
        return FTPError(.localFile, "cannot \(verb) '\(path)'\(through): \(FTPError.systemMessage(error)); \(hint)")
    }

    /// Bytes an unprivileged writer may still put in the folder of `path` (statvfs), nil when it cannot be told.
    public static func freeBytes(near path: String) -> Int64? {
        let folder = path.contains("/") ? String(path[...path.lastIndex(of: "/")!]) : "."
        var space = statvfs()
        guard WireText.withCString(folder, { statvfs($0, &space) }) == 0 else { return nil }
        let (free, overflow) = Int64(space.f_bavail).multipliedReportingOverflow(by: Int64(space.f_frsize))
        return overflow ? nil : free
    }
}
