// What the fuzzer drives, shared by `make fuzz` (scripts/fuzz.sh compiles this file into a FerryCore build with
// Tests/Fuzz/FuzzEntry.swift) and FuzzCrashReplayTests, so a kept crash input is replayed through exactly the same code.
#if !FERRY_FUZZ
@testable import FerryCore
#endif

enum FuzzTargets {
    /// Every parser on the same bytes; the WireText round trip must hold for any input.
    static func exercise(_ bytes: [UInt8]) {
        let context = ListingContext(now: 1_763_712_000, timeZoneOffset: 3600)
        _ = ListingParser.parse(bytes, mlsd: false, context: context)
        _ = ListingParser.parse(bytes, mlsd: true, context: context)

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
        _ = Timestamp.parse(text)
        if WireText.encode(text) != bytes { fatalError("WireText round trip lost bytes") }
    }
}
