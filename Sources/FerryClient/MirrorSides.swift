import FerryCore
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// One entry of a folder on either side of a mirror, as little as the decision needs: 40 bytes (a folder of
/// 200,000 entries holds 200,000 of these while it is compared). What only links and folders have is kept
/// beside them, in `FolderListing.details`.
struct MirrorNode {
    var name: String
    var stamp: FileStamp
    var kind: ListingEntry.Kind
    /// A listing line no parser could read.
    var unreadable = false

    init(name: String, kind: ListingEntry.Kind, stamp: FileStamp, unreadable: Bool = false) {
        self.name = name
        self.kind = kind
        self.unreadable = unreadable
        self.stamp = stamp
    }
}

/// A folder's entries, and by name what a link points to or what a folder is (MLSD `unique`, or device and
/// inode here, for loop detection).
struct FolderListing {
    var nodes: [MirrorNode] = []
    var details: [ByteName: String] = [:]
    /// The server said it cut this listing short (`.listingIncomplete`): the nodes are some of the folder, not all.
    var cut: FTPError?

    mutating func append(_ node: MirrorNode, detail: String?) {
        nodes.append(node)
        if let detail, node.kind == .link || node.kind == .directory { details[ByteName(node.name)] = detail }
    }
}

/// The server's side of a mirror: folders listed line by line through MLSD or LIST (never held as text), LIST
/// times put right by the server's time-zone offset, read once from the MDTM of one file.
final class MirrorRemoteSide {
    let client: FTPClient
    /// Absolute and normal.
    let root: String
    private(set) var offset: Int64?
    private var offsetTried = false

    /// `listAll` and `offset` as another session of the same mirror learned them (MirrorPrefetch's sessions).
    init(client: FTPClient, root: String, listAll: Bool? = nil, offset: Int64? = nil) {
        self.client = client
        self.root = root
        self.listAll = listAll
        self.offset = offset
        offsetTried = listAll != nil
    }

    var learnedListAll: Bool? { listAll }

    /// Everything other sessions need to list as this one does is known (LIST: `-a` and the clock offset).
    var settled: Bool { !usesList || (listAll != nil && offsetTried) }

    var usesList: Bool { !client.features.supports("MLST") }

    func absolute(_ relative: String) -> String { relative.isEmpty ? root : MirrorPath.join(root, relative) }

    /// Most entries one folder may have: a listing that never ends is stopped here.
    static let entryLimit = 2_000_000

    /// `LIST -a` shows dot files (vsftpd hides them without it); nil until the first folder tells.
    private var listAll: Bool?
    /// A LIST without `-a`: names starting with `.` may exist on the server unseen (never delete such a name here).
    var hidesDotFiles: Bool { usesList && listAll == false }

    /// A LIST server is listed from inside the folder (CWD, then LIST with no path): LIST's argument is a
    /// pattern to some servers, and vsftpd answers a folder it cannot open with the listing of its parent
    /// filtered by the name, and 226. MLSD's argument is a path (RFC 3659), so MLSD gets it.
    func list(_ relative: String) throws(FTPError) -> FolderListing {
        let path = absolute(relative)
        var nodes: FolderListing
        if usesList {
            _ = try client.changeDirectory(path)
            if listAll == nil {
                // Whether `-a` is an option here: an error, or fewer entries than a plain LIST (a server that took
                // "-a" for a name), means it is not.
                // The plain listing is only counted: one listing of a big folder in memory at a time.
                let all = try? entries("-a")
                var plainCount = 0
                do throws(FTPError) {
                    try client.eachEntry(in: nil, timeZoneOffset: 0) { _ in plainCount += 1 }
                } catch where error.code == .listingIncomplete {}
                listAll = all.map { $0.nodes.count >= plainCount } ?? false
                if listAll == true, let all { nodes = all } else { nodes = try entries(nil) }
            } else {
                nodes = try entries(listAll == true ? "-a" : nil)
            }
        } else {
            nodes = try entries(path)
        }
        guard usesList else { return nodes }
        try detectOffset(nodes.nodes, in: relative)
        let shift = offset ?? 0
        if shift != 0 {
            for index in nodes.nodes.indices { nodes.nodes[index].stamp.modified = nodes.nodes[index].stamp.modified.map { $0 - shift } }
        }
        return nodes
    }

    private func entries(_ argument: String?) throws(FTPError) -> FolderListing {
        var nodes = FolderListing()
        let reply: Reply
        do throws(FTPError) { reply = try client.eachEntry(in: argument, timeZoneOffset: 0) { (entry) throws(FTPError) in
            guard nodes.nodes.count < MirrorRemoteSide.entryLimit else {
                throw FTPError(.protocolViolation, "more than \(MirrorRemoteSide.entryLimit) entries in one folder; the listing was not read further")
            }
            let node = MirrorNode(name: entry.name, kind: entry.kind,
                                  stamp: FileStamp(size: entry.size, modified: entry.modified, precision: entry.timePrecision),
                                  unreadable: entry.format == .raw)
            nodes.append(node, detail: entry.kind == .link ? entry.linkTarget ?? MirrorRemoteSide.mlsdLinkTarget(entry.facts)
                                                           : entry.facts["unique"])
        } } catch where error.code == .listingIncomplete {
            // What the server did send is still worth copying; the planner forbids every deletion.
            nodes.cut = error
            return nodes
        }
        // vsftpd: "226 Transfer done (but failed to open directory)." after an empty listing.
        if reply.summary.lowercased().contains("failed to open") {
            throw FTPError(.commandFailed, "the server could not read the folder: \(reply.summary)", reply: reply)
        }
        return nodes
    }

    /// FileZilla's way: a LIST time to the minute beside the MDTM of the same file tells the server's clock.
    private func detectOffset(_ nodes: [MirrorNode], in relative: String) throws(FTPError) {
        guard !offsetTried, let sample = nodes.first(where: { $0.kind == .file && $0.stamp.precision == .minute && $0.stamp.modified != nil }) else { return }
        offsetTried = true
        guard client.features.supports("MDTM"),
              let text = try FTPClient.unlessRefused({ () throws(FTPError) in
                  try client.modificationTime(MirrorPath.join(absolute(relative), sample.name)) }),
              let exact = Timestamp.parse(text) else { return }
        offset = MirrorCompare.timeZoneOffset(listed: sample.stamp.modified!, exact: exact)
    }

    /// pyftpdlib and others: `type=OS.unix=slink:/target`.
    static func mlsdLinkTarget(_ facts: [String: String]) -> String? {
        guard let type = facts["type"], type.lowercased().hasPrefix("os.unix=slink:") else { return nil }
        return String(type.dropFirst("os.unix=slink:".count))
    }
}

/// This machine's side of a mirror: folders read with readdir and lstat, links never followed while listing.
struct MirrorLocalSide {
    let root: String

    func path(_ relative: String) -> String { relative.isEmpty ? root : MirrorPath.join(root, relative) }

    func list(_ relative: String) throws(FTPError) -> FolderListing {
        let folder = path(relative)
        guard let directory = WireText.withCString(folder, { opendir($0) }) else {
            throw FTPError(.localFile, "cannot read the local folder '\(folder)': \(FTPError.systemMessage(errno))")
        }
        defer { closedir(directory) }
        let descriptor = dirfd(directory)
        var nodes = FolderListing()
        while let item = readdir(directory) {
            let name: String = withUnsafeBytes(of: item.pointee.d_name) { raw in
                let bytes = raw.bindMemory(to: UInt8.self)
                let length = bytes.firstIndex(of: 0) ?? bytes.count
                return WireText.decode(bytes[0..<length])
            }
            guard name != ".", name != ".." else { continue }
            guard nodes.nodes.count < MirrorRemoteSide.entryLimit else {
                throw FTPError(.localFile, "more than \(MirrorRemoteSide.entryLimit) entries in '\(folder)'; not read further")
            }
            var info = stat()
            // An entry that cannot be looked at is kept as unreadable: it must stop deletions, not vanish.
            guard WireText.withCString(name, { fstatat(descriptor, $0, &info, AT_SYMLINK_NOFOLLOW) }) == 0 else {
                nodes.append(MirrorNode(name: name, kind: .unknown, stamp: FileStamp(size: nil, modified: nil), unreadable: true),
                             detail: nil)
                continue
            }
            let node = MirrorLocalSide.node(name, info)
            nodes.append(node, detail: node.kind == .directory ? MirrorLocalSide.identity(info) : nil)
        }
        return nodes
    }

    static func node(_ name: String, _ info: stat) -> MirrorNode {
        let kind: ListingEntry.Kind
        switch info.st_mode & S_IFMT {
        case S_IFREG: kind = .file
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .link
        default: kind = .other
        }
        return MirrorNode(name: name, kind: kind,
                          stamp: FileStamp(size: Int64(info.st_size), modified: Int64(info.st_mtim.tv_sec)))
    }

    static func identity(_ info: stat) -> String { "\(info.st_dev):\(info.st_ino)" }

    /// What a local link points to, when that is inside the tree: its real path and what is there.
    func resolve(_ relative: String) -> (real: String, node: MirrorNode, identity: String)? {
        guard let real = MirrorLocalSide.realPath(path(relative)) else { return nil }
        var info = stat()
        guard WireText.withCString(real, { stat($0, &info) }) == 0 else { return nil }
        return (real, MirrorLocalSide.node(LocalName.lastComponent(relative), info), MirrorLocalSide.identity(info))
    }

    var realRoot: String? { MirrorLocalSide.realPath(root) }

    static func realPath(_ path: String) -> String? {
        guard let resolved = WireText.withCString(path, { realpath($0, nil) }) else { return nil }
        defer { free(resolved) }
        return WireText.decode(UnsafeRawBufferPointer(start: resolved, count: strlen(resolved)).bindMemory(to: UInt8.self)[...])
    }
}
