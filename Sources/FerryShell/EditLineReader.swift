@preconcurrency import CLibEdit
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Line editing and in-session history through libedit's native API, for a terminal on stdin.
public final class EditLineReader: LineReader {
    private let editor: OpaquePointer
    private let history: OpaquePointer
    private var promptText: UnsafeMutablePointer<CChar>

    public init?(programName: String = "ferry") {
        EditLineReader.ensureUTF8Locale()
        guard let editor = el_init(programName, stdin, stdout, stderr) else { return nil }
        guard let history = history_init() else {
            el_end(editor)
            return nil
        }
        self.editor = editor
        self.history = history
        self.promptText = strdup("")
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
        el_source(editor, nil)
    }

    deinit {
        history_end(history)
        el_end(editor)
        free(promptText)
    }

    public func readLine(prompt: String) -> LineInput {
        free(promptText)
        promptText = strdup(prompt)
        var count: Int32 = 0
        guard let raw = el_gets(editor, &count) else {
            if count == -1 && errno == EINTR {
                Console.write(1, "\n")
                return .interrupted
            }
            return .endOfInput
        }
        var line = String(cString: raw)
        while line.hasSuffix("\n") || line.hasSuffix("\r") { line.removeLast() }
        if let remembered = EditLineReader.historyForm(of: line) { ferry_hist_enter(history, remembered) }
        return .line(line)
    }

    /// What history keeps of a line: nothing for blank lines, and never a secret — the table says which
    /// arguments are (`user name secret` is remembered as `user name`, `account secret` as `account`).
    static func historyForm(of line: String) -> String? {
        guard !line.trimmingCharacters(in: " \t").isEmpty else { return nil }
        guard let words = try? Tokenizer.split(line), let first = words.first,
              case .found(let spec) = CommandTable.standard.lookup(first) else { return line }
        let arguments = words.dropFirst()
        guard let kept = spec.secretsAfter, arguments.count > kept else { return line }
        return ([spec.name] + arguments.prefix(kept)).joined(separator: " ")
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
