@testable import FerryClient
import Foundation
import Testing

/// The origin record of a `.part`: plain ASCII whatever the names hold, byte-exact, and only the same server,
/// file and size allow a partial to be continued.
@Suite struct PartialOriginTests {
    func origin(_ server: String = "alice@ftp.example:21", _ path: String = "/pub/big.iso", size: Int64? = 4096) -> PartialOrigin {
        PartialOrigin(server: server, remotePath: path, size: size)
    }

    @Test func aRecordReadsBackAsWritten() throws {
        for written in [origin(), origin(size: nil), origin("te%st@h:21", "/a%b.bin"), origin("é@h:21", "/\u{301}x.bin")] {
            let read = try #require(PartialOrigin.parse(written.text), "\(written.text)")
            #expect(read.allows(written) && written.allows(read), "\(written.text)")
            #expect(read.id == written.id)
            #expect(written.text.utf8.allSatisfy { $0 < 0x80 }, "\(written.text)")
        }
        #expect(origin().text.utf8.count < 64, "fits in an ext4 inode: \(origin().text)")
    }

    @Test func aNameWithLineBreaksForgesNoField() {
        let hostile = origin("a@h:21 1 2 3", "x\n2 0 0 1 1 %")
        #expect(hostile.text.split(separator: " ").count == 5, "\(hostile.text)")
        #expect(PartialOrigin.parse(hostile.text)?.allows(hostile) == true)
    }

    @Test func onlyTheSameServerFileAndSizeAllowAResume() {
        let written = origin("a@h:21", "/d1/big", size: 100)
        #expect(written.allows(origin("a@h:21", "/d1/big", size: 100)))
        #expect(written.allows(origin("a@h:21", "/d1/big", size: nil)), "a size not known now")
        #expect(!written.allows(origin("a@other:21", "/d1/big", size: 100)))
        #expect(!written.allows(origin("b@h:21", "/d1/big", size: 100)), "another user's files")
        #expect(!written.allows(origin("a@h:2121", "/d1/big", size: 100)))
        #expect(!written.allows(origin("a@h:21", "/d2/big", size: 100)), "the same name in another folder")
        #expect(!written.allows(origin("a@h:21", "/d1/big", size: 101)), "another version")
        // Canonically equivalent, but other bytes: other names on the server.
        #expect(!origin("a@h:21", "/caf\u{e9}").allows(origin("a@h:21", "/cafe\u{301}")))
    }

    @Test func brokenRecordsAreNoRecords() {
        let good = origin().text
        for text in ["", good.replacingOccurrences(of: "2 ", with: "1 ", options: .anchored),
                     good.replacingOccurrences(of: " 4096 ", with: " x "),
                     String(good.split(separator: " ").dropLast().joined(separator: " ")),
                     good + "\u{301}", "2 0 0 1 1"] {
            #expect(PartialOrigin.parse(text) == nil, "\(text)")
        }
    }

    @Test func aFileWithoutARecordHasNoneAndAStampedOneReadsBack() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-origin-\(UUID().uuidString)").path
        _ = FileManager.default.createFile(atPath: path, contents: Data([1, 2, 3]))
        defer { try? FileManager.default.removeItem(atPath: path) }
        guard case .none = PartialOrigin.read(path) else { Issue.record("a record on a new file"); return }
        let fd = open(path, O_WRONLY)
        defer { close(fd) }
        let written = origin(size: 3)
        #expect(written.stamp(fd), "/tmp keeps extended attributes here")
        guard case .found(let read) = PartialOrigin.read(path) else { Issue.record("no record read back"); return }
        #expect(read.allows(written) && read.id == written.id)
        PartialOrigin.remove(from: path)
        guard case .none = PartialOrigin.read(path) else { Issue.record("the record was not removed"); return }
    }
}
