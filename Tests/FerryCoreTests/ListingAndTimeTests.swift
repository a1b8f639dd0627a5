import Testing
@testable import FerryCore

@Suite struct ListingAndTimeTests {
    @Test func parsesMLSDFactsCaseInsensitively() {
        let entry = ListingParser.parseMLSD("Type=file;Size=1024;Modify=20240102030405;UNIX.mode=0644; report 2024.pdf")
        #expect(entry?.name == "report 2024.pdf")
        #expect(entry?.kind == .file)
        #expect(entry?.size == 1024)
        #expect(entry?.modified == Timestamp.parse("20240102030405"))
        #expect(entry?.facts["unix.mode"] == "0644")
        #expect(entry?.permissions == 0o644)
    }

    @Test func mlsdDirectoriesAndSelfEntries() {
        let dir = ListingParser.parseMLSD("type=dir;modify=20240102030405; sub")!
        #expect(dir.kind == .directory)
        let current = ListingParser.parseMLSD("type=cdir; .")!
        #expect(ListingParser.isSelfOrParent(current))
        #expect(!ListingParser.isSelfOrParent(dir))
    }

    @Test func implausibleMLSDValuesAreDroppedNotTrusted() {
        #expect(ListingParser.parseMLSD("type=file;size=-5; x")?.size == nil)
        #expect(ListingParser.parseMLSD("type=file;size=lots; x")?.size == nil)
        #expect(ListingParser.parseMLSD("no facts here") == nil)
        #expect(ListingParser.parseMLSD("type=file;") == nil)
    }

    @Test func mdtmTimesConvertBothWays() {
        #expect(Timestamp.parse("19700101000000") == 0)
        #expect(Timestamp.parse("20231114221320") == 1_700_000_000)
        #expect(Timestamp.parse("20231114221320.123") == 1_700_000_000)
        #expect(Timestamp.format(1_700_000_000) == "20231114221320")
        #expect(Timestamp.parse("2023111422132") == nil)
        #expect(Timestamp.parse("20231314221320") == nil)
        #expect(Timestamp.format(Timestamp.parse("20000229235959")!) == "20000229235959")
    }
}

@Suite struct TimestampRangeTests {
    @Test func yearsAtTheEndsOfTheRangeFormatAtFixedWidth() {
        let first = Timestamp.parse("00010101000000")
        #expect(first != nil)
        #expect(Timestamp.readable(first!) == "0001-01-01T00:00:00")
        #expect(Timestamp.format(first!) == "00010101000000")
        let last = Timestamp.parse("99991231235959")
        #expect(Timestamp.readable(last!, separator: " ") == "9999-12-31 23:59:59")
    }

    @Test func timesOutsideTheRangeAreClampedNotTrapped() {
        #expect(Timestamp.readable(Int64.min) == "0000-01-01T00:00:00")
        #expect(Timestamp.readable(Int64.max) == "9999-12-31T23:59:59")
        #expect(Timestamp.format(-1) == "19691231235959")
    }

    @Test func garbageIsRejected() {
        for text in ["", "2024", "2024010203040", "20241301000000", "2024010203046x", "-0240102030405", "２０２４０１０２０３０４０５"] {
            #expect(Timestamp.parse(text) == nil, "\(text)")
        }
    }
}
