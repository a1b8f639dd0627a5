@preconcurrency import CLibEdit
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Line editing and in-session history through libedit's native API, for a terminal on stdin.
public final class EditLineReader: LineReader {
    private let editor: OpaquePointer
    private let history: OpaquePointer
    private var promptText: UnsafeMutablePointer<CChar>
    /// The history kept between sessions; nil keeps it for this session only.
    private let saved: HistoryFile?
    /// Completion on TAB (the shell's, once it exists).
    public var completer: ((String) -> Completion)?
    /// The line before the cursor at the last TAB that could not complete further: a second TAB there lists.
    private var lastCompletion: String?
    private var lines: [String] = []

    public init?(programName: String = "ferry", historyPath: String? = nil) {
        EditLineReader.ensureUTF8Locale()
        // The prompt and the editing go to the terminal: standard error when standard output is a file or pipe.
        // Without libedit.so.2 the shell reads plain lines (the caller falls back).
        guard ferry_libedit_available() == 1,
              let editor = ferry_el_init(programName, stdin, isatty(1) == 1 ? stdout : stderr, stderr) else { return nil }
        guard let history = ferry_history_init() else {
            ferry_el_end(editor)
            return nil
        }
        self.editor = editor
        self.history = history
        self.promptText = strdup("")
        saved = historyPath.map(HistoryFile.init)
        ferry_hist_setsize(history, 1000)
        ferry_hist_setunique(history, 1)
        ferry_el_set_editor(editor, "emacs")
        ferry_el_set_signal(editor, 1)
        ferry_el_set_hist(editor, history)
        ferry_el_set_clientdata(editor, Unmanaged.passUnretained(self).toOpaque())
        ferry_el_set_prompt(editor) { editor in
            guard let editor, let data = ferry_el_get_clientdata(editor) else { return nil }
            return Unmanaged<EditLineReader>.fromOpaque(data).takeUnretainedValue().promptText
        }
        lines = saved?.lines ?? []
        for line in lines { ferry_hist_enter(history, line) }
        ferry_el_add_fn(editor, "ferry-complete", "complete the word before the cursor") { editor, _ in
            guard let editor, let data = ferry_el_get_clientdata(editor) else { return FERRY_CC_ERROR }
            return Unmanaged<EditLineReader>.fromOpaque(data).takeUnretainedValue().complete()
        }
        ferry_el_bind(editor, "^I", "ferry-complete")
        // ~/.editrc last, as tnftp does: the user's bindings win.
        ferry_el_source(editor, nil)
    }

    deinit {
        ferry_history_end(history)
        ferry_el_end(editor)
        free(promptText)
    }

    public func readCommand(prompt: String) -> LineInput {
        let input = readLine(prompt: prompt)
        if case .line(let line) = input { remember(line) }
        return input
    }

    public func remember(_ line: String) {
        guard let remembered = EditLineReader.historyForm(of: line) else { return }
        ferry_hist_enter(history, remembered)
        saved?.append(remembered)
        if lines.last != remembered { lines.append(remembered) }
        if lines.count > HistoryFile.limit { lines.removeFirst() }
    }

    public func readLine(prompt: String) -> LineInput {
        free(promptText)
        promptText = strdup(prompt)
        var count: Int32 = 0
        guard let raw = ferry_el_gets(editor, &count) else {
            if count == -1 && errno == EINTR {
                Console.write(1, "\n")
                return .interrupted
            }
            return .endOfInput
        }
        var line = String(cString: raw)
        while line.hasSuffix("\n") || line.hasSuffix("\r") { line.removeLast() }
        return .line(line)
    }

    /// What history keeps of a line: nothing for blank lines, and never a secret — the table says which
    /// arguments are (`user name secret` is remembered as `user name`, `account secret` as `account`).
    static func historyForm(of line: String) -> String? {
        guard !line.trimmingCharacters(in: " \t").isEmpty else { return nil }
        // A line that is not exactly one known command (a typo, an ambiguous abbreviation, an open quote) may
        // still hold a password: only its first word is kept. So is any command a typo away from a login one.
        let firstWord = String(line.drop { $0 == " " || $0 == "\t" }.prefix { $0 != " " && $0 != "\t" })
        guard let words = try? Tokenizer.split(line), let first = words.first,
              case .found(let spec) = CommandTable.standard.lookup(first) else { return firstWord }
        if spec.secretsAfter == nil, ["user", "account", "pass", "acct"].contains(where: { EditLineReader.withinOneEdit(first.lowercased(), $0) }) {
            return firstWord
        }
        let arguments = words.dropFirst()
        // quote PASS … / quote ACCT …: the verb is kept, never what follows it.
        if spec.sendsRawLine, let verb = arguments.joined(separator: " ").split(whereSeparator: { $0 == " " || $0 == "\t" }).first?.uppercased(),
           verb == "PASS" || verb == "ACCT" {
            return "\(spec.name) \(verb)"
        }
        // A URL with a password (open ftp://user:secret@host) keeps the user only.
        if arguments.contains(where: { EditLineReader.urlPassword($0) != nil }) {
            return ([spec.name] + arguments.map { word in
                guard let range = EditLineReader.urlPassword(word) else { return word }
                return String(word[..<range.lowerBound]) + String(word[range.upperBound...])
            }).joined(separator: " ")
        }
        guard let kept = spec.secretsAfter, arguments.count > kept else { return line }
        return ([spec.name] + arguments.prefix(kept)).joined(separator: " ")
    }

    /// `a` and `b` differ by at most one inserted, deleted or replaced character.
    static func withinOneEdit(_ a: String, _ b: String) -> Bool {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        guard abs(x.count - y.count) <= 1 else { return false }
        var i = 0, j = 0, edits = 0
        while i < x.count, j < y.count {
            if x[i] == y[j] { i += 1; j += 1; continue }
            edits += 1
            if edits > 1 { return false }
            if x.count > y.count { i += 1 } else if x.count < y.count { j += 1 } else { i += 1; j += 1 }
        }
        return edits + (x.count - i) + (y.count - j) <= 1
    }

    /// The `:password` part of `scheme://user:password@host…`, when there is one.
    /// Also `user:password@host` without a scheme; the last `@` ends the password (a password may hold `@`).
    static func urlPassword(_ word: String) -> Range<String.Index>? {
        var rest = word[...]
        // A scheme only when what comes before "://" is one (a password may hold "://" too). The last '@' ends
        // the password, which may hold '/' or '@': an '@' in a path costs the remembered line its host, never a
        // password its secrecy.
        if let separator = word.firstRange(of: "://"), let first = word.first, first.isLetter,
           word[..<separator.lowerBound].allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) }) {
            rest = word[separator.upperBound...]
        }
        guard let at = rest.lastIndex(of: "@"), let colon = rest[..<at].firstIndex(of: ":") else { return nil }
        return colon..<at
    }

    /// The history, oldest first, earlier sessions' included (what `history` shows).
    public var historyLines: [String] { lines }

    /// TAB: the shell's completion of the word before the cursor. One match is put in; several put in what they
    /// share, and when that is nothing more, a second TAB lists them in columns under the line.
    private func complete() -> UInt8 {
        guard let completer, let info = ferry_el_line(editor) else { return FERRY_CC_ERROR }
        let start = UnsafeRawPointer(info.pointee.buffer!), cursor = UnsafeRawPointer(info.pointee.cursor!)
        let before = String(decoding: UnsafeRawBufferPointer(start: start, count: cursor - start), as: UTF8.self)
        let result = completer(before)
        if !result.insert.isEmpty {
            ferry_el_deletestr(editor, Int32(result.replace))
            ferry_el_insertstr(editor, result.insert)
            // What several names share went in: the next TAB here lists them at once.
            let scalars = Array(before.unicodeScalars)
            lastCompletion = result.ambiguous
                ? String(String.UnicodeScalarView(scalars.dropLast(result.replace))) + result.insert : nil
            // One name from a listing the server cut short need not be the only one: said at once, under the line.
            if let note = result.note, !result.ambiguous {
                Console.write(isatty(1) == 1 ? 1 : 2, "\n(\(note))\n")
                return FERRY_CC_REDISPLAY
            }
            return FERRY_CC_REFRESH
        }
        // Nothing matched in a cut listing: the name may be past the server's limit.
        if result.candidates.isEmpty, let note = result.note {
            Console.write(isatty(1) == 1 ? 1 : 2, "\n(\(note))\n")
            return FERRY_CC_REDISPLAY
        }
        guard result.candidates.count > 1 else { return FERRY_CC_ERROR }
        guard lastCompletion == before else {
            lastCompletion = before
            return FERRY_CC_ERROR
        }
        // A folder of thousands says how many instead of filling the screen.
        let listing = result.candidates.count > 200
            ? "\(result.candidates.count) names match; type more of the name\n"
            : EditLineReader.columns(result.candidates, width: Console.terminalWidth())
            + (result.note.map { "(\($0))\n" } ?? "")
        Console.write(isatty(1) == 1 ? 1 : 2, "\n" + listing)
        return FERRY_CC_REDISPLAY
    }

    /// Names in columns sized to the terminal, down then across, as ls does.
    static func columns(_ names: [String], width: Int) -> String {
        let shown = names.map(Console.sanitize)
        let cell = (shown.map(\.count).max() ?? 0) + 2
        let across = max(1, width / max(1, cell))
        let rows = (shown.count + across - 1) / across
        var text = ""
        for row in 0..<rows {
            var line = ""
            for column in 0..<across {
                let index = column * rows + row
                guard index < shown.count else { break }
                let name = shown[index]
                line += index + rows < shown.count ? name + String(repeating: " ", count: cell - name.count) : name
            }
            text += line + "\n"
        }
        return text
    }

    /// libedit drops non-ASCII input under the C locale: use the user's locale, or C.UTF-8.
    static func ensureUTF8Locale() {
        setlocale(LC_ALL, "")
        if let codeset = nl_langinfo(nl_item(CODESET)), String(cString: codeset) != "UTF-8" {
            setlocale(LC_CTYPE, "C.UTF-8")
        }
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        let chars = Set(set)
        return String(drop { chars.contains($0) }.reversed().drop { chars.contains($0) }.reversed())
    }
}
