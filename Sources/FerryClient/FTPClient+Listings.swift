import FerryCore
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Listings the client reads itself: names for client-side globbing, MLSD/MLST facts.
extension FTPClient {
    /// The entries of `directory` (nil: the current one), parsed: MLSD when the server offers MLST (facts),
    /// LIST otherwise (Unix or DOS lines; a line no parser reads comes back as `.raw`). The directory itself
    /// and its parent are left out. Results are cached for the session until something changes the server
    /// (upload, delete, rename, mkdir, rmdir, SITE, a raw command) or the working directory changes.
    /// A listing the server says it cut short throws `.listingIncomplete` (see `listedEntries` for its entries).
    public func entries(in directory: String?, useCache: Bool = true) throws(FTPError) -> [ListingEntry] {
        let listed = try listedEntries(in: directory, useCache: useCache)
        if let cut = listed.cut { throw cut }
        return listed.entries
    }

    /// The entries of `directory` as `entries(in:)` reads them, and, when the server said it cut the listing
    /// short, that error beside the entries it did send (never cached: the next look asks again).
    public func listedEntries(in directory: String?, useCache: Bool = true) throws(FTPError) -> (entries: [ListingEntry], cut: FTPError?) {
        let key = listingCacheKey(directory)
        if useCache, let cached = listingCache[key] { return (cached, nil) }
        // Held whole for the cache, so bounded: 64 MiB of lines, and ten reply timeouts for the whole listing.
        let saved = listingDeadline
        listingDeadline = min(saved ?? .infinity, MonotonicClock.now + 10 * configuration.replyTimeout)
        defer { listingDeadline = saved }
        var result: [ListingEntry] = []
        var bytes = 0
        do throws(FTPError) {
            try eachEntry(in: directory) { (entry) throws(FTPError) in
                bytes += entry.raw.utf8.count + 1
                guard bytes <= 64 << 20 else {
                    throw FTPError(.protocolViolation, "the listing is larger than 64 MiB; list a smaller directory")
                }
                result.append(entry)
            }
        } catch where error.code == .listingIncomplete {
            return (result, error)
        }
        if listingCache.count >= 64 { listingCache.removeAll() }
        listingCache[key] = result
        return (result, nil)
    }

    private func listingCacheKey(_ directory: String?) -> String { "\(directoryGeneration)\u{0}\(directory ?? "")" }

    /// The entries of `directory` from the cache, or fetched within about `seconds` (every wait of the fetch is
    /// cut to a third of it); nil when that fails or takes longer. A server that did not answer in time has its
    /// connection closed, as after any timeout: the next command reconnects. For TAB completion, which offers what
    /// a listing the server cut short did name (`cut`) and says so.
    public func entries(in directory: String?, within seconds: Double) -> (entries: [ListingEntry], cut: Bool)? {
        if let cached = listingCache[listingCacheKey(directory)] { return (cached, false) }
        let saved = configuration
        let learned = dataChannelMemory
        listingDeadline = MonotonicClock.now + seconds
        defer {
            configuration = saved
            listingDeadline = nil
        }
        configuration.replyTimeout = min(saved.replyTimeout, seconds / 3)
        configuration.dataConnectTimeout = min(saved.dataConnectTimeout, seconds / 3)
        configuration.stallTimeout = min(saved.stallTimeout, seconds / 3)
        let listed = try? listedEntries(in: directory)
        // Its short waits prove nothing about a method that did not answer in them: a listing that failed leaves
        // what the session knew of the data channel as it was.
        if listed == nil { dataChannelMemory = learned }
        return listed.map { ($0.entries, $0.cut != nil) }
    }

    /// The entries of `directory` one at a time, as the listing arrives (MLSD when the server offers MLST, LIST
    /// otherwise), the directory itself and its parent left out; nothing is kept, so any length fits in the
    /// memory of one entry. LIST times are read with `timeZoneOffset` (default: the configured one).
    /// Returns the server's final reply.
    @discardableResult
    public func eachEntry(in directory: String?, timeZoneOffset: Int64? = nil,
                          _ body: @escaping (ListingEntry) throws(FTPError) -> Void) throws(FTPError) -> Reply {
        let mlsd = features.supports("MLST")
        var context = listingContext
        if let timeZoneOffset { context.timeZoneOffset = timeZoneOffset }
        return try eachListingLine(mlsd ? .mlsd : .list, directory) { line throws(FTPError) in
            guard let entry = ListingParser.parseEntry(line, mlsd: mlsd, context: context),
                  !ListingParser.isSelfOrParent(entry) else { return }
            try body(entry)
        }
    }

    /// Now and the server's listing time zone, for the six-month rule of `ls -l` dates.
    var listingContext: ListingContext {
        ListingContext(now: Int64(time(nil)), timeZoneOffset: configuration.listingTimeZoneOffset)
    }

    /// MLST: the facts of one path, from the control connection (RFC 3659 §7.2).
    public func machineFacts(_ path: String?) throws(FTPError) -> Reply {
        try require(Command(.mlst, path), "cannot get the facts of '\(path ?? ".")'")
    }

    /// Reads replies that are already waiting (tnftp's `reset`): any the session lost track of.
    public func drainReplies(timeout: Double = 0.5) throws(FTPError) -> [Reply] {
        let connection = try connected()
        var replies: [Reply] = []
        // Bounded in count and time: a server that keeps talking cannot hold the drain forever.
        let deadline = MonotonicClock.now + max(timeout, configuration.replyTimeout)
        while replies.count < 1000, MonotonicClock.now < deadline {
            do throws(FTPError) {
                replies.append(try connection.readReply(timeout: timeout, closeOnTimeout: false))
            } catch where error.code == .timedOut {
                // Silence after a half-sent reply would pair its rest with the next command: drop the session.
                if connection.hasPartialReply { close() }
                return replies
            }
        }
        close()
        throw FTPError(.protocolViolation, "the server kept sending replies; the connection was closed")
    }

    static func lines(_ bytes: [UInt8]) -> [String] {
        bytes.split(separator: 0x0A).map { line in
            WireText.decode(line.last == 0x0D ? line.dropLast() : line[...])
        }.filter { !$0.isEmpty }
    }
}
