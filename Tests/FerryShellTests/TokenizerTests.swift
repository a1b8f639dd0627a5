import Testing
@testable import FerryShell

@Suite struct TokenizerTests {
    @Test func splitsOnSpacesAndTabs() throws {
        #expect(try Tokenizer.split("get  report.pdf\tlocal.pdf") == ["get", "report.pdf", "local.pdf"])
        #expect(try Tokenizer.split("   ").isEmpty)
    }

    @Test func quotesGroupWordsAndBackslashEscapes() throws {
        #expect(try Tokenizer.split("get \"my file.txt\" 'other name'") == ["get", "my file.txt", "other name"])
        #expect(try Tokenizer.split("get my\\ file.txt") == ["get", "my file.txt"])
        #expect(try Tokenizer.split("put \"say \\\"hi\\\"\"") == ["put", "say \"hi\""])
        #expect(try Tokenizer.split("cd ''") == ["cd", ""])
    }

    @Test func shellEscapeKeepsTheRestOfTheLine() throws {
        #expect(try Tokenizer.split("!ls -l | wc") == ["!", "ls -l | wc"])
        #expect(try Tokenizer.split("  !") == ["!"])
    }

    @Test func unterminatedQuoteIsAnError() {
        #expect(throws: Tokenizer.TokenizeError.unterminatedQuote("\"")) { try Tokenizer.split("get \"open") }
    }
}
