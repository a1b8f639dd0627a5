import Testing
@testable import FerryCore

@Suite struct LineEndingConverterTests {
    func convert(_ direction: LineEndingConverter.Direction, _ chunks: [String]) -> String {
        var converter = LineEndingConverter(direction)
        var output: [UInt8] = []
        for chunk in chunks { converter.convert(Array(chunk.utf8), into: &output) }
        converter.finish(into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    @Test func wireCRLFBecomesLocalLF() {
        #expect(convert(.toLocal, ["one\r\ntwo\r\n"]) == "one\ntwo\n")
    }

    @Test func crAtTheEndOfOneBufferAndLFAtTheStartOfTheNextAreOneLineEnd() {
        #expect(convert(.toLocal, ["one\r", "\ntwo\r", "\n"]) == "one\ntwo\n")
    }

    @Test func loneCRIsKeptEvenAtTheEndOfTheStream() {
        #expect(convert(.toLocal, ["a\rb\r"]) == "a\rb\r")
        #expect(convert(.toLocal, ["a\r", "b"]) == "a\rb")
    }

    @Test func localLFBecomesWireCRLFWithoutDoublingExistingCRLF() {
        #expect(convert(.toWire, ["one\ntwo\n"]) == "one\r\ntwo\r\n")
        #expect(convert(.toWire, ["dos\r", "\nunix\n"]) == "dos\r\nunix\r\n")
    }

    @Test func everySplitGivesTheSameResult() {
        let text = "a\r\nb\n\r\rc\r\n\r\nd\r"
        let whole = convert(.toLocal, [text])
        let bytes = Array(text)
        for cut in 0...bytes.count {
            #expect(convert(.toLocal, [String(bytes[..<cut]), String(bytes[cut...])]) == whole)
        }
        #expect(convert(.toLocal, [convert(.toWire, ["x\ny\n"])]) == "x\ny\n")
    }
}
