import Foundation
import Testing
@testable import FerryCore

/// Tests/Fixtures/listings/SERVER/{LIST,MLSD}: raw captures, parsed and compared with the `.expected` files.
@Suite struct ListingFixtureTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/listings")

    static var cases: [String] {
        let servers = ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).sorted()
        return servers.flatMap { server in
            ["LIST", "MLSD"].filter { FileManager.default.fileExists(atPath: root.appendingPathComponent("\(server)/\($0)").path) }
                .map { "\(server)/\($0)" }
        }
    }

    @Test(arguments: ListingFixtureTests.cases)
    func parsesTheCaptureAsExpected(_ path: String) throws {
        let folder = Self.root.appendingPathComponent(path).deletingLastPathComponent()
        let bytes = Array(try Data(contentsOf: Self.root.appendingPathComponent(path)))
        let meta = try String(contentsOf: folder.appendingPathComponent("meta"), encoding: .utf8)
        let captured = meta.split(separator: "\n").first { $0.hasPrefix("captured ") }.flatMap { Int64($0.dropFirst(9)) }
        let context = ListingContext(now: try #require(captured), timeZoneOffset: 0)
        let entries = ListingParser.parse(bytes, mlsd: path.hasSuffix("MLSD"), context: context)
        let rendered = entries.map(Self.render).joined(separator: "\n") + "\n"
        let expectedURL = Self.root.appendingPathComponent(path + ".expected")
        if ProcessInfo.processInfo.environment["FERRY_UPDATE_FIXTURES"] == "1" {
            try rendered.write(to: expectedURL, atomically: true, encoding: .utf8)
        }
        #expect(rendered == (try? String(contentsOf: expectedURL, encoding: .utf8)), "\(path) parses differently")
        // Every line of the capture is accounted for: an entry, or a `total` line.
        let lines = bytes.split(separator: 0x0A).filter { !$0.isEmpty && $0 != [0x0D] }
        let totals = lines.filter { ListingParser.isTotalLine($0.last == 0x0D ? $0.dropLast() : $0[...]) }
        #expect(entries.count + totals.count == lines.count)
    }

    static func render(_ entry: ListingEntry) -> String {
        let modified = entry.modified.map { Timestamp.format($0) } ?? "-"
        let permissions = entry.permissions.map { String($0, radix: 8) } ?? "-"
        return [entry.format.rawValue, entry.kind.rawValue, entry.size.map(String.init) ?? "-", modified, permissions,
                entry.linkTarget.map(visible) ?? "-", visible(entry.name)].joined(separator: "\t")
    }

    /// Bytes that were not UTF-8 as \xNN; tabs and controls escaped too.
    static func visible(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if WireText.isEscape(scalar) {
                result += "\\x" + String(scalar.value - 0xF700, radix: 16)
            } else if scalar.value < 0x20 || scalar.value == 0x7F {
                result += "\\x" + String(scalar.value, radix: 16)
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
