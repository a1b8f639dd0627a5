import Testing
@testable import FerryCore

@Suite struct ReplyParserTests {
    /// Feeds `text` in one piece and then one byte at a time; both must give the same replies.
    func parseAll(_ text: String, parser: ReplyParser = ReplyParser()) throws -> [Reply] {
        var whole = parser
        whole.feed(Array(text.utf8))
        var replies: [Reply] = []
        while let reply = try whole.next() { replies.append(reply) }

        var bytewise = parser
        var trickled: [Reply] = []
        for byte in text.utf8 {
            bytewise.feed([byte])
            while let reply = try bytewise.next() { trickled.append(reply) }
        }
        #expect(trickled == replies)
        return replies
    }

    @Test func parsesSingleLineReply() throws {
        let replies = try parseAll("220 Service ready\r\n")
        #expect(replies == [Reply(code: ReplyCode(220), lines: ["220 Service ready"])])
        #expect(replies[0].text == "Service ready")
        #expect(replies[0].code.category == .positiveCompletion)
    }

    @Test func parsesMultilineReplyTerminatedBySameCode() throws {
        let text = "123-First line\r\nSecond line\r\n  234 A line beginning with numbers\r\n123 The last line\r\n"
        let replies = try parseAll(text)
        #expect(replies.count == 1)
        #expect(replies[0].code == ReplyCode(123))
        #expect(replies[0].lines.count == 4)
        #expect(replies[0].text == "First line\nSecond line\n  234 A line beginning with numbers\nThe last line")
    }

    @Test func innerLinesWithOtherCodesOrHyphenDoNotEndReply() throws {
        let text = "211-Status\r\n200 not the end\r\n211-still inside\r\n211 End\r\n226 next\r\n"
        let replies = try parseAll(text)
        #expect(replies.map(\.code.rawValue) == [211, 226])
        #expect(replies[0].lines.count == 4)
    }

    @Test func acceptsBareCodeAndLFOnlyLineEnds() throws {
        let replies = try parseAll("200\n230 ok\n")
        #expect(replies.map(\.code.rawValue) == [200, 230])
        #expect(replies[0].text == "")
    }

    @Test func parsesFeatReplyFromVsftpd() throws {
        let text = "211-Features:\r\n EPRT\r\n EPSV\r\n MDTM\r\n PASV\r\n REST STREAM\r\n SIZE\r\n TVFS\r\n UTF8\r\n211 End\r\n"
        let replies = try parseAll(text)
        let features = Features(reply: replies[0])
        #expect(features.supports("epsv"))
        #expect(features.parameters(of: "REST") == "STREAM")
        #expect(features.names.count == 8)
    }

    @Test func needsMoreBytesForAnIncompleteReply() throws {
        var parser = ReplyParser()
        parser.feed(Array("150-Opening\r\n150 partial".utf8))
        #expect(try parser.next() == nil)
        #expect(parser.hasPartialInput)
        parser.feed(Array(" done\r\n".utf8))
        #expect(try parser.next()?.code == ReplyCode(150))
    }

    @Test func rejectsALineThatIsNotAReply() {
        var parser = ReplyParser()
        parser.feed(Array("HTTP/1.1 400 Bad Request\r\n".utf8))
        #expect(throws: ReplyParser.ParseError.self) { try parser.next() }
        var other = ReplyParser()
        other.feed(Array("2200 four digits\r\n".utf8))
        #expect(throws: ReplyParser.ParseError.self) { try other.next() }
        var sixHundred = ReplyParser()
        sixHundred.feed(Array("600 no such category\r\n".utf8))
        #expect(throws: ReplyParser.ParseError.self) { try sixHundred.next() }
    }

    @Test func boundsLineLength() {
        var parser = ReplyParser(maximumLineLength: 64)
        parser.feed(Array(("220 " + String(repeating: "x", count: 100)).utf8))
        #expect(throws: ReplyParser.ParseError.lineTooLong(limit: 64)) { try parser.next() }
    }

    @Test func boundsMultilineReplyLength() {
        var parser = ReplyParser(maximumLines: 10)
        parser.feed(Array(("211-start\r\n" + String(repeating: "more\r\n", count: 20)).utf8))
        #expect(throws: ReplyParser.ParseError.replyTooLong(limit: 10)) { try parser.next() }
    }

    @Test func categoriesFollowTheFirstDigit() {
        #expect(ReplyCode(150).isPreliminary)
        #expect(ReplyCode(331).isIntermediate)
        #expect(ReplyCode(421).category == .transientNegative)
        #expect(ReplyCode(550).isNegative)
        #expect(ReplyCode(999).category == .invalid)
    }
}

@Suite struct AbortRepliesTests {
    func feed(_ codes: [Int]) -> AbortReplies {
        var pairing = AbortReplies()
        var parser = ReplyParser()
        // Fed byte by byte through the parser, as they arrive.
        for byte in codes.map({ "\($0) reply\r\n" }).joined().utf8 {
            parser.feed([byte])
            while let reply = try? parser.next() { pairing.receive(reply) }
        }
        return pairing
    }

    @Test func aCutTransferOwesItsOwnReplyThenAbors() {
        let pairing = feed([426, 226])
        #expect(pairing.isComplete)
        #expect(pairing.transferReply?.code.rawValue == 426 && pairing.abortReply?.code.rawValue == 226)
        #expect(!feed([426]).isComplete, "ABOR's reply is still owed")
    }

    @Test func aTransferThatCompletedFirstStillOwesAborsReply() {
        #expect(!feed([226]).isComplete)
        let pairing = feed([226, 225])
        #expect(pairing.isComplete && pairing.abortReply?.code.rawValue == 225)
    }

    @Test func nothingInProgressIsOneReply() {
        #expect(feed([225]).isComplete)
    }

    @Test func aRefusedAborStillWaitsForTheTransfersReply() {
        #expect(!feed([502]).isComplete)
        let pairing = feed([502, 426])
        #expect(pairing.isComplete && pairing.transferReply?.code.rawValue == 426 && pairing.abortReply?.code.rawValue == 502)
    }
}
