/// Splits a command line into words the way classic ftp users expect:
/// spaces separate words; "double" and 'single' quotes group; a backslash escapes the next character.
/// A line starting with `!` is a shell escape: the command name is "!" and the rest of the line is one word.
public enum Tokenizer {
    public enum TokenizeError: Error, Equatable {
        case unterminatedQuote(Character)
    }

    public static func split(_ line: String) throws(TokenizeError) -> [String] {
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        if trimmed.first == "!" {
            let rest = trimmed.dropFirst().drop { $0 == " " || $0 == "\t" }
            return rest.isEmpty ? ["!"] : ["!", String(rest)]
        }
        let scan = Tokenizer.scan(trimmed)
        if let open = scan.openQuote { throw .unterminatedQuote(open) }
        var words = scan.words
        if scan.inWord { words.append(scan.escaped ? scan.current + "\\" : scan.current) }
        return words
    }

    /// How far a line got: the finished words, the word being typed (unquoted so far) and how many Unicode
    /// scalars of the line it takes, a quote still open, a backslash at the very end. `split` reads whole lines
    /// with it; TAB completion reads the line up to the cursor.
    struct Scan {
        var words: [String] = []
        var current = ""
        var inWord = false
        var currentLength = 0
        var openQuote: Character?
        var escaped = false
    }

    static func scan(_ text: Substring) -> Scan {
        var scan = Scan()
        for character in text {
            // libedit counts by Unicode scalars: a character of several (e + U+0301, a flag) counts them all.
            let width = character.unicodeScalars.count
            if scan.escaped {
                scan.current.append(character)
                scan.escaped = false
                scan.currentLength += width
                continue
            }
            if let open = scan.openQuote {
                scan.currentLength += width
                if character == open { scan.openQuote = nil } else if character == "\\" && open == "\"" { scan.escaped = true } else { scan.current.append(character) }
                continue
            }
            switch character {
            case "\\":
                scan.escaped = true
                scan.inWord = true
                scan.currentLength += width
            case "\"", "'":
                scan.openQuote = character
                scan.inWord = true
                scan.currentLength += width
            case " ", "\t", "\r", "\n":
                if scan.inWord { scan.words.append(scan.current) }
                scan.current = ""
                scan.currentLength = 0
                scan.inWord = false
            default:
                scan.current.append(character)
                scan.inWord = true
                scan.currentLength += width
            }
        }
        return scan
    }
}
