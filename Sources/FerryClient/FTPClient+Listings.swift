import FerryCore

/// Listings the client reads itself: names for client-side globbing, MLSD/MLST facts.
extension FTPClient {
    /// The entries of `directory` (nil: the current one): MLSD when the server offers MLST (with kinds and
    /// sizes), NLST otherwise (names only, kind unknown). Entries for the directory itself and its parent are left out.
    public func entries(in directory: String?) throws(FTPError) -> [ListingEntry] {
        if features.supports("MLST") {
            return FTPClient.lines(try listing(.mlsd, directory))
                .compactMap(ListingParser.parseMLSD)
                .filter { !ListingParser.isSelfOrParent($0) }
        }
        let reply: [UInt8]
        do throws(FTPError) {
            reply = try listing(.nlst, directory)
        } catch where error.reply?.code == ReplyCode(550) || error.reply?.code == ReplyCode(450) {
            // Many servers answer an empty directory's NLST with 550/450 "No files found".
            return []
        }
        return FTPClient.lines(reply)
            .filter { $0 != "." && $0 != ".." }
            .map { ListingEntry(name: $0, kind: .unknown, raw: $0) }
    }

    /// MLST: the facts of one path, from the control connection (RFC 3659 §7.2).
    public func machineFacts(_ path: String?) throws(FTPError) -> Reply {
        try require(Command(.mlst, path), "cannot get the facts of '\(path ?? ".")'")
    }

    /// Reads replies that are already waiting (tnftp's `reset`): any the session lost track of.
    public func drainReplies(timeout: Double = 0.5) throws(FTPError) -> [Reply] {
        let connection = try connected()
        var replies: [Reply] = []
        while true {
            do throws(FTPError) {
                replies.append(try connection.readReply(timeout: timeout))
            } catch where error.code == .timedOut {
                return replies
            }
        }
    }

    static func lines(_ bytes: [UInt8]) -> [String] {
        bytes.split(separator: 0x0A).map { line in
            String(decoding: line.last == 0x0D ? line.dropLast() : line[...], as: UTF8.self)
        }.filter { !$0.isEmpty }
    }
}
