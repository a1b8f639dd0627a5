import FerryCore

/// What `mirror` is asked to do (lftp's options).
public struct MirrorOptions: Sendable {
    /// Which way a mirror goes: `download` (server to here) or `upload` (here to server, `-R`).
    public enum Direction: Sendable {
        /// Server → here.
        case download
        /// Here → server.
        case upload
    }
    /// Which way files go; `.download` unless `-R`.
    public var direction: Direction = .download
    /// Sessions moving files at once (`--parallel N`), the caller's own included.
    public var parallel = 1
    /// `--delete`: remove from the target what the source lacks.
    public var delete = false
    /// `--only-newer`.
    public var onlyNewer = false
    /// `-X`/`-I` globs (fnmatch): matched against a name, or against the path from the tree's top when they hold a `/`.
    public var excludes: [String] = []
    /// `-I` globs: only the files that match one are copied (all when empty).
    public var includes: [String] = []
    /// `--max-delete N`: more planned deletions than this and none is made.
    public var maxDelete: Int?
    /// `--verify`: files that look the same by size and time are also compared by the server's checksum.
    public var verify = false
    /// `--use-pget-n N`: downloads of at least `segmentThreshold` bytes go on N connections.
    public var segments = 1
    /// Bytes from which a download goes in segments (with `segments` > 1).
    public var segmentThreshold: Int64 = 1 << 20
    /// Off with `--no-symlinks`: links are skipped instead of copied as what they point to.
    public var followSymlinks = true
    /// Directories deeper than this are not entered (a last guard against loops no path can show).
    public var maxDepth = 64
    /// `--plan-budget SIZE`: the bytes of names (and a little for each entry) the plan may read from the source's
    /// listings; past it the plan stops, deletions are blocked and the run fails, saying so.
    public var planBudget: Int64 = 1 << 30
    /// Creates options with every default.
    public init() {}
}

/// One line of the plan, said as it is decided (`--dry-run` prints them; a run shows what it does).
public enum MirrorAction: Sendable {
    /// A file to copy, with its size when known and why it is copied.
    case transfer(path: String, size: Int64?, reason: MirrorDecision.Transfer)
    /// A folder to create in the target tree ("" for its top).
    case makeDirectory(path: String)
    /// An entry to delete from the target tree, because the source lacks it.
    case delete(path: String, isDirectory: Bool)
    /// An entry left alone, and why (unchanged, excluded, a link loop, not a regular file).
    case skip(path: String, reason: String)
    /// A symbolic link left alone because links are not followed (`MirrorOptions.followSymlinks` off).
    case skipLink(path: String)
    /// Something that cannot be mirrored (a refused name, a file where a folder is, an unreadable folder).
    case failed(path: String, message: String)
}

/// One file to copy: its path from the top of the source tree, and of the target tree (they differ when a
/// server's name had to be made safe as a local one).
public struct MirrorTransfer: Sendable {
    /// The file's path from the top of the source tree.
    public var source: String
    /// The copy's path from the top of the target tree.
    public var target: String
    /// Unknown values are kept as Int64.min: one of these per file is what a plan holds.
    private var storedSize: Int64
    private var storedModified: Int64
    /// Bytes of a partial upload (`.name.part` on the server) to continue from.
    public var resumeFrom: Int64 = 0

    /// The source file's size in bytes; nil when unknown.
    public var size: Int64? { storedSize == .min ? nil : storedSize }
    /// The source's time when the listing gave it to the second or minute (a LIST time: the copy gets the listed
    /// minute, as lftp does, without an MDTM per file); nil for a LIST date alone: MDTM is asked after the copy.
    public var modified: Int64? { storedModified == .min ? nil : storedModified }

    init(source: String, target: String, size: Int64?, modified: Int64?) {
        self.source = source
        self.target = target
        storedSize = size ?? .min
        storedModified = modified ?? .min
    }
}

/// One entry to delete from the target tree: something the source lacks.
public struct MirrorDeletion: Sendable {
    /// The entry's path from the top of the target tree.
    public var path: String
    /// Whether the entry is a folder (deleted after its children).
    public var isDirectory: Bool
}

/// Everything a mirror run will do, decided before anything changes. Per entry only paths and numbers are kept.
public struct MirrorPlan: Sendable {
    /// Folders to create, by their path from the top of the target tree ("" for the top itself), parents first.
    public var directories: [String] = []
    /// Files to copy.
    public var transfers: [MirrorTransfer] = []
    /// Children before their folders.
    public var deletions: [MirrorDeletion] = []
    /// Source entries left alone: unchanged, excluded, links not followed, and entries that are not regular files.
    public var skipped = 0
    /// Entries that cannot be mirrored (a refused name, a file where a folder is, a listing that failed).
    public var failed = 0
    /// Why no deletion may happen (a listing failed, could not be read whole, or the source is empty).
    public var deletionsBlocked: String?
    /// The server's clock, seconds east of UTC, as read from one file's LIST time and MDTM (nil: not needed or unknown).
    public var serverTimeZoneOffset: Int64?
    /// `--verify` found no checksum command on the server: unchanged-looking files were compared by size and time only.
    public var verifyUnavailable = false
    /// Bytes the transfers move in all, counting unknown sizes as 0.
    public var bytesToTransfer: Int64 { transfers.reduce(0) { $0 + ($1.size ?? 0) } }
}

/// A name compared and hashed by its bytes. Swift's String equality is canonical equivalence, so "café" in NFC
/// and in NFD are equal Strings — but two different files on a server or a disk. Mirror keys every name by this.
struct ByteName: Hashable {
    let text: String
    init(_ text: String) { self.text = text }
    static func == (a: ByteName, b: ByteName) -> Bool { a.text.utf8.elementsEqual(b.text.utf8) }
    func hash(into hasher: inout Hasher) {
        for byte in text.utf8 { hasher.combine(byte) }
    }
    /// Byte order (what `sort` and the binary search in a listing use).
    static func precedes(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }
}

/// Paths as mirror handles them: relative ones joined with `/`, remote ones made absolute and normal.
enum MirrorPath {
    static func join(_ directory: String, _ name: String) -> String {
        directory.isEmpty ? name : directory == "/" ? "/" + name : directory + "/" + name
    }

    /// `/a/./b/../c` → `/a/c`; never above `/`.
    static func normalized(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." { continue }
            if part == ".." { _ = parts.popLast(); continue }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// True when `path` is `root` or inside it.
    static func isInside(_ path: String, _ root: String) -> Bool {
        path == root || root == "/" || path.hasPrefix(root + "/")
    }
}
