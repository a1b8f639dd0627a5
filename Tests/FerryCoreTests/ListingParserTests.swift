import Testing
@testable import FerryCore

@Suite struct ListingParserTests {
    let context = ListingContext(now: Timestamp.parse("20250315120000")!, timeZoneOffset: 0)

    func unix(_ line: String, _ context: ListingContext? = nil) -> ListingEntry? {
        ListingParser.parseUnix(Array(line.utf8)[...], context: context ?? self.context)
    }

    @Test func sixMonthRulePutsYearlessDatesInThePast() {
        #expect(unix("-rw-r--r-- 1 u g 1 Mar 14 10:00 recent")?.modified == Timestamp.parse("20250314100000"))
        #expect(unix("-rw-r--r-- 1 u g 1 Dec 24 18:30 last-christmas")?.modified == Timestamp.parse("20241224183000"))
        #expect(unix("-rw-r--r-- 1 u g 1 Mar 16 09:00 tomorrow-is-skew")?.modified == Timestamp.parse("20250316090000"))
        #expect(unix("-rw-r--r-- 1 u g 1 Mar 20 09:00 next-week")?.modified == Timestamp.parse("20240320090000"))
    }

    @Test func timeZoneOffsetIsTakenOutOfListedTimes() {
        let east = ListingContext(now: context.now, timeZoneOffset: 3600)
        #expect(unix("-rw-r--r-- 1 u g 1 Mar 14 10:00 f", east)?.modified == Timestamp.parse("20250314090000"))
        #expect(unix("-rw-r--r-- 1 u g 1 Jan  1  2020 f", east)?.modified == Timestamp.parse("20191231230000"))
    }

    @Test func namesKeepInnerAndLeadingSpacesAndLinksSplitAtTheArrow() {
        #expect(unix("-rw-r--r-- 1 u g 1 Jan  1  2020   two leading")?.name == "  two leading")
        #expect(unix("-rw-r--r-- 1 u g 1 Jan  1  2020 a  b")?.name == "a  b")
        let link = unix("lrwxrwxrwx 1 u g 4 Jan  1  2020 l -> /etc/x")
        #expect(link?.name == "l" && link?.linkTarget == "/etc/x" && link?.kind == .link)
        #expect(unix("-rw-r--r-- 1 u g 1 Jan  1  2020 not -> a link")?.name == "not -> a link")
    }

    @Test func refusesLinesThatAreNotLs() {
        #expect(unix("-rw-r--r-- 1 u g 1 Jan") == nil)
        #expect(unix("xrw-r--r-- 1 u g 1 Jan  1  2020 f") == nil)
        #expect(unix("-rw-r--r-- 1 u g big Jan  1  2020 f") == nil)
        #expect(unix("-rw-r--r-- 1 u g 1 Foo  1  2020 f") == nil)
        #expect(unix("-rwzr--r-- 1 u g 1 Jan  1  2020 f") == nil)
    }

    @Test func dosLinesInBothClockStyles() {
        let dir = ListingParser.parseDOS(Array("11-05-24  09:41AM       <DIR>          Projects".utf8)[...])
        #expect(dir?.kind == .directory && dir?.name == "Projects" && dir?.modified == Timestamp.parse("20241105094100"))
        let noon = ListingParser.parseDOS(Array("01-02-2024  12:00PM  5 noon.txt".utf8)[...])
        #expect(noon?.modified == Timestamp.parse("20240102120000") && noon?.size == 5)
        let midnight = ListingParser.parseDOS(Array("01-02-2024  12:00AM  5 midnight.txt".utf8)[...])
        #expect(midnight?.modified == Timestamp.parse("20240102000000"))
        #expect(ListingParser.parseDOS(Array("13-02-2024  12:00  5 bad-month".utf8)[...]) == nil)
        #expect(ListingParser.parseDOS(Array("01-02-2024  25:00  5 bad-hour".utf8)[...]) == nil)
        #expect(ListingParser.parseDOS(Array("01-02-2024  13:00PM  5 bad-meridiem".utf8)[...]) == nil)
    }

    @Test func unknownLinesAreKeptRawAndTotalsLeftOut() {
        let entries = ListingParser.parse(Array("total 8\r\nsomething odd\r\n-rw-r--r-- 1 u g 1 Jan  1  2020 f\r\n".utf8),
                                          mlsd: false, context: context)
        #expect(entries.map(\.format) == [.raw, .unix])
        #expect(entries[0].raw == "something odd")
    }

    @Test func octalModesAreValidated() {
        #expect(ListingParser.parseOctalMode("0644") == 0o644)
        #expect(ListingParser.parseOctalMode("0o755") == 0o755)
        #expect(ListingParser.parseOctalMode("4755") == 0o4755)
        #expect(ListingParser.parseOctalMode("0899") == nil)
        #expect(ListingParser.parseOctalMode("") == nil)
        #expect(ListingParser.parseOctalMode("rwxr-xr-x") == nil)
        #expect(ListingParser.parseOctalMode("177777") == nil)
    }

    @Test func arbitraryBytesNeverCrashAnyParser() {
        var generator = SplitMix(seed: 0x5EED)
        let alphabet = Array(" -rwxdlcbps0123456789:,<>DIRJanFebMarAMPM\t\r;=./\u{00}".utf8) + [0xC3, 0xA9, 0xFF, 0x80]
        for _ in 0..<20_000 {
            let length = Int(generator.next() % 90)
            let line = (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            _ = ListingParser.parse(line, mlsd: false, context: context)
            _ = ListingParser.parse(line, mlsd: true, context: context)
            _ = ListingParser.parseDOS(line[...])
        }
    }
}

/// A small deterministic generator, so a failure can be replayed.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}

@Suite struct WireTextTests {
    @Test func anyBytesRoundTrip() {
        var generator = SplitMix(seed: 42)
        for _ in 0..<5_000 {
            let bytes = (0..<Int(generator.next() % 24)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            #expect(WireText.encode(WireText.decode(bytes)) == bytes)
        }
        let tricky: [UInt8] = Array("latin1-".utf8) + [0xE9] + Array("\u{F7E9}".utf8) + [0xC3]
        #expect(WireText.encode(WireText.decode(tricky)) == tricky)
    }

    @Test func validUTF8IsPlainText() {
        #expect(WireText.decode(Array("ünïcödé".utf8)) == "ünïcödé")
        #expect(!WireText.hasRawBytes("ünïcödé"))
        #expect(WireText.hasRawBytes(WireText.decode([0x61, 0xE9])))
    }
}
