import CFerrySys
import FerryCore
import Synchronization
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Which download wrote a `.part`: kept in an extended attribute of the file itself (`user.ferry`), so it
/// travels with the file and nothing else can vouch for it. A leftover is continued only when its record names this
/// server (user, host and port as the session names them), this remote file (its absolute path) and the size the
/// server gave when the download began — a `.part` of another server's file, or of another folder's file of the same
/// name, or one Ferry did not write, is never continued with these bytes.
///
/// The record is short plain ASCII whatever the names hold: digests of the server and of the remote path (any
/// length gives a small record, no name can forge a field), the size and an id. Digests of the names' UTF-8 bytes,
/// compared as bytes: `é` and `e` + U+0301 are other names, as they are on the server.
///
/// Where the file system keeps no extended attributes (some network and FAT mounts), nothing can be proven and the
/// older checks alone decide (the remote time against the partial's, and a range checksum where the server has one).
/// Where it keeps them but refused this record, the download's own retries in this process still know the file.
struct PartialOrigin {
    /// Short, so the record fits in the inode beside the file's other attributes (ext4 keeps about 60 bytes of
    /// values there; a longer one took a block of its own, written and freed for every download: 0.15 ms a file).
    static let attribute = "user.ferry"

    /// SHA-256 of `user@host:port`, 12 hex digits.
    let server: String
    /// SHA-256 of the absolute remote path's UTF-8 bytes, 16 hex digits.
    let remote: String
    /// What SIZE said when the download began, nil when it was not known.
    let size: Int64?
    /// Random, made when the `.part` was created: a segment state file names it, so the two are known to be a pair.
    let id: String
    /// `user@host:port` as this session names it, for messages (not recorded).
    let serverName: String

    init(server: String, remotePath: String, size: Int64?, id: String = PartialOrigin.newID()) {
        self.init(serverDigest: String(PartialOrigin.digest(server).prefix(12)), remoteDigest: String(PartialOrigin.digest(remotePath).prefix(16)),
                  size: size, id: id, serverName: server)
    }

    private init(serverDigest: String, remoteDigest: String, size: Int64?, id: String, serverName: String) {
        server = serverDigest
        remote = remoteDigest
        self.size = size
        self.id = id
        self.serverName = serverName
    }

    static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next() & 0xFFFF_FFFF_FFFF
        return String(repeating: "0", count: 12 - String(value, radix: 16).count) + String(value, radix: 16)
    }

    /// "2 SERVER FILE SIZE ID": about 50 bytes, ASCII whatever the names hold.
    var text: String { "2 \(server) \(remote) \(size.map(String.init) ?? "-") \(id)" }

    static func parse(_ text: String) -> PartialOrigin? {
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        let fields = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 5, fields[0] == "2", fields[1].count == 12, fields[2].count == 16, !fields[4].isEmpty,
              fields[3] == "-" || Int64(fields[3]) != nil else { return nil }
        return PartialOrigin(serverDigest: fields[1], remoteDigest: fields[2], size: Int64(fields[3]), id: fields[4], serverName: "")
    }

    static func digest(_ text: String) -> String {
        var sum = SHA256()
        Array(text.utf8).withUnsafeBytes { sum.update($0) }
        return sum.hexDigest()
    }

    /// Whether a partial with this record may be continued by a download described by `current`: same server,
    /// same file, and (when both are known) the same size. The fields are ASCII: compared byte for byte.
    func allows(_ current: PartialOrigin) -> Bool {
        server.utf8.elementsEqual(current.server.utf8) && remote.utf8.elementsEqual(current.remote.utf8)
            && (size == nil || current.size == nil || size == current.size)
    }

    /// Downloads of at least this many bytes (or of an unknown size) get their record when the `.part` is made;
    /// smaller ones when it is kept after a failure (a small file killed part way is downloaded again).
    static let eagerSize: Int64 = 1 << 20

    /// Records this origin on a `.part` by name (one kept after a failure); false when it could not be kept.
    @discardableResult
    func stamp(path: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { raw in
            WireText.withCString(path) { lsetxattr($0, PartialOrigin.attribute, raw.baseAddress, raw.count, 0) }
        } == 0
    }

    /// Records this origin on an open `.part`. False when the file system keeps no extended attributes; when it
    /// keeps them but refuses this one, the file is remembered in this process instead (its own retries go on).
    @discardableResult
    func stamp(_ fd: Int32) -> Bool {
        let bytes = Array(text.utf8)
        if bytes.withUnsafeBytes({ fsetxattr(fd, PartialOrigin.attribute, $0.baseAddress, $0.count, 0) }) == 0 { return true }
        if errno == ENOTSUP { return false }
        if let file = LocalTarget.identity(of: fd) { PartialOrigin.unrecorded.withLock { $0[file] = self } }
        return true
    }

    /// Files this process wrote whose record the file system refused (a full attribute area, a quota).
    private static let unrecorded = Mutex<[LocalTarget.Identity: PartialOrigin]>([:])

    /// What a `.part` says of where it came from.
    enum Record {
        /// The file system keeps no extended attributes: nothing can be told.
        case unknowable
        /// The file has no readable record of this version: Ferry did not write it, or an older Ferry did.
        case none
        case found(PartialOrigin)
    }

    static func read(_ path: String) -> Record {
        let size = WireText.withCString(path) { lgetxattr($0, attribute, nil, 0) }
        if size < 0, errno == ENOTSUP { return .unknowable }
        if size > 0, size <= 64 << 10 {
            var buffer = [UInt8](repeating: 0, count: size)
            let count = buffer.withUnsafeMutableBytes { raw in
                WireText.withCString(path) { lgetxattr($0, attribute, raw.baseAddress, raw.count) }
            }
            if count > 0, let origin = parse(String(decoding: buffer[0..<count], as: UTF8.self)) { return .found(origin) }
        }
        var info = stat()
        if WireText.withCString(path, { lstat($0, &info) }) == 0,
           let origin = unrecorded.withLock({ $0[LocalTarget.Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))] }) {
            return .found(origin)
        }
        return .none
    }

    /// Removes the record (a file put in place or set aside: it is no partial any more).
    static func remove(from path: String) {
        _ = WireText.withCString(path) { lremovexattr($0, attribute) }
    }
}
