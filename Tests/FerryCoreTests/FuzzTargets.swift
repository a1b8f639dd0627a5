// What the fuzzer drives, shared by `make fuzz` (scripts/fuzz.sh compiles this file into a FerryCore build with
// Tests/Fuzz/FuzzEntry.swift) and FuzzCrashReplayTests, so a kept crash input is replayed through exactly the same code.
#if !FERRY_FUZZ
@testable import FerryCore
#endif

enum FuzzTargets {
    /// Every parser on the same bytes; the WireText round trip must hold for any input.
    static func exercise(_ bytes: [UInt8]) {
        let context = ListingContext(now: 1_763_712_000, timeZoneOffset: 3600)
        // Every time a listing yields is formatted as `modtime`, `ls --json` and preserve would: fixed widths, no trap.
        for entry in ListingParser.parse(bytes, mlsd: false, context: context) + ListingParser.parse(bytes, mlsd: true, context: context) {
            if let modified = entry.modified { checkFormats(modified) }
        }

        var whole = ReplyParser(maximumLineLength: 512, maximumLines: 64)
        whole.feed(bytes)
        while let _ = try? whole.next() {}
        var trickle = ReplyParser(maximumLineLength: 512, maximumLines: 64)
        for byte in bytes.prefix(2048) {
            trickle.feed([byte])
            if (try? trickle.next()) == nil { continue }
        }

        let text = WireText.decode(bytes)
        _ = try? AddressCodec.parsePassiveReply(text)
        _ = try? AddressCodec.parseExtendedPassiveReply(text)
        _ = try? AddressCodec.parsePortArgument(text)
        _ = try? AddressCodec.parseExtendedPortArgument(text)
        if let seconds = Timestamp.parse(text) { checkFormats(seconds) }
        if bytes.count >= 8 {
            // Any 64-bit value, as a lying server's number might become one.
            checkFormats(bytes.prefix(8).reduce(Int64(0)) { $0 << 8 | Int64($1) })
        }
        if WireText.encode(text) != bytes { fatalError("WireText round trip lost bytes") }
    }

    static func checkFormats(_ seconds: Int64) {
        if Timestamp.format(seconds).utf8.count != 14 { fatalError("Timestamp.format width") }
        if Timestamp.readable(seconds).utf8.count != 19 { fatalError("Timestamp.readable width") }
        _ = Timestamp.components(seconds)
    }
}
