import CFerrySys
import FerryCore
import Synchronization
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Which download wrote a `.part`: kept in an extended attribute of the file itself (`user.ferry.origin`), so it
/// travels with the file and nothing else can vouch for it. A leftover is continued only when its record names this
/// server (user, host and port as the session names them), this remote file (its absolute path) and the size the
/// server gave when the download began — a `.part` of another server's file, or of another folder's file of the same
/// name, or one Ferry did not write, is never continued with these bytes.
///
/// The record is plain ASCII whatever the names hold: the server as `%`-escaped UTF-8 bytes, the remote path as
/// its SHA-256 (any length of path gives a small record). Fields are compared as those bytes, never as Swift
/// characters (a combining mark must not merge with the field's name, nor `é` equal `e` + U+0301).
///
/// Where the file system keeps no extended attributes (some network and FAT mounts), nothing can be proven and the
/// older checks alone decide (the remote time against the partial's, and a range checksum where the server has one).
/// Where it keeps them but refused this record, the download's own retries in this process still know the file.
struct PartialOrigin {
    static let attribute = "user.ferry.origin"

    /// `user@host:port`, `%`-escaped.
    let server: String
    /// SHA-256 of the absolute remote path's UTF-8 bytes.
    let remote: String
    /// What SIZE said when the download began, nil when it was not known.
    let size: Int64?
    /// Random, made when the `.part` was created: a segment state file names it, so the two are known to be a pair.
    let id: String

    init(server: String, remotePath: String, size: Int64?, id: String = PartialOrigin.newID()) {
        self.init(escapedServer: PartialOrigin.escaped(server), remoteDigest: PartialOrigin.digest(remotePath), size: size, id: id)
    }

    private init(escapedServer: String, remoteDigest: String, size: Int64?, id: String) {
        server = escapedServer
        remote = remoteDigest
        self.size = size
        self.id = id
    }

    static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(generator.next(), radix: 16) + String(generator.next(), radix: 16)
    }

    var text: String {
        "ferry-part 2\nserver \(server)\nremote-sha256 \(remote)\nsize \(size.map(String.init) ?? "-")\nid \(id)"
    }

    static func parse(_ text: String) -> PartialOrigin? {
        // ASCII by construction: anything else is no record of ours.
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count == 5, lines[0] == "ferry-part 2" else { return nil }
        func field(_ index: Int, _ name: String) -> String? {
            lines[index].hasPrefix(name + " ") ? String(lines[index].dropFirst(name.count + 1)) : nil
        }
        guard let server = field(1, "server"), let remote = field(2, "remote-sha256"), let size = field(3, "size"),
              let id = field(4, "id"), size == "-" || Int64(size) != nil else { return nil }
        return PartialOrigin(escapedServer: server, remoteDigest: remote, size: Int64(size), id: id)
    }

    /// Printable ASCII kept; every other byte of the UTF-8 text, and `%`, as `%XX`.
    static func escaped(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            if byte > 0x20, byte < 0x7f, byte != UInt8(ascii: "%") {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
            }
        }
        return out
    }

    /// The escaped server as a user reads it (in a message).
    var serverForDisplay: String {
        var bytes: [UInt8] = []
        var scalars = Array(server.utf8)[...]
        while let byte = scalars.popFirst() {
            if byte == UInt8(ascii: "%"), scalars.count >= 2,
               let value = UInt8(String(decoding: scalars.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                scalars = scalars.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
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
