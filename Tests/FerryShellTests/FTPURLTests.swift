import Testing
@testable import FerryShell

@Suite struct FTPURLTests {
    @Test func parsesAFullURL() throws {
        let url = try FTPURL.parse("ftp://alice:s%3Acret@ftp.example.org:2121/pub/dir/file%20name.txt;type=a")
        #expect(url.user == "alice")
        #expect(url.password == "s:cret")
        #expect(url.host == "ftp.example.org")
        #expect(url.port == 2121)
        #expect(url.directory == "pub/dir")
        #expect(url.fileName == "file name.txt")
        #expect(url.type == "a")
    }

    @Test func hostOnlyAndFolderURLsAreDirectories() throws {
        let bare = try FTPURL.parse("ftp://host")
        #expect(bare.isDirectory && bare.directory.isEmpty && bare.port == 21 && bare.user == nil)
        let folder = try FTPURL.parse("ftp://host/pub/")
        #expect(folder.isDirectory && folder.directory == "pub" && folder.fileName == nil)
    }

    @Test func ipv6LiteralsInBrackets() throws {
        let url = try FTPURL.parse("ftp://[::1]:2121/f")
        #expect(url.host == "::1" && url.port == 2121 && url.fileName == "f")
        #expect(try FTPURL.parse("ftp://[::1]/f").port == 21)
    }

    @Test func absolutePathThroughEncodedSlash() throws {
        let url = try FTPURL.parse("ftp://host/%2Fetc/motd")
        #expect(url.directory == "/etc")
    }

    @Test func rejectsWhatCannotBeUsed() {
        #expect(throws: FTPURL.ParseError.notFTP) { try FTPURL.parse("http://host/f") }
        #expect(throws: FTPURL.ParseError.missingHost) { try FTPURL.parse("ftp:///f") }
        #expect(throws: FTPURL.ParseError.badPort) { try FTPURL.parse("ftp://host:99999/f") }
        #expect(throws: FTPURL.ParseError.badEscape) { try FTPURL.parse("ftp://host/a%0D%0ADELE%20x") }
        #expect(throws: FTPURL.ParseError.badEscape) { try FTPURL.parse("ftp://host/a%zz") }
        #expect(throws: FTPURL.ParseError.badType) { try FTPURL.parse("ftp://host/f;type=x") }
    }

    @Test func redactsPasswordsForMessages() {
        #expect(OneShot.redacted("ftp://u:secret@h/f") == "ftp://u:XXXX@h/f")
        #expect(OneShot.redacted("ftp://u@h/f") == "ftp://u@h/f")
    }
}
