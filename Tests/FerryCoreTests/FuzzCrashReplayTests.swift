import Foundation
import Testing
@testable import FerryCore

/// Every input `make fuzz` ever crashed on stays in Tests/Fixtures/fuzz-crashes and must now pass through
/// every parser the fuzzer drives.
@Suite struct FuzzCrashReplayTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/fuzz-crashes")

    @Test func keptCrashInputsParseWithoutCrashing() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter { $0 != "README" }
        for name in names {
            let bytes = Array(try Data(contentsOf: Self.folder.appendingPathComponent(name)))
            let context = ListingContext(now: 1_763_712_000, timeZoneOffset: 3600)
            _ = ListingParser.parse(bytes, mlsd: false, context: context)
            _ = ListingParser.parse(bytes, mlsd: true, context: context)
            var parser = ReplyParser(maximumLineLength: 512, maximumLines: 64)
            parser.feed(bytes)
            while let _ = try? parser.next() {}
            let text = WireText.decode(bytes)
            _ = try? AddressCodec.parsePassiveReply(text)
            _ = try? AddressCodec.parseExtendedPassiveReply(text)
            _ = try? AddressCodec.parseExtendedPortArgument(text)
            #expect(WireText.encode(text) == bytes, "\(name)")
        }
        #expect(FileManager.default.fileExists(atPath: Self.folder.appendingPathComponent("README").path))
    }
}
