/// macdef and `$`: named lists of command lines, with $1…$9 and $i arguments.
extension Shell {
    static let maximumMacroDepth = 8
    static let maximumMacros = 64

    /// macdef name: the following lines, up to an empty line, are the macro.
    func macdef(_ args: [String]) -> CommandOutcome {
        guard args.count == 1 else { return .usage }
        guard settings.macros.count < Shell.maximumMacros || settings.macros[args[0]] != nil else {
            return .failure("macdef: too many macros (\(Shell.maximumMacros)); remove one with a new definition")
        }
        if interactive { console.line("Enter macro line by line, terminating it with a null line.") }
        var lines: [String] = []
        reading: while true {
            switch reader.readLine(prompt: "") {
            case .line(let line):
                if line.isEmpty { break reading }
                lines.append(line)
            case .tooLong(let limit):
                return .failure("macdef: a line longer than \(limit) bytes; the macro was not defined")
            case .endOfInput, .interrupted:
                break reading
            }
        }
        settings.macros[args[0]] = lines
        return .success
    }

    /// $ name [arguments]: runs the macro's lines; $1…$9 are the arguments, $i each argument in turn
    /// (the macro runs once per argument), `\$` a literal dollar.
    func runMacro(_ args: [String]) -> CommandOutcome {
        guard let name = args.first else { return .usage }
        guard let lines = settings.macros[name] else { return .failure("$: '\(name)' is not a defined macro") }
        guard macroDepth < Shell.maximumMacroDepth else {
            return .failure("$: macros nested deeper than \(Shell.maximumMacroDepth); is '\(name)' calling itself?")
        }
        macroDepth += 1
        defer { macroDepth -= 1 }
        let arguments = Array(args.dropFirst())
        let usesLoop = lines.contains { $0.contains("$i") }
        let rounds = usesLoop ? arguments.map { Optional($0) } : [nil]
        var failed = false
        for current in rounds {
            for line in lines {
                let expanded = Shell.expand(line, arguments: arguments, current: current)
                // tnftp shows each line of a macro (.netrc's init too) as it runs it, when verbose; never a password.
                if settings.verbose, let shown = EditLineReader.historyForm(of: expanded) { console.chatter(Console.sanitize(shown)) }
                let outcome = execute(line: expanded)
                if outcome == .quit { return .quit }
                if case .failure = outcome { failed = true }
                if case .reported = outcome { failed = true }
                if case .usage = outcome { failed = true }
            }
        }
        return failed ? .reported : .success
    }

    static func expand(_ line: String, arguments: [String], current: String?) -> String {
        var result = ""
        var characters = Array(line)[...]
        while let character = characters.popFirst() {
            if character == "\\", characters.first == "$" {
                result.append(characters.removeFirst())
            } else if character == "$", let next = characters.first, let digit = next.wholeNumberValue, digit > 0 {
                characters.removeFirst()
                if digit <= arguments.count { result += arguments[digit - 1] }
            } else if character == "$", characters.first == "i" {
                characters.removeFirst()
                result += current ?? ""
            } else {
                result.append(character)
            }
        }
        return result
    }
}
