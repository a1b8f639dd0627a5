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
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for character in trimmed {
            if escaped {
                current.append(character)
                escaped = false
                continue
            }
            if let open = quote {
                if character == open { quote = nil } else if character == "\\" && open == "\"" { escaped = true } else { current.append(character) }
                continue
            }
            switch character {
            case "\\":
                escaped = true
                inWord = true
            case "\"", "'":
                quote = character
                inWord = true
            case " ", "\t", "\r", "\n":
                if inWord { words.append(current) }
                current = ""
                inWord = false
            default:
                current.append(character)
                inWord = true
            }
        }
        if let open = quote { throw .unterminatedQuote(open) }
        if escaped { current.append("\\") }
        if inWord { words.append(current) }
        return words
    }
}
