import FerryTestSupport
import Foundation
import Testing

/// A server cannot plant files under Ferry's own working names (`.X.part`, `.X.pget`, `.X.bad`): a later
/// download of X from another server would take them for its own leftovers and continue them.
@Suite struct WorkingNameTests {
    @Test func plantedPartAndPgetNamesAreSavedUnderOtherNames() throws {
        let planter = try PyFTPServer()
        try TestFiles.writeRandom(planter.path(".big.part"), size: 60_000)
        try TestFiles.write(planter.path(".big.pget"), "{\"done\":[[0,999999]]}\n")
        try TestFiles.writeRandom(planter.path(".lone.bad"), size: 10)
        let work = try TemporaryDirectory("ferry-names")
        let got = try Ferry.session(planter, "get .big.part\nget .big.pget\nmirror . copy\n", directory: work.path, timeout: 120)
        #expect(got.status == 0, "\(got.output)")
        #expect(TestFiles.names(in: work.path).sorted() == ["_big.part", "_big.pget", "copy"], "\(TestFiles.names(in: work.path))")
        #expect(!TestFiles.names(in: work.file("copy")).contains { LocalNameCheck.isWorkingName($0) }, "\(TestFiles.names(in: work.file("copy")))")

        // Another server's big comes down whole, by its own bytes.
        let trusted = try PyFTPServer()
        try TestFiles.writeRandom(trusted.path("big"), size: 300_000)
        let pget = try Ferry.session(trusted, "pget -n 3 big\nget big again\n", directory: work.path, timeout: 120)
        #expect(pget.status == 0, "\(pget.output)")
        #expect(try TestFiles.sha256(work.file("big")) == TestFiles.sha256(trusted.path("big")))
        #expect(try TestFiles.sha256(work.file("again")) == TestFiles.sha256(trusted.path("big")))
    }
}

enum LocalNameCheck {
    static func isWorkingName(_ name: String) -> Bool {
        name.hasPrefix(".") && [".part", ".pget", ".bad"].contains { name.hasSuffix($0) }
    }
}
