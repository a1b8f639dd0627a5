import CFerrySys
import FerryCore
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Which download wrote a `.part`: kept in an extended attribute of the file itself (`user.ferry.origin`), so it
/// travels with the file and nothing else can vouch for it. A leftover is continued only when its record names this
/// server (user, host and port), this remote name and the size the server gave when the download began — a `.part`
/// of another server's file of the same name, or one Ferry did not write, is never continued with these bytes.
///
/// Where the file system keeps no extended attributes (some network and FAT mounts), nothing can be proven and the
/// older checks alone decide (the remote time against the partial's, and a range checksum where the server has one).
struct PartialOrigin: Equatable {
    static let attribute = "user.ferry.origin"

    /// `user@host:port` of the session that wrote it.
    var server: String
    var remote: String
    /// What SIZE said when the download began, nil when it was not known.
    var size: Int64?
    /// Random, made when the `.part` was created: a segment state file names it, so the two are known to be a pair.
    var id: String

    init(server: String, remote: String, size: Int64?, id: String = PartialOrigin.newID()) {
        self.server = server
        self.remote = remote
        self.size = size
        self.id = id
    }

    static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(generator.next(), radix: 16) + String(generator.next(), radix: 16)
    }

    /// The attribute's text: one field a line, each with control characters and `%` escaped, so no name from a
    /// server can forge a field of its own.
    var text: String {
        ["ferry-part 1", "server " + PartialOrigin.escaped(server), "remote " + PartialOrigin.escaped(remote),
         "size " + (size.map(String.init) ?? "-"), "id " + id].joined(separator: "\n")
    }

    static func parse(_ text: String) -> PartialOrigin? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count == 5, lines[0] == "ferry-part 1" else { return nil }
        func field(_ index: Int, _ name: String) -> String? {
            lines[index].hasPrefix(name + " ") ? String(lines[index].dropFirst(name.count + 1)) : nil
        }
        guard let server = field(1, "server"), let remote = field(2, "remote"), let size = field(3, "size"),
              let id = field(4, "id"), size == "-" || Int64(size) != nil else { return nil }
        return PartialOrigin(server: server, remote: remote, size: Int64(size), id: id)
    }

    static func escaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar == "%" || scalar.value == 0x7f {
                out += "%" + (scalar.value < 16 ? "0" : "") + String(scalar.value, radix: 16)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Whether a partial with this record may be continued by a download described by `current`: same server,
    /// same name, and (when both are known) the same size.
    func allows(_ current: PartialOrigin) -> Bool {
        server == current.server && remote == current.remote && (size == nil || current.size == nil || size == current.size)
    }

    /// Records this origin on an open `.part`. False when the file system keeps no extended attributes.
    @discardableResult
    func stamp(_ fd: Int32) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { raw in fsetxattr(fd, PartialOrigin.attribute, raw.baseAddress, raw.count, 0) } == 0
    }

    /// What a `.part` says of where it came from.
    enum Record: Equatable {
        /// The file system keeps no extended attributes: nothing can be told.
        case unknowable
        /// The file has no (readable) record: Ferry did not write it, or an older Ferry did.
        case none
        case found(PartialOrigin)
    }

    static func read(_ path: String) -> Record {
        var buffer = [UInt8](repeating: 0, count: 8192)
        let count = buffer.withUnsafeMutableBytes { raw in
            WireText.withCString(path) { lgetxattr($0, attribute, raw.baseAddress, raw.count) }
        }
        if count < 0 { return errno == ENOTSUP ? .unknowable : .none }
        return parse(String(decoding: buffer[0..<count], as: UTF8.self)).map { .found($0) } ?? .none
    }
}
