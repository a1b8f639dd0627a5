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

    /// A `.part` Ferry left from one server is Ferry's own, but not this server's: `reget` refuses to continue it
    /// (even where the remote times would let it through), `mirror` and `pget` start over, and the final files are
    /// the second server's bytes. A `.part` without Ferry's origin record is not continued either.
    @Test func aPartialFromOneServerIsNeverContinuedWithAnothersBytes() throws {
        var cutting = ServerOptions()
        cutting.cutRetrieveAfter = 100_000
        let first = try PyFTPServer(options: cutting)
        try TestFiles.writeRandom(first.path("big"), size: 400_000)
        let second = try PyFTPServer()
        try TestFiles.writeRandom(second.path("big"), size: 400_000)
        // Older than any .part made now: the time check alone would let a resume through.
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_000_000_000)],
                                              ofItemAtPath: second.path("big"))
        let work = try TemporaryDirectory("ferry-origin")
        try FileManager.default.createDirectory(atPath: work.file("copy"), withIntermediateDirectories: true)
        for folder in [work.path, work.file("copy")] {
            let cut = try Ferry.session(first, "set retries 0\nget big\n", directory: folder, timeout: 90)
            #expect(cut.status == 1, "\(cut.output)")
            #expect(TestFiles.exists(folder + "/.big.part"), "\(TestFiles.names(in: folder))")
        }
        let partial = try TestFiles.sha256(work.file(".big.part"))

        let reget = try Ferry.session(second, "reget big\n", directory: work.path, timeout: 90)
        #expect(reget.status == 1, "\(reget.output)")
        #expect(reget.stderr.contains("holds the start of a download from another server"), "\(reget.stderr)")
        #expect(try TestFiles.sha256(work.file(".big.part")) == partial, "the partial is left as it was")
        #expect(!TestFiles.exists(work.file("big")))

        let again = try Ferry.session(second, "pget -n 2 big\nmirror . copy\n", directory: work.path, timeout: 120)
        #expect(again.status == 0, "\(again.output)")
        #expect(try TestFiles.sha256(work.file("big")) == TestFiles.sha256(second.path("big")))
        #expect(try TestFiles.sha256(work.file("copy/big")) == TestFiles.sha256(second.path("big")))
        let attributes = try ProcessRunner.run("/usr/bin/python3", ["-c", "import os,sys; print(os.listxattr(sys.argv[1]))", work.file("big")])
        #expect(attributes.stdout == "[]\n", "a finished file carries no origin record: \(attributes.output)")

        // A .part Ferry did not write (no origin record) is not continued either.
        try TestFiles.writeRandom(work.file(".other.part"), size: 1000)
        try TestFiles.writeRandom(second.path("other"), size: 5000)
        let planted = try Ferry.session(second, "reget other\n", directory: work.path, timeout: 90)
        #expect(planted.status == 1, "\(planted.output)")
        #expect(planted.stderr.contains("carries no origin record of this Ferry's"), "\(planted.stderr)")
    }

    /// Found by a review: the record named the file as typed, so a partial of d1/g.bin was continued by d2's g.bin
    /// (same server, name and size); and a name with `%` never matched its own record, so even get's own retries
    /// refused it. Also: with temporary files off, the finished file carried the record.
    @Test func theSameNameInAnotherFolderIsAnotherFileAndOddNamesStillResume() throws {
        var cutting = ServerOptions()
        cutting.cutRetrieveAfter = 100_000
        let server = try PyFTPServer(options: cutting)
        for folder in ["d1", "d2"] {
            try FileManager.default.createDirectory(atPath: server.path(folder), withIntermediateDirectories: true)
            try TestFiles.writeRandom(server.path("\(folder)/g.bin"), size: 300_000)
        }
        try TestFiles.writeRandom(server.path("a%b\u{301}.bin"), size: 300_000)
        let work = try TemporaryDirectory("ferry-origin")
        let cut = try Ferry.session(server, "set retries 0\ncd d1\nget g.bin\n", directory: work.path, timeout: 90)
        #expect(cut.status == 1, "\(cut.output)")
        let other = try Ferry.session(server, "cd d2\nreget g.bin\n", directory: work.path, timeout: 90)
        #expect(other.status == 1, "\(other.output)")
        #expect(other.stderr.contains("of another remote file"), "\(other.stderr)")
        #expect(!TestFiles.exists(work.file("g.bin")))
        let same = try Ferry.session(server, "set retries 10\ncd d1\nreget g.bin\n", directory: work.path, timeout: 90)
        #expect(same.status == 0, "\(same.output)")
        #expect(try TestFiles.sha256(work.file("g.bin")) == TestFiles.sha256(server.path("d1/g.bin")))

        let odd = try Ferry.session(server, "set retries 10\nget \"a%b\u{301}.bin\"\n", directory: work.path, timeout: 90)
        #expect(odd.status == 0, "\(odd.output)")
        #expect(try TestFiles.sha256(work.file("a%b\u{301}.bin")) == TestFiles.sha256(server.path("a%b\u{301}.bin")))

        let plain = try PyFTPServer()
        try TestFiles.writeRandom(plain.path("f.bin"), size: 1000)
        let inPlace = try Ferry.session(plain, "set temp-file off\nget f.bin\n", directory: work.path, timeout: 90)
        #expect(inPlace.status == 0, "\(inPlace.output)")
        let attributes = try ProcessRunner.run("/usr/bin/python3", ["-c", "import os,sys; print(os.listxattr(sys.argv[1]))", work.file("f.bin")])
        #expect(attributes.stdout == "[]\n", "\(attributes.output)")
    }

    /// A download killed part way (no chance to clean up) leaves a `.part` whose origin record was written when it
    /// was made (a file of 1 MiB or more): `reget` continues it.
    @Test func aKilledGetOfABigFileLeavesAPartThatRegetContinues() throws {
        var options = ServerOptions()
        options.rateLimit = 400_000
        let server = try PyFTPServer(options: options)
        try TestFiles.writeRandom(server.path("big.bin"), size: 3_000_000)
        let work = try TemporaryDirectory("ferry-origin")
        let killed = try Ferry.run(["-n", server.host, String(server.port)],
                                   script: "user \(server.user) \(server.password)\nget big.bin\n",
                                   timeout: 1.5, directory: work.path, expectTimeout: true)
        #expect(killed.status != 0)
        #expect(TestFiles.exists(work.file(".big.bin.part")), "\(TestFiles.names(in: work.path))")
        let again = try Ferry.session(server, "reget big.bin\n", directory: work.path, timeout: 90)
        #expect(again.status == 0, "\(again.output)")
        #expect(try TestFiles.sha256(work.file("big.bin")) == TestFiles.sha256(server.path("big.bin")))
    }
}

enum LocalNameCheck {
    static func isWorkingName(_ name: String) -> Bool {
        name.hasPrefix(".") && [".part", ".pget", ".bad"].contains { name.hasSuffix($0) }
    }
}
