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
    /// The kind of the `index`th argument (options not counted); a plural or `...` last word repeats.
    func completionKind(argument index: Int) -> CompletionKind {
        var kinds: [CompletionKind] = []
        var repeats = false
        let words = arguments.split(whereSeparator: { " []|".contains($0) }).map(String.init)
        var skipValue = false
        for word in words {
            if word.hasPrefix("-") { skipValue = !word.hasPrefix("--"); continue }
            if skipValue { skipValue = false; if !word.contains("remote") && !word.contains("local") { continue } }
            // "remote-files ... local-file": which word is the last cannot be known while typing: the repeated kind.
            if word == "..." { repeats = true; break }
            let folder = word.contains("directory") || word.hasSuffix("-dir")
            if word.hasPrefix("remote") || ["directory-name", "from-name", "to-name"].contains(word) {
                kinds.append(folder ? .remoteFolder : .remote)
            }
            else if word.hasPrefix("local") { kinds.append(folder ? .localFolder : .local) }
            else if word == "command" && name != "!" { kinds.append(.command) }
            else if word == "source" { kinds.append(.remoteFolder) }
            else if word == "target" { kinds.append(.localFolder) }
            else { kinds.append(.nothing) }
            if word.hasSuffix("files") || word.hasSuffix("paths") { repeats = true }
        }
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
