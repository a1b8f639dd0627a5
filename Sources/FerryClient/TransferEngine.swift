import FerryCore
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// File transfers as they must run, whoever asks (get, mget, put, mput, one-shot URLs): through `.part` → verify →
/// rename (FTPClient.download), resuming a cut stream with REST, downloading again from byte 0 after a checksum
/// mismatch, and opening the session again after a drop (1, 2, 4, 8 s apart), within a retry budget.
/// The engine never prints: it tells its owner what it does through `onEvent`.
public final class TransferEngine {
    /// How often the engine tries a failed transfer again.
    public struct Policy: Sendable, Equatable {
        /// Times a cut, dropped or corrupt transfer is tried again.
        public var retries = 3
        /// Creates the default policy: 3 retries.
        public init() {}
    }

    /// What the engine tells its owner: retries and reconnections.
    public enum Event: Sendable {
        /// An attempt failed with `error`; attempt `attempt` of `of` follows after `wait` seconds.
        case retrying(error: FTPError, attempt: Int, of: Int, wait: Double)
        /// The session was opened again after the connection dropped.
        case reconnected(host: String)
    }

    /// The session every transfer runs on; reopened from `recipe` after a drop.
    public let client: FTPClient
    /// How to open the session again after a drop; without one a dropped connection ends the transfer.
    public var recipe: SessionRecipe?
    /// How often a failed transfer is tried again.
    public var policy: Policy
    /// Called before each retry and after each reconnection.
    public var onEvent: (Event) -> Void = { _ in }

    /// Creates an engine on `client`; without `recipe` a dropped connection ends the transfer.
    public init(client: FTPClient, recipe: SessionRecipe? = nil, policy: Policy = Policy()) {
        self.client = client
        self.recipe = recipe
        self.policy = policy
    }

    /// Downloads `remote` to `localPath` (see `FTPClient.download`), trying again as the policy allows.
    public func download(_ remote: String, toPath localPath: String, type: TransferType, options: FTPClient.DownloadOptions,
                         expectedSize: Int64? = nil) throws(FTPError) -> FTPClient.DownloadReport {
        var options = options
        var attempt = 0
        while true {
            do throws(FTPError) {
                return try client.download(remote, toPath: localPath, type: type, options: options, expectedSize: expectedSize)
            } catch {
                // In-place downloads (temp-file off) have no .part to resume from.
                guard options.useTemporaryFile || options.resume else { throw error }
                try prepareRetry(after: error, attempt: &attempt, what: remote, type: type)
                options.resume = true
            }
        }
    }

    /// Uploads `localPath` as `remote`. A cut binary STOR resumes where the server's copy ends (SIZE, then REST +
    /// STOR) only onto bytes this upload provably wrote there (see `resumePoint`); otherwise it starts again from
    /// byte 0. Appends and unique names cannot be resumed that way. A `restartAt` given by the caller is taken as
    /// proven (the caller knows those bytes are the file's).
    public func upload(_ localPath: String, as remote: String, type: TransferType, mode: FTPClient.StoreMode,
                       restartAt offset: Int64 = 0) throws(FTPError) -> TransferResult {
        var offset = offset
        var attempt = 0
        // The end of what this upload put into the server's copy: nothing yet. A file already there under the name
        // (an older version, someone else's) is never continued.
        var written: Int64? = offset > 0 ? offset : nil
        let resumable = mode == .replace && type == .image && policy.retries > 0
        // What the name was before this upload, for a server without range checksums (one MDTM, only for files
        // worth resuming; with checksums the bytes themselves are compared): a copy whose time did not change
        // since is not this upload's.
        let before: String?? = resumable && !client.offersRangeChecksum && TransferEngine.localSize(localPath) >= TransferEngine.resumeWorthy
            ? remoteTime(remote) : .none
        while true {
            // Only an attempt of this upload may vouch for the server's copy: never a record left by an earlier one.
            client.lastOpenedStore = nil
            do throws(FTPError) {
                return try client.store(remote, fromPath: localPath, type: type, mode: mode, restartAt: offset)
            } catch {
                guard resumable else { throw error }
                // The server opened the name for this attempt (its 1yz came): its copy now holds at most what was sent.
                // An attempt lost before that left the copy as it was.
                if let opened = client.lastOpenedStore, opened.remote == remote { written = opened.from + opened.sent }
                try prepareRetry(after: error, attempt: &attempt, what: localPath, type: type)
                try? client.setType(type)
                offset = try resumePoint(of: remote, from: localPath, written: written, before: before)
            }
        }
    }

    /// Below this many bytes a retried upload simply starts again: resuming it is not worth a round trip.
    static let resumeWorthy: Int64 = 256 << 10

    static func localSize(_ path: String) -> Int64 {
        var info = stat()
        return WireText.withCString(path, { stat($0, &info) }) == 0 ? Int64(info.st_size) : 0
    }

    /// The remote name's MDTM: `.some(nil)` when there is no such file (or the server will not say), `.none` when
    /// the server has no MDTM or the question failed.
    private func remoteTime(_ remote: String) -> String?? {
        guard client.features.supports("MDTM") else { return .none }
        do throws(FTPError) {
            return .some(try FTPClient.unlessRefused { () throws(FTPError) in try client.modificationTime(remote) })
        } catch { return .none }
    }

    /// Where a retried upload may continue: the server's SIZE when that is no more than this upload wrote there,
    /// and those bytes are shown to be this upload's: by a range checksum where the server offers one, else by a
    /// modification time that changed since the upload began (a server that writes uploads elsewhere until they
    /// end, as pure-ftpd -0, leaves the older copy under the name). Else 0.
    private func resumePoint(of remote: String, from localPath: String, written: Int64?, before: String??) throws(FTPError) -> Int64 {
        guard let written, written > 0,
              let size = try FTPClient.unlessRefused({ () throws(FTPError) in try client.size(remote) }),
              size > 0, size <= written else { return 0 }
        if let remoteSum = try FTPClient.unlessRefused({ () throws(FTPError) in try client.remoteChecksum(of: remote, length: size) }) ?? nil {
            let localSum = try FTPClient.localChecksum(of: localPath, algorithm: remoteSum.algorithm, length: size)
            return localSum == remoteSum.hex ? size : 0
        }
        guard case .some(let earlier) = before, case .some(let now) = remoteTime(remote), let now, now != earlier else { return 0 }
        return size
    }

    /// Uploads `localPath` as the hidden `.name.part` beside `remote` (continuing it from `resumeFrom`), then
    /// renames it into place: an interrupted upload never leaves a file under the real name that looks complete.
    /// A server that will not rename onto an existing file has that file deleted first.
    public func uploadViaTemporary(_ localPath: String, as remote: String, type: TransferType,
                                   resumeFrom: Int64 = 0) throws(FTPError) -> TransferResult {
        let temporary = LocalName.partialPath(of: remote)
        let result: TransferResult
        do throws(FTPError) {
            result = try upload(localPath, as: temporary, type: type, mode: .replace, restartAt: resumeFrom)
        } catch where error.code == .localFileChanged {
            // Bytes of a file that changed under the upload: no later run may continue them.
            _ = try? client.delete(temporary)
            throw error
        }
        do throws(FTPError) { try client.rename(temporary, to: remote) } catch where error.code == .commandFailed {
            try client.delete(remote)
            try client.rename(temporary, to: remote)
        }
        return result
    }

    /// `put`'s way by default: the bytes go to `.name.part` and a rename puts them in place, so an interrupted
    /// upload leaves the server's file as it was. A server that refuses the temporary name itself (553, "prohibited
    /// file name": no dot files) or renames nothing (RNFR refused) gets the plain STOR instead, for the rest of the
    /// session with that server, said once. The original goes before the new bytes are in place only where RNTO
    /// refuses to replace an existing file, and then the new bytes are never deleted.
    public func uploadKeepingTheOriginal(_ localPath: String, as remote: String, type: TransferType) throws(FTPError) -> TransferResult {
        if client.temporaryUploadsRefused { return try upload(localPath, as: remote, type: type, mode: .replace) }
        let temporary = LocalName.partialPath(of: remote)
        let result: TransferResult
        do throws(FTPError) {
            result = try upload(localPath, as: temporary, type: type, mode: .replace)
        } catch where error.code == .commandFailed && client.lastOpenedStore == nil {
            // Refused before a byte moved: a refusal of the name goes the plain way; any other (a missing folder,
            // a quota) is said of the real name.
            let reply = error.reply
            let text = reply?.text.lowercased() ?? ""
            if reply?.code.rawValue == 553 || text.contains("prohibited") || text.contains("not allowed") {
                return try plainUpload(localPath, as: remote, type: type, because: "the server refused the temporary name '\(temporary)' (\(reply!.summary))")
            }
            throw FTPError(.commandFailed, "cannot store '\(remote)': \(reply?.summary ?? error.message)", reply: reply)
        } catch where error.code == .localFileChanged {
            _ = try? client.delete(temporary)
            throw error
        } catch {
            let said = error.message.hasSuffix(".") ? String(error.message.dropLast()) : error.message
            throw FTPError(error.code, "\(said); the server's '\(remote)' is as it was, the partial upload is '\(temporary)'",
                           reply: error.reply, advice: error.advice ?? .uploadAgain)
        }
        let from = try client.execute(Command(.rnfr, temporary))
        guard from.code == .pendingFurtherInformation else {
            _ = try? client.delete(temporary)
            return try plainUpload(localPath, as: remote, type: type, because: "the server renames nothing here (RNFR: \(from.summary))")
        }
        let to = try client.execute(Command(.rnto, remote))
        if to.code.isSuccess { return result }
        // Some servers will not rename onto an existing file: only a file (SIZE answers for it) is deleted first.
        guard try FTPClient.unlessRefused({ () throws(FTPError) in try client.size(remote) }) != nil else {
            _ = try? client.delete(temporary)
            throw FTPError(.commandFailed, "cannot put '\(remote)' in place: \(to.summary); the server's '\(remote)' is as it was", reply: to)
        }
        try client.delete(remote)
        do throws(FTPError) { try client.rename(temporary, to: remote) } catch {
            throw FTPError(error.code, "the old '\(remote)' was deleted to make room, but the new one could not be renamed into place (\(error.reply?.summary ?? error.message)); it is '\(temporary)' on the server", reply: error.reply)
        }
        return result
    }

    private func plainUpload(_ localPath: String, as remote: String, type: TransferType, because reason: String) throws(FTPError) -> TransferResult {
        client.temporaryUploadsRefused = true
        client.notice("\(reason): uploading under the real name for this session")
        return try upload(localPath, as: remote, type: type, mode: .replace)
    }

    /// Returns when another attempt is worth making (the pause taken, the session back); rethrows otherwise.
    /// A cut data stream on a live session (or one this client closed after a data stall) goes again at once; a lost
    /// connection backs off 1, 2, 4, 8 s. A server
    /// that is restarting refuses or drops the reconnection for a moment: that takes the next attempt of the same
    /// budget, after its pause, instead of ending the transfer.
    private func prepareRetry(after error: FTPError, attempt: inout Int, what: String, type: TransferType) throws(FTPError) {
        var error = error
        var reconnecting = false
        while true {
            guard attempt < policy.retries, reconnecting || TransferEngine.isWorthRetrying(error) else { throw error }
            attempt += 1
            let wait = client.isConnected || client.closedAfterDataStall ? 0.2 : Double(1 << min(attempt - 1, 3))
            onEvent(.retrying(error: error, attempt: attempt, of: policy.retries, wait: wait))
            // Ctrl-C (or the job's end, on a crew's session) ends the pause.
            if !Pause.sleep(wait) { throw FTPError(.interrupted, "interrupted while waiting to try again") }
            guard !client.isConnected else { return }
            guard let recipe else { throw error }
            do throws(FTPError) {
                try client.reopen(recipe, type: type)
                onEvent(.reconnected(host: recipe.host))
                return
            } catch let failed {
                error = FTPError(failed.code, "could not reconnect to resume '\(what)': \(failed.message)", reply: failed.reply)
                // A refused login or folder is no passing state of the server: it ends the transfer.
                guard [.connectionFailed, .connectionClosed, .timedOut].contains(failed.code) else { throw error }
                reconnecting = true
            }
        }
    }

    /// Cut streams, corrupt files, dropped connections and timeouts are worth another attempt; a refusal (550)
    /// or a local error is not.
    public static func isWorthRetrying(_ error: FTPError) -> Bool {
        [.transferIncomplete, .checksumMismatch, .connectionClosed, .timedOut].contains(error.code)
            && error.reply?.code.category != .permanentNegative
    }
}
