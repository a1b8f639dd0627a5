@testable import FerryClient
@testable import FerryShell
import Foundation
import Testing

/// The pure parts of issue 12: the words TAB completes, what each argument names, "did you mean", the progress
/// line's layout and tnftp's summary, and what history keeps.
@Suite struct CompletionAndProgressTests {
    struct Parts: Equatable { var words: [String]; var current: String; var length: Int }
    func parts(_ line: String) -> Parts {
        let parsed = CompletionWords(line)
        return Parts(words: parsed.words, current: parsed.current, length: parsed.currentLength)
    }

    @Test func theWordBeforeTheCursorIsReadAsTheTokenizerReadsIt() throws {
        #expect(parts("ge") == Parts(words: [], current: "ge", length: 2))
        #expect(parts("get rep") == Parts(words: ["get"], current: "rep", length: 3))
        #expect(parts("get ") == Parts(words: ["get"], current: "", length: 0))
        #expect(parts("get \"my f") == Parts(words: ["get"], current: "my f", length: 5))
        #expect(parts("get my\\ f") == Parts(words: ["get"], current: "my f", length: 5))
        // libedit deletes by Unicode scalars: "cafe" + U+0301 is five of them.
        #expect(parts("put cafe\u{301}").length == 5)
        #expect(CompletionWords.quoted("my file.txt") == "my\\ file.txt")
        #expect(CompletionWords.quoted("my folder/") == "my\\ folder/", "no quote left open: Enter runs the line")
        #expect(CompletionWords.quoted("a\"b'c\\d") == "a\\\"b\\'c\\\\d")
        #expect(CompletionWords.quoted("plain.txt") == "plain.txt")
        // What completion inserts reads back as the name itself, and a folder's can be completed further.
        for name in ["my folder/", "a\"b'c\\d e", "tab\there"] {
            #expect(parts("cd " + CompletionWords.quoted(name)) == Parts(words: ["cd"], current: name, length: CompletionWords.quoted(name).unicodeScalars.count))
            #expect(try Tokenizer.split("get " + CompletionWords.quoted(name)) == ["get", name])
        }
    }

    @Test func theCommandTableSaysWhatEachArgumentNames() throws {
        let table = CommandTable.standard
        func kind(_ name: String, _ index: Int) throws -> CompletionKind {
            guard case .found(let spec) = table.lookup(name) else { throw CancellationError() }
            return spec.completionKind(argument: index)
        }
        #expect(try kind("get", 0) == .remote && kind("get", 1) == .local && kind("get", 2) == .nothing)
        #expect(try kind("put", 0) == .local && kind("put", 1) == .remote)
        #expect(try kind("cd", 0) == .remoteFolder && kind("lcd", 0) == .localFolder)
        #expect(try kind("mget", 0) == .remote && kind("mget", 5) == .remote)
        #expect(try kind("mput", 3) == .local && kind("help", 0) == .command)
        #expect(try kind("pget", 0) == .remote && kind("open", 0) == .nothing)
        #expect(try kind("mkdir", 0) == .remoteFolder && kind("rename", 1) == .remote && kind("mls", 3) == .remote)
        func after(_ name: String, _ words: [String]) throws -> CompletionKind {
            guard case .found(let spec) = table.lookup(name) else { throw CancellationError() }
            return Shell.completionKind(spec, words: words)
        }
        #expect(try after("pget", ["-n", "2"]) == .remote, "an option's value is not an argument")
        #expect(try after("mirror", []) == .remoteFolder && after("mirror", ["-R"]) == .localFolder)
        #expect(try after("mirror", ["-Rn", "site"]) == .remoteFolder && after("mirror", ["-P", "4", "pub"]) == .localFolder)
    }

    @Test func aMistypedCommandGetsOneSuggestionOrNone() {
        let table = CommandTable.standard
        #expect(table.suggestion(for: "gte") == "get")
        #expect(table.suggestion(for: "dirr") == "dir")
        #expect(table.suggestion(for: "quti") == "quit")
        #expect(table.suggestion(for: "xyzzy") == nil)
        #expect(table.suggestion(for: "g") == nil)
    }

    @Test func theProgressLineFitsTheTerminalAndSaysETAOrStalled() {
        let line = ProgressLine(console: Console(out: { _ in }, error: { _ in }), name: "report.pdf")
        var text = ""
        for tenth in 0...20 {
            text = line.render(TransferProgress(bytes: Int64(tenth) * 100_000, expected: 10_000_000, elapsed: Double(tenth) / 10), width: 80)
        }
        #expect(text.count <= 79, "\(text)")
        #expect(text.hasPrefix("report.pdf   20% |"), "\(text)")
        #expect(text.hasSuffix("00:08 ETA"), "\(text)")
        for second in 3...7 {
            text = line.render(TransferProgress(bytes: 2_000_000, expected: 10_000_000, elapsed: Double(second)), width: 80)
        }
        #expect(text.hasSuffix("stalled"), "\(text)")
        let narrow = line.render(TransferProgress(bytes: 2_000_000, expected: 10_000_000, elapsed: 8), width: 40)
        #expect(narrow.count <= 39 && !narrow.contains("|"), "no room for a bar: \(narrow)")
        #expect(ProgressLine.clock(5) == "00:05" && ProgressLine.clock(3725) == "1:02:05")
        // A name in wide characters is cut by columns: the line never wraps.
        let wide = ProgressLine(console: Console(out: { _ in }, error: { _ in }), name: String(repeating: "文", count: 36))
        let cjk = wide.render(TransferProgress(bytes: 1_000, expected: 10_000_000, elapsed: 1), width: 80)
        #expect(ProgressLine.columns(cjk) <= 79, "\(cjk)")
        #expect(ProgressLine.summary(bytes: 40_000_000, seconds: 5, received: true) == "40000000 bytes received in 00:05 (7.63 MiB/s)")
    }

    @Test func historyNeverKeepsASecret() {
        #expect(EditLineReader.historyForm(of: "quote PASS hunter2") == "quote PASS")
        #expect(EditLineReader.historyForm(of: "quote acct 1234") == "quote ACCT")
        #expect(EditLineReader.historyForm(of: "open ftp://alice:s3cret@example.org/pub") == "open ftp://alice@example.org/pub")
        #expect(EditLineReader.historyForm(of: "open alice:s3cret@example.org:2121") == "open alice@example.org:2121")
        // A password that holds "://" is no scheme.
        #expect(EditLineReader.historyForm(of: "open u:a://b@127.0.0.1:2199") == "open u@127.0.0.1:2199")
        #expect(EditLineReader.historyForm(of: "get report.pdf") == "get report.pdf")
        // Lines that are not exactly one known command keep their first word only.
        #expect(EditLineReader.historyForm(of: "user alice 's3cret") == "user", "an open quote")
        #expect(EditLineReader.historyForm(of: "usr alice s3cret") == "usr", "a typo")
        #expect(EditLineReader.historyForm(of: "u alice s3cret") == "u", "an ambiguous abbreviation")
        #expect(EditLineReader.historyForm(of: "  pas s3cret") == "pas", "unknown, one edit from pass")
        #expect(EditLineReader.withinOneEdit("usr", "user") && EditLineReader.withinOneEdit("uaer", "user"))
        #expect(!EditLineReader.withinOneEdit("get", "user"))
        #expect(EditLineReader.historyForm(of: "quote \"PASS secret2\"") == "quote PASS")
        #expect(EditLineReader.historyForm(of: "quote \"PASS\tsecret3\"") == "quote PASS", "a tab after the verb")
        #expect(EditLineReader.historyForm(of: "open ftp://tester:p@ss@example.org/") == "open ftp://tester@example.org/")
        #expect(EditLineReader.historyForm(of: "open tester:pw@example.org") == "open tester@example.org")
        #expect(OneShot.redacted("sftp://bob:hunter2@127.0.0.1/x") == "sftp://bob:XXXX@127.0.0.1/x")
        #expect(OneShot.redacted("ftp://bob:hun/ter2@127.0.0.1/x") == "ftp://bob:XXXX@127.0.0.1/x")
    }

    @Test func theHistoryFileKeepsTheLast1000LinesPrivately() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-history-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/state/ferry/history"
        let history = HistoryFile(path: path)
        for index in 0..<1005 { history.append("cd d\(index)") }
        let again = HistoryFile(path: path)
        #expect(again.lines.count == 1000 && again.lines.first == "cd d5" && again.lines.last == "cd d1004")
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
        #expect(try FileManager.default.attributesOfItem(atPath: folder + "/state/ferry")[.posixPermissions] as? Int == 0o700)
        #expect(HistoryFile.defaultPath { ["HOME": "/home/a"][$0] } == "/home/a/.local/state/ferry/history")
        #expect(HistoryFile.defaultPath { ["HOME": "/home/a", "XDG_STATE_HOME": "/s"][$0] } == "/s/ferry/history")
    }
}

/// pget's sessions all report progress; its one line is redrawn at most ten times a second (issue 22 item 6).
@Suite struct SharedProgressTests {
    final class Captured: @unchecked Sendable { var text = "" }

    @Test func manyReportsASecondRedrawTheLineTenTimesAndOnceMoreAtTheEnd() {
        let captured = Captured()
        let console = Console(out: { _ in }, error: { captured.text += $0 }, outputIsTerminal: true, errorIsTerminal: true)
        let shared = SharedProgress(line: ProgressLine(console: console, name: "seg.bin"), console: console, command: "pget")
        // Three sessions, each reporting ten times a second, for two seconds: 60 reports.
        for tick in 0..<60 {
            let elapsed = Double(tick) / 30
            shared.handle(.progress(TransferProgress(bytes: Int64(tick) * 1000, expected: 60_000, elapsed: elapsed)))
        }
        shared.handle(.progress(TransferProgress(bytes: 60_000, expected: 60_000, elapsed: 2.0)))
        let redraws = captured.text.filter { $0 == "\r" }.count
        #expect(redraws >= 15 && redraws <= 22, "\(redraws) redraws for 2 s of reports")
        #expect(captured.text.contains("100%"), "the last state is drawn")
    }
}
