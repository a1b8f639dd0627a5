import FerryCore
import Foundation
import Testing
@testable import FerryShell

@Suite struct JSONLinesTests {
    @Test func rendersEveryFieldAsValidJSON() throws {
        let entry = ListingEntry(name: "a \"quoted\"\tname", kind: .link, size: 9, modified: 1_700_000_000, permissions: 0o755,
                                 linkTarget: "target", format: .unix, raw: "lrwx… raw")
        let line = JSONLines.render(entry)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["name"] as? String == "a \"quoted\"\tname")
        #expect(object["type"] as? String == "link")
        #expect(object["size"] as? Int == 9)
        #expect(object["modified"] as? String == "2023-11-14T22:13:20Z")
        #expect(object["permissions"] as? String == "0755")
        #expect(object["target"] as? String == "target")
    }

    @Test func namesThatAreNotUTF8ComeWithTheirBytes() throws {
        let name = WireText.decode(Array("caf".utf8) + [0xE9])
        let line = JSONLines.render(ListingEntry(name: name, kind: .file, format: .unix, raw: name))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["name"] as? String == "caf\u{FFFD}")
        #expect(object["name_hex"] as? String == "636166e9")
        #expect(object["size"] is NSNull)
    }
}
