import FerryClient
import FerryCore
import FerryTestSupport
import Foundation
import Testing

/// Parsed listings from the real servers: MLSD (pyftpdlib) and LIST (vsftpd has no MLSD).
@Suite struct ListingTests {
    @Test(arguments: ServerKind.allCases)
    func entriesAgreeWithTheFilesOnDisk(server kind: ServerKind) throws {
        let server = try TestServers.start(kind)
        try TestFiles.write(server.path("alpha.txt"), "12345")
        try TestFiles.write(server.path("name with spaces"), "x")
        try FileManager.default.createDirectory(atPath: server.path("folder"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: server.path("link"), withDestinationPath: "alpha.txt")
        let client = try loggedInClient(server)
        defer { client.quit() }
        let entries = try client.entries(in: nil)
        let byName = Dictionary(uniqueKeysWithValues: entries.map { ($0.name, $0) })
        #expect(byName.keys.sorted() == ["alpha.txt", "folder", "link", "name with spaces"])
        #expect(byName["alpha.txt"]?.kind == .file && byName["alpha.txt"]?.size == 5)
        #expect(byName["folder"]?.kind == .directory)
        #expect(entries.allSatisfy { $0.format == (kind.hasMLSD ? .mlsd : .unix) })
        let now = Int64(Date().timeIntervalSince1970)
        #expect(entries.allSatisfy { abs(($0.modified ?? 0) - now) < 600 }, "times are read as recent, in UTC")
    }

    @Test func listingsAreCachedUntilTheSessionChangesSomething() throws {
        let server = try PyFTPServer()
        try TestFiles.write(server.path("one"), "1")
        let client = try loggedInClient(server)
        defer { client.quit() }
        #expect(try client.entries(in: nil).map(\.name) == ["one"])
        try TestFiles.write(server.path("behind-our-back"), "2")
        #expect(try client.entries(in: nil).map(\.name) == ["one"], "served from the cache")
        let local = try TemporaryDirectory()
        try TestFiles.write(local.file("two"), "2")
        try client.store("two", fromPath: local.file("two"), type: .image)
        #expect(try client.entries(in: nil).map(\.name).sorted() == ["behind-our-back", "one", "two"], "an upload invalidates")
        try client.delete("two")
        #expect(try client.entries(in: nil).map(\.name).sorted() == ["behind-our-back", "one"])
        try client.makeDirectory("d")
        try client.changeDirectory("d")
        #expect(try client.entries(in: nil).isEmpty, "another directory is another key")
    }

    @Test func namesThatAreNotUTF8SurviveListingToDownloadByteForByte() throws {
        let server = try VsftpdServer()
        let rawName: [UInt8] = Array("caf".utf8) + [0xE9] + Array(".txt".utf8)
        let remotePath = server.root + "/" + String(decoding: [], as: UTF8.self)
        let fd = (remotePath.utf8.map { CChar(bitPattern: $0) } + rawName.map { CChar(bitPattern: $0) } + [0])
            .withUnsafeBufferPointer { open($0.baseAddress!, O_WRONLY | O_CREAT, 0o644) }
        #expect(fd >= 0)
        _ = write(fd, "latin", 5)
        close(fd)
        let client = try loggedInClient(server)
        defer { client.quit() }
        let entry = try #require(try client.entries(in: nil).first)
        #expect(WireText.encode(entry.name) == rawName)
        let local = try TemporaryDirectory()
        try client.retrieve(entry.name, toPath: local.path + "/" + entry.name, type: .image)
        let names = try FileManager.default.contentsOfDirectory(atPath: local.path)
        #expect(names.count == 1)
        let onDisk = (names.first?.utf8).map(Array.init)
        // Foundation shows the raw byte its own way; compare through the file system instead.
        let probe = (local.path.utf8.map { CChar(bitPattern: $0) } + [CChar(bitPattern: 0x2F)] + rawName.map { CChar(bitPattern: $0) } + [0])
            .withUnsafeBufferPointer { access($0.baseAddress!, F_OK) }
        #expect(probe == 0, "the local file has exactly the server's bytes as its name (\(String(describing: onDisk)))")
    }
}

@Suite struct LocalChecksumTests {
    @Test func openSSLAndPortableSHA256AgreeOnAFile() throws {
        let local = try TemporaryDirectory()
        try TestFiles.writeRandom(local.file("r.bin"), size: 3_000_017)
        let fast = try FTPClient.localChecksum(of: local.file("r.bin"), algorithm: .sha256)
        #expect(fast == (try TestFiles.sha256(local.file("r.bin"))))
        var portable = SHA256()
        try TestFiles.read(local.file("r.bin")).withUnsafeBytes { portable.update($0) }
        #expect(portable.hexDigest() == fast)
        let prefix = try FTPClient.localChecksum(of: local.file("r.bin"), algorithm: .crc32, length: 1000)
        var crc = CRC32()
        try TestFiles.read(local.file("r.bin")).prefix(1000).withUnsafeBytes { crc.update($0) }
        #expect(prefix == crc.hexDigest())
    }
}
