import FerryCore
import Testing

/// Final replies of listings, as real servers word them: which say the listing was cut short.
@Suite struct ListingCompletenessTests {
    static func reply(_ lines: [String]) -> Reply { Reply(code: ReplyCode(226), lines: lines) }

    @Test(arguments: [
        // pure-ftpd 1.0.50, LIST / MLSD and NLST / a glob past the cap.
        ["226-Options: -l ", "226 Output truncated to 10000 matches"],
        ["226 Output truncated to 10 matches"],
        ["226-Out of memory during globbing of *.txt", "226-(This probably means \"Permission denied\")", "226-Options: -l ", "226 0 matches total"],
        // Other wordings of the same fact.
        ["226-Listing truncated: too many files in this directory", "226 Transfer complete."],
        ["226 Too many entries; list a smaller folder"],
    ])
    func aCutListingIsSeen(lines: [String]) {
        #expect(ListingCompleteness.cutShort(ListingCompletenessTests.reply(lines)) != nil)
    }

    @Test(arguments: [
        ["226 Transfer complete"],                          // proftpd (also when maxfiles cut LIST: it says nothing)
        ["226 Directory send OK."],                         // vsftpd
        ["226-Options: -l ", "226 14 matches total"],        // pure-ftpd, whole
        ["226 Transfer complete."],                         // pyftpdlib
    ])
    func aWholeListingIsNot(lines: [String]) {
        #expect(ListingCompleteness.cutShort(ListingCompletenessTests.reply(lines)) == nil)
    }
}
