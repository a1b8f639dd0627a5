@testable import FerryClient
import Foundation
import Testing

/// The origin record of a `.part`: a server's name can forge no field, and only the same server, name and size
/// allow a partial to be continued.
@Suite struct PartialOriginTests {
    @Test func aRecordReadsBackAsWritten() {
        let origin = PartialOrigin(server: "alice@ftp.example:21", remote: "pub/big.iso", size: 4096, id: "abc")
        #expect(PartialOrigin.parse(origin.text) == origin)
        let unknownSize = PartialOrigin(server: "-@h:21", remote: "x", size: nil, id: "1")
        #expect(PartialOrigin.parse(unknownSize.text) == unknownSize)
    }

    @Test func aNameWithLineBreaksForgesNoField() {
        let hostile = PartialOrigin(server: "a@h:21", remote: "x\nserver evil@h:21\nsize 1\nid 1%", size: 10, id: "9")
        #expect(hostile.text.split(separator: "\n").count == 5, "\(hostile.text)")
        #expect(hostile.text.contains("remote x%0aserver evil@h:21%0asize 1%0aid 1%25"), "\(hostile.text)")
        #expect(PartialOrigin.parse(hostile.text)?.server == "a@h:21")
    }

    @Test func onlyTheSameServerNameAndSizeAllowAResume() {
        let written = PartialOrigin(server: "a@h:21", remote: "big", size: 100, id: "1")
        #expect(written.allows(PartialOrigin(server: "a@h:21", remote: "big", size: 100)))
        #expect(written.allows(PartialOrigin(server: "a@h:21", remote: "big", size: nil)), "a size not known now")
        #expect(!written.allows(PartialOrigin(server: "a@other:21", remote: "big", size: 100)))
        #expect(!written.allows(PartialOrigin(server: "b@h:21", remote: "big", size: 100)), "another user's files")
        #expect(!written.allows(PartialOrigin(server: "a@h:2121", remote: "big", size: 100)))
        #expect(!written.allows(PartialOrigin(server: "a@h:21", remote: "dir/big", size: 100)))
        #expect(!written.allows(PartialOrigin(server: "a@h:21", remote: "big", size: 101)), "another version")
    }

    @Test func brokenRecordsAreNoRecords() {
        for text in ["", "ferry-part 2\nserver a\nremote b\nsize 1\nid 1", "ferry-part 1\nserver a\nremote b\nsize x\nid 1",
                     "ferry-part 1\nserver a\nremote b\nsize 1", "ferry-part 1\nremote b\nserver a\nsize 1\nid 1"] {
            #expect(PartialOrigin.parse(text) == nil, "\(text)")
        }
    }

    @Test func aFileWithoutARecordHasNone() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-origin-\(UUID().uuidString)").path
        FileManager.default.createFile(atPath: path, contents: Data([1, 2, 3]))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(PartialOrigin.read(path) == .none)
        let fd = open(path, O_WRONLY)
        defer { close(fd) }
        let origin = PartialOrigin(server: "a@h:21", remote: "big", size: 3)
        #expect(origin.stamp(fd), "/tmp keeps extended attributes here")
        #expect(PartialOrigin.read(path) == .found(origin))
    }
}
