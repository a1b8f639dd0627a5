// libFuzzer entry for FerryCore's parsers, built by scripts/fuzz.sh (not a SwiftPM target):
//   swiftc -sanitize=fuzzer,address -parse-as-library -module-name FerryCore Sources/FerryCore/*.swift Tests/Fuzz/FuzzEntry.swift
// Every input goes through the listing parsers (LIST and MLSD), the reply parser (whole and byte by byte),
// the address codecs and the WireText round trip, which must hold for any bytes.

@_cdecl("LLVMFuzzerTestOneInput")
public func ferryFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    FuzzTargets.exercise(bytes)
    return 0
}

enum FuzzTargets {
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
