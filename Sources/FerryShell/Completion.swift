/// What TAB does to the line: delete `replace` characters before the cursor and put `insert` there; or, when
/// there is nothing to put in, the `candidates` a second TAB lists.
public struct Completion: Equatable, Sendable {
    public var replace = 0
    public var insert = ""
    public var candidates: [String] = []
    /// `insert` is what several names share: more than one still fits.
    public var ambiguous = false
    /// Said under the listed candidates (the server cut the folder's listing short: some names are missing).
    public var note: String?
    public static let none = Completion()
}

/// What an argument of a command names, for completion: read from the command table's usage words
/// (`remote-file`, `local-directory`, `command` …).
enum CompletionKind: Equatable {
    case remote, remoteFolder, local, localFolder, command, nothing
}

extension CommandSpec {
    /// The kind of the `index`th argument (options not counted), from the typed syntax; past the last, the kind of
    /// a repeating one ("remote-files ... local-file": which word is the last cannot be known while typing).
    func completionKind(argument index: Int) -> CompletionKind {
        var kinds: [CompletionKind] = []
        var repeats = false
        func walk(_ arguments: [ArgumentSpec]) -> Bool {
            for argument in arguments {
                switch argument {
                case .value(_, let kind): kinds.append(kind)
                case .many(_, let kind):
                    kinds.append(kind)
                    repeats = true
                case .choice: kinds.append(.nothing)
                case .optional(let inner): if walk(inner) { return true }
                case .repeating(let inner):
                    _ = walk([inner])
                    repeats = true
                    return true
                }
            }
            return false
        }
        _ = walk(argumentSpecs)
        if index < kinds.count { return kinds[index] }
        return repeats ? kinds.last ?? .nothing : .nothing
    }
}

/// The words of a line up to the cursor, as the tokenizer would read them, an open quote allowed: the last word
/// unquoted, and how many characters of the line it takes (what a completion replaces).
struct CompletionWords: Equatable {
    var words: [String]
    var current: String
    var currentLength: Int

    init(_ line: String) {
        let scan = Tokenizer.scan(line.drop { $0 == " " || $0 == "\t" })
        words = scan.words
        current = scan.current
        currentLength = scan.currentLength
    }

    /// `word` as the tokenizer reads it back, each space, tab, quote and backslash escaped with a backslash (as
    /// tnftp and lftp complete): the line runs as it stands after any completion, and a folder's completion can
    /// go on with a second TAB (a quote left open made Enter fail).
    static func quoted(_ word: String) -> String {
        guard word.contains(where: { " \t\"'\\".contains($0) }) else { return word }
        return word.reduce(into: "") { text, character in
            if " \t\"'\\".contains(character) { text.append("\\") }
            text.append(character)
        }
    }
}
