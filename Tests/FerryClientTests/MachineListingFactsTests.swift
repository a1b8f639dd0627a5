import Testing
@testable import FerryClient

@Suite struct MachineListingFactsTests {
    @Test func unixModeIsAskedForOnlyWhenOfferedAndOff() {
        #expect(FTPClient.factsWithMode("type*;perm*;size*;modify*;unique*;unix.mode;unix.uid;unix.gid;") == "type;perm;size;modify;unique;unix.mode;")
        #expect(FTPClient.factsWithMode("type*;size*;UNIX.mode*;") == nil)
        #expect(FTPClient.factsWithMode("type*;size*;modify*;") == nil)
        #expect(FTPClient.factsWithMode("") == nil)
    }
}
