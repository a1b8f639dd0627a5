import FerryCore
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// A download to a path: through a hidden `.part` that is continued only when provably this download's, checked
/// against SIZE and the server's checksum, and renamed into place only then (the one tail every download to a
/// path shares: `proveAndCommit`).
extension FTPClient {
    /// How a download to a path behaves.
    public struct DownloadOptions: Sendable {
        /// Continue a partial download (the hidden `.name.part`) with REST — after checking that the partial
        /// bytes belong to the remote file.
        public var resume = false
        /// With `resume`: when there is no `.part`, continue the named file itself (classic reget). Retries of a
        /// plain get never do: a file that was already there is not the start of this download.
        public var resumeTargetItself = false
        /// Write to `.name.part` and rename into place only on success (off: write the file in place, classic).
        public var useTemporaryFile = true
        /// Keep the `.name.part` of a failed download so it can be resumed.
        public var keepPartial = true
        /// After the transfer, compare the file with the server's checksum when it offers one.
        public var verify = true
        /// Compare the byte count with SIZE (asked first, in binary mode) and fail on a difference.
        public var checkSize = true
        /// The remote file's modification time as the caller's listing gave it (mirror). A kept `.part` is stamped
        /// with it, and a `.part` continues only when it bears the same stamp — a partial of another version
        /// of the file starts over instead, and so does one whose prefix the server's checksum rejects.
        public var remoteModified: Int64?
        /// A `.part` that cannot be continued (the remote file changed, its prefix differs) starts over instead of
        /// failing the download (mirror: the copy must come, and the `.part` is ours).
        public var startOverWhenPartialDiffers = false
        /// Write into an existing device or FIFO (`get f /dev/null`): only when the user named it. A name from a
        /// server that meets a FIFO, a device or a link to one in the local folder is refused instead.
        public var allowSpecialTarget = false
        /// Creates options with every default.
        public init() {}
    }

    /// What a download found out beyond the bytes: where it resumed and what it verified.
    public struct DownloadReport: Sendable {
        /// What the transfer moved (its bytes counted from `resumedAt`).
        public var result: TransferResult
        /// The byte the download continued from; 0 when it started at the beginning.
        public var resumedAt: Int64
        /// The server's checksum the file matched; nil when none was compared.
        public var verifiedWith: RemoteChecksum?

        /// The report; `result` carries where it resumed and what it verified too (what a job returns).
        init(result: TransferResult, resumedAt: Int64, verifiedWith: RemoteChecksum?) {
            var result = result
            result.resumedAt = resumedAt
            result.verifiedWith = verifiedWith
            self.result = result
            self.resumedAt = resumedAt
            self.verifiedWith = verifiedWith
        }
    }

    /// Downloads `remote` to the file at `localPath`. By default the bytes go to a hidden `.name.part` beside it
    /// that is renamed into place only when the stream ended cleanly, the server said 2yz, the byte count matches
    /// SIZE and (when the server offers one) the checksum matches — so a failed download never leaves a file
    /// that looks complete, and never harms a file already there.
    @discardableResult
    public func retrieve(_ remote: String, toPath localPath: String, type: TransferType,
                         expectedSize: Int64? = nil) throws(FTPError) -> TransferResult {
        try download(remote, toPath: localPath, type: type, options: DownloadOptions(), expectedSize: expectedSize).result
    }

    /// Downloads `remote` to the file at `localPath` as `options` ask; reports where it resumed and what it verified.
    public func download(_ remote: String, toPath localPath: String, type: TransferType, options: DownloadOptions,
                         expectedSize known: Int64? = nil) throws(FTPError) -> DownloadReport {
        let target = LocalTarget(path: localPath, temporary: options.useTemporaryFile)
        if let refusal = target.refusal { throw refusal }
        guard target.isRegular || options.allowSpecialTarget else {
            throw FTPError(.localFile, "'\(localPath)' exists here and is not a regular file (a FIFO, a device or a link to one); not writing into it")
        }
        var expected = known
        if expected == nil, options.checkSize || options.resume, type == .image, features.supports("SIZE") {
            try setType(type)
            // A refused or unreadable SIZE means "unknown"; a timeout or a drop is an error of its own (the engine
            // reconnects), never a silent "Not connected." later.
            expected = try FTPClient.unlessRefused { () throws(FTPError) in try size(remote) }
        }
        let origin = target.writePath == localPath ? nil
            : PartialOrigin(server: originServer, remotePath: absolutePath(of: remote), size: expected)
        let offset = try resumeOffset(remote, target: target, options: options, expected: expected, origin: origin)
        // Classic reget of the named file itself: the user vouches for it; once moved to the `.part` name it is stamped.
        let adoptsTarget = offset > 0 && options.resumeTargetItself
            && target.resumePath(allowTarget: true) == localPath && target.writePath != localPath
        // What SIZE says is still to come must fit on the disk: refused now, not after filling it.
        if let expected, target.isRegular, let free = LocalTarget.freeBytes(near: target.writePath), expected - offset > free {
            throw FTPError(.diskFull, "'\(remote)' needs \(expected - offset) more bytes and only \(free) are free here; free some space first")
        }
        let fd = try target.open(truncate: offset == 0, allowTarget: options.resumeTargetItself)
        // The record is written now for a file that may take a while (so a `.part` a kill -9 leaves can be
        // continued), and for a small one only when its `.part` is kept: two metadata writes a file cost ext4
        // journal work that a job of thousands of small files felt (see PartialOrigin.eagerSize).
        var recorded = offset > 0 && !adoptsTarget
        if let origin, offset == 0 || adoptsTarget, adoptsTarget || (expected ?? .max) >= PartialOrigin.eagerSize {
            recorded = origin.stamp(fd)
        }
        let result: TransferResult
        do throws(FTPError) {
            if offset > 0, lseek(fd, off_t(offset), SEEK_SET) != off_t(offset) {
                throw FTPError(.localFile, "cannot seek to byte \(offset) of '\(target.writePath)'")
            }
            if let expected, offset > 0, offset == expected {
                result = TransferResult(bytes: 0, seconds: 0, reply: Reply(code: .closingData, lines: ["226 already complete"]))
            } else {
                result = try retrieve(remote, to: fd, type: type, restartAt: offset, expectedSize: expected.map { $0 - offset })
            }
            if let expected, type == .image, offset + result.bytes != expected {
                throw FTPError(.transferIncomplete, "received \(offset + result.bytes) of \(expected) bytes of '\(remote)' although the server reported success; the partial file is kept", advice: .resumeLater)
            }
        } catch {
            _ = Glibc.close(fd)
            // Bytes beyond what the server announced are not the start of the file: nothing to resume from.
            let kept = options.keepPartial && error.code != .protocolViolation
            if kept, !recorded, let origin { origin.stamp(path: target.writePath) }
            target.failed(keep: kept, stamp: options.remoteModified)
            // A cut or stalled stream, or a full disk, whose bytes stay in the .part: say where, and that it can be continued.
            var info = stat()
            if kept, error.advice == nil, options.useTemporaryFile,
               [.timedOut, .transferIncomplete, .connectionClosed, .diskFull].contains(error.code),
               WireText.withCString(target.writePath, { lstat($0, &info) }) == 0 {
                let where_ = error.code == .diskFull ? "; what arrived is kept in '\(target.writePath)'" : ""
                throw FTPError(error.code, error.message + where_, reply: error.reply, advice: .resumeLater)
            }
            throw error
        }
        let written = LocalTarget.identity(of: fd)
        guard Glibc.close(fd) == 0 else {
            let reason = FTPError.systemMessage(errno)
            target.failed(keep: false)
            throw FTPError(.localFile, "cannot finish writing '\(localPath)': \(reason)")
        }
        // Devices, FIFOs and standard output get no local checksum pass: what was written cannot be read back.
        let verified = try proveAndCommit(target, written: written, remote: remote,
                                          verify: options.verify && type == .image && target.isRegular,
                                          recorded: recorded, origin: origin)
        return DownloadReport(result: result, resumedAt: offset, verifiedWith: verified)
    }

    /// Where a download starts: 0, or with `resume` the size of a partial this download may continue — one of
    /// Ferry's own for this server and file (`origin`), of this version of the file (its stamp, MDTM), whose bytes
    /// the server's range checksum does not contradict. A partial that fails these starts over when
    /// `startOverWhenPartialDiffers`, else refuses. A fresh download removes a segmented download's state file.
    private func resumeOffset(_ remote: String, target: LocalTarget, options: DownloadOptions, expected: Int64?,
                              origin: PartialOrigin?) throws(FTPError) -> Int64 {
        // A .part with a segment state file beside it is preallocated at full size and full of holes: only a segmented download may
        // continue it, and a fresh download starts by removing both.
        let segmentState = target.segmentStatePath
        var stateInfo = stat()
        if target.writePath != target.path, WireText.withCString(segmentState, { lstat($0, &stateInfo) }) == 0 {
            if options.resume {
                throw FTPError(.localFile, "'\(target.writePath)' belongs to an interrupted segmented download", advice: .continueSegmented)
            }
            _ = WireText.withCString(segmentState) { unlink($0) }
        }
        var offset: Int64 = 0
        if options.resume, let stamp = options.remoteModified, !target.partialBears(stamp) { target.discardPartial() }
        if options.resume, let origin, target.resumePath(allowTarget: false) != nil, let refusal = target.originRefusal(origin) {
            guard options.startOverWhenPartialDiffers else { throw refusal }
            target.discardPartial()
        }
        if options.resume, let existing = target.existingPartialSize(allowTarget: options.resumeTargetItself) {
            offset = existing
            if let expected, offset > expected {
                throw FTPError(.localFile, "the local '\(target.resumePath(allowTarget: options.resumeTargetItself) ?? target.path)' is larger (\(offset) bytes) than the remote file (\(expected)); not resuming")
            }
            // A partial file that already holds every byte is checked like any other before it is put in place.
            if offset > 0, let partial = target.resumePath(allowTarget: options.resumeTargetItself) {
                do throws(FTPError) {
                    // The stamp already proved which version the partial belongs to: only its bytes are checked.
                    try checkResumable(remote, partial: partial, offset: offset, checkTime: options.remoteModified == nil)
                } catch where options.startOverWhenPartialDiffers && error.advice == .downloadAgain {
                    target.discardPartial()
                    offset = 0
                }
            }
        }
        return offset
    }

    /// The one tail of every download to a path (one stream or segments): the `.part` must still be the file this
    /// download wrote (`written`); with `verify`, the server's checksum of the file, when it offers one, must match
    /// the `.part`'s; then the `.part` takes its name. A checksum that does not come keeps the `.part` (the next
    /// attempt verifies again); one that differs sets the bytes aside as `.name.bad` (`onMismatch` runs first).
    func proveAndCommit(_ target: LocalTarget, written: LocalTarget.Identity?, remote: String, verify: Bool,
                        recorded: Bool = true, origin: PartialOrigin? = nil,
                        onMismatch: () -> Void = {}) throws(FTPError) -> RemoteChecksum? {
        // The .part is verified (and kept or marked bad) by name: first, that name must still be this download's.
        if verify, !target.holds(written) { throw target.takenOver }
        let remoteSum: RemoteChecksum?
        do throws(FTPError) {
            remoteSum = verify ? try remoteChecksum(of: remote) : nil
        } catch {
            // The server offered a checksum and did not give it: the bytes stay unproven in the .part, which the
            // next attempt verifies again.
            if !recorded, let origin { origin.stamp(path: target.writePath) }
            target.failed(keep: true)
            throw FTPError(error.code, "'\(remote)' arrived, but the server's checksum of it did not (\(error.message)); kept as \(target.writePath)", reply: error.reply)
        }
        if let remoteSum {
            let localSum = try FTPClient.localChecksum(of: target.writePath, algorithm: remoteSum.algorithm)
            guard localSum == remoteSum.hex else {
                onMismatch()
                let kept = target.markBad()
                throw FTPError(.checksumMismatch, "'\(remote)' arrived but its \(remoteSum.algorithm.rawValue) (\(localSum.prefix(16))…) differs from the server's (\(remoteSum.hex.prefix(16))…); kept as \(kept)")
            }
        }
        try target.commit(written, removingOrigin: recorded)
        return remoteSum
    }

    /// Refuses to append unless the partial bytes belong to the remote file: the remote file must not have
    /// changed since the partial was written (MDTM), and where the server offers a checksum of a byte range
    /// the partial's checksum must match it.
    func checkResumable(_ remote: String, partial: String, offset: Int64, checkTime: Bool = true) throws(FTPError) {
        var info = stat()
        guard WireText.withCString(partial, { stat($0, &info) }) == 0 else { return }
        if checkTime, features.supports("MDTM"),
           let text = try FTPClient.unlessRefused({ () throws(FTPError) in try modificationTime(remote) }),
           let remoteTime = Timestamp.parse(text),
           remoteTime > Int64(info.st_mtim.tv_sec) + 1 {
            throw FTPError(.localFile, "'\(remote)' changed on the server after '\(partial)' was written; not appending to it", advice: .downloadAgain)
        }
        if let remoteSum = try remoteChecksum(of: remote, length: offset) {
            let localSum = try FTPClient.localChecksum(of: partial, algorithm: remoteSum.algorithm, length: offset)
            if localSum != remoteSum.hex {
                throw FTPError(.localFile, "the first \(offset) bytes of '\(partial)' differ from the server's (\(remoteSum.algorithm.rawValue) by \(remoteSum.command)); not appending to a wrong prefix", advice: .downloadAgain)
            }
        }
    }
}
