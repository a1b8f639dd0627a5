import Testing
@testable import FerryCore

@Suite struct CommandTests {
    @Test func encodesVerbAndArgumentWithCRLF() throws {
        #expect(try Command(.retr, "report.pdf").encoded() == Array("RETR report.pdf\r\n".utf8))
        #expect(try Command(.pwd).encoded() == Array("PWD\r\n".utf8))
        #expect(try Command(Verb("site"), "CHMOD 644 x").encoded() == Array("SITE CHMOD 644 x\r\n".utf8))
    }

    @Test func rejectsLineBreaksInArguments() {
        #expect(throws: Command.EncodingError.self) { try Command(.retr, "a\r\nDELE b").encoded() }
        #expect(throws: Command.EncodingError.self) { try Command(.cwd, "dir\n").encoded() }
        #expect(throws: Command.EncodingError.self) { try Command(Verb("NO\rOP")).encoded() }
    }

    @Test func masksPasswordInTraces() {
        #expect(Command(.pass, "hunter2").traceDescription == "PASS XXXX")
        #expect(Command(.acct, "billing").traceDescription == "ACCT XXXX")
        #expect(Command(.user, "tester").traceDescription == "USER tester")
        #expect(!Command(.pass, "hunter2").description.contains("hunter2"))
    }
}
