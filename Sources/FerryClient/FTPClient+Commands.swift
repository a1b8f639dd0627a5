import FerryCore

/// Commands that are one request and one reply.
extension FTPClient {
    /// Sends any command and returns its final reply, whatever its code.
    public func execute(_ command: Command) throws(FTPError) -> Reply {
        if FTPClient.changesServer.contains(command.verb) { listingCache.removeAll() }
        let reply = try connected().execute(command)
        if command.verb == .type { wireType = nil }
        if command.verb == .cwd || command.verb == .cdup { directoryGeneration += 1 }
        return reply
    }

    /// Verbs after which a cached listing may be wrong; any verb not known to be harmless counts.
    static let harmless: Set<Verb> = [.pwd, .type, .mode, .stru, .pasv, .epsv, .port, .eprt, .rest, .size, .mdtm,
                                      .feat, .opts, .syst, .stat, .help, .noop, .mlst, .user, .pass, .acct, .cwd, .cdup]
    static let changesServer: Set<Verb> = [.stor, .appe, .stou, .dele, .rnfr, .rnto, .mkd, .rmd, .site]

    /// Drops every cached listing of this session.
    public func forgetListings() { listingCache.removeAll() }

    /// Sends a raw line (`quote`): the first word is the verb.
    public func raw(_ line: String) throws(FTPError) -> Reply {
        let verb = line.prefix { $0 != " " }
        if !FTPClient.harmless.contains(Verb(String(verb))) { forgetListings() }
        let rest = line.dropFirst(verb.count).drop { $0 == " " }
        return try execute(Command(Verb(String(verb)), rest.isEmpty ? nil : String(rest)))
    }

    /// Sends a command that must succeed (2yz); otherwise throws with the server's text.
    @discardableResult
    func require(_ command: Command, _ what: @autoclosure () -> String) throws(FTPError) -> Reply {
        let reply = try execute(command)
        guard reply.code.isSuccess else {
            throw FTPError(.commandFailed, "\(what()): \(reply.summary)", reply: reply)
        }
        return reply
    }

    /// PWD: the quoted path of a 257 reply ("" doubled inside, RFC 959 appendix II).
    public func currentDirectory() throws(FTPError) -> String {
        let reply = try require(Command(.pwd), "cannot read the remote directory")
        return FTPClient.quotedPath(in: reply.firstLineText) ?? reply.firstLineText
    }

    /// `remote` as an absolute path: as given when it is one, else under the session's folder (PWD, asked once per
    /// change of folder). The name as given when the server will not say.
    func absolutePath(of remote: String) -> String {
        if remote.hasPrefix("/") { return remote }
        let here: String
        if let known = knownDirectory, known.generation == directoryGeneration {
            here = known.path
        } else {
            guard let asked = try? currentDirectory() else { return remote }
            knownDirectory = (directoryGeneration, asked)
            here = asked
        }
        return here.hasSuffix("/") ? here + remote : here + "/" + remote
    }

    /// CWD: changes the remote working directory; throws when the server refuses.
    @discardableResult
    public func changeDirectory(_ path: String) throws(FTPError) -> Reply {
        try require(Command(.cwd, path), "cannot change to '\(path)'")
    }

    /// CDUP: changes to the parent of the remote working directory; throws when the server refuses.
    @discardableResult
    public func changeToParent() throws(FTPError) -> Reply {
        try require(Command(.cdup), "cannot change to the parent directory")
    }

    /// TYPE, sent only when the server's current type differs.
    public func setType(_ type: TransferType) throws(FTPError) {
        if wireType == type { return }
        try require(Command(.type, type.rawValue), "the server refused TYPE \(type.rawValue)")
        wireType = type
    }

    /// DELE: deletes the remote file at `path`.
    public func delete(_ path: String) throws(FTPError) {
        try require(Command(.dele, path), "cannot delete '\(path)'")
    }

    /// RNFR then RNTO: renames the remote `from` to `to`.
    public func rename(_ from: String, to: String) throws(FTPError) {
        let reply = try execute(Command(.rnfr, from))
        guard reply.code == .pendingFurtherInformation else {
            throw FTPError(.commandFailed, "cannot rename '\(from)': \(reply.summary)", reply: reply)
        }
        try require(Command(.rnto, to), "cannot rename '\(from)' to '\(to)'")
    }

    /// MKD: creates the remote directory `path`.
    @discardableResult
    public func makeDirectory(_ path: String) throws(FTPError) -> Reply {
        try require(Command(.mkd, path), "cannot create directory '\(path)'")
    }

    /// RMD: removes the remote directory `path`.
    public func removeDirectory(_ path: String) throws(FTPError) {
        try require(Command(.rmd, path), "cannot remove directory '\(path)'")
    }

    /// SIZE in bytes (RFC 3659 §4), in the current transfer type's terms.
    public func size(_ path: String) throws(FTPError) -> Int64 {
        let reply = try require(Command(.size, path), "cannot get the size of '\(path)'")
        // Range-checked before any arithmetic: no negative size, none past what a file can hold (2^62).
        guard let value = Int64(reply.firstLineText.trimmingSpaces), value >= 0, value <= 1 << 62 else {
            throw FTPError(.protocolViolation, "the server's SIZE reply is not a usable size: \(reply.summary)", reply: reply)
        }
        return value
    }

    /// MDTM as the server gives it (YYYYMMDDHHMMSS[.sss], UTC).
    public func modificationTime(_ path: String) throws(FTPError) -> String {
        try require(Command(.mdtm, path), "cannot get the modification time of '\(path)'").firstLineText.trimmingSpaces
    }

    /// MFMT (draft-somers-ftp-mfxx): sets the remote file's modification time, and reads back what the server
    /// set from its reply (`213 Modify=YYYYMMDDHHMMSS; path`). Returns the time the server says it set.
    @discardableResult
    public func setModificationTime(_ path: String, to seconds: Int64) throws(FTPError) -> Int64? {
        let reply = try require(Command(.mfmt, "\(Timestamp.format(seconds)) \(path)"), "cannot set the time of '\(path)'")
        let text = reply.firstLineText.lowercased()
        guard let range = text.firstRange(of: "modify=") else { return nil }
        return Timestamp.parse(String(text[range.upperBound...].prefix { $0 != ";" && $0 != " " }))
    }

    /// Sets a remote file's modification time, and reads it back: MFMT where FEAT offers it (its reply says the
    /// time set); else vsftpd's `MDTM YYYYMMDDHHMMSS path`, tried once per session and read back with MDTM (a
    /// server that takes it for a file name answers 550, and the session stops trying). False when the server
    /// cannot; an error when it set another time.
    @discardableResult
    public func setRemoteTime(_ path: String, to seconds: Int64) throws(FTPError) -> Bool {
        if features.supports("MFMT") {
            let set = try setModificationTime(path, to: seconds)
            if let set, set != seconds {
                throw FTPError(.commandFailed, "the server set the time of '\(path)' to \(Timestamp.readable(set, separator: " ")) instead of \(Timestamp.readable(seconds, separator: " "))")
            }
            return true
        }
        guard features.supports("MDTM"), timeSettingByMDTM != false else { return false }
        let reply = try execute(Command(.mdtm, "\(Timestamp.format(seconds)) \(path)"))
        guard reply.code.isSuccess else {
            timeSettingByMDTM = false
            return false
        }
        if timeSettingByMDTM == nil {
            let back = try FTPClient.unlessRefused { () throws(FTPError) in try modificationTime(path) }
            timeSettingByMDTM = back.flatMap(Timestamp.parse) == seconds
        }
        return timeSettingByMDTM == true
    }

    static func quotedPath(in text: String) -> String? {
        guard let open = text.firstIndex(of: "\"") else { return nil }
        var result = ""
        var index = text.index(after: open)
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            if character == "\"" {
                if next < text.endIndex, text[next] == "\"" {
                    result.append("\"")
                    index = text.index(after: next)
                    continue
                }
                return result
            }
            result.append(character)
            index = next
        }
        return nil
    }
}

extension String {
    var trimmingSpaces: String {
        String(self.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
