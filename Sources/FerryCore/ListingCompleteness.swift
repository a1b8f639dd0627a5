/// Whether a listing's final reply says that the server sent less than the whole folder.
///
/// Servers cap listings and still answer 2yz. Seen on real servers:
/// - pure-ftpd (its `-L` / LimitRecursion, 10,000 entries by default): LIST ends `226-Options: -l` /
///   `226 Output truncated to 10000 matches`; NLST and MLSD just `226 Output truncated to 10000 matches`.
/// - pure-ftpd, a glob that hits the cap: `226-Out of memory during globbing of *.txt` / `226 0 matches total`.
/// - proftpd's `ListOptions maxfiles` cuts LIST and NLST and says nothing (`226 Transfer complete`); only a
///   log line ("ListOptions maxfiles (N) reached") tells. MLSD is not cut by it.
/// Other wordings of the same fact (a "listing truncated" or "too many files" of other servers) are read alike:
/// a false alarm only keeps a mirror from deleting; a miss deletes a user's files.
public enum ListingCompleteness {
    /// Words that, in any line of the final reply, mean the listing was cut short.
    static let markers = [
        "output truncated", "listing truncated", "list truncated", "truncated to", "truncated at",
        "too many files", "too many entries", "too many matches", "maxfiles", "during globbing",
        "listing incomplete", "partial listing", "list limit", "listing limit",
    ]

    /// The reply line that says the listing is incomplete (server text: sanitise before printing), or nil.
    public static func cutShort(_ reply: Reply) -> String? {
        for line in reply.lines {
            let lowered = line.lowercased()
            if markers.contains(where: { lowered.contains($0) }) { return line }
        }
        return nil
    }
}
