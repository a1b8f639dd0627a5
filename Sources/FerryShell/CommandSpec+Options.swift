/// Reading a command's options from its typed `OptionSpec`s, as getopt reads them: `-P 4`, `-P4`, `--parallel 4`,
/// `--parallel=4`, one-letter switches bundled (`-Rn`), options and arguments in any order, `--` ending the
/// options, a lone `-` an argument.
extension CommandSpec {
    struct GivenOption {
        let option: OptionSpec
        /// The name as typed ("--parallel", "-P").
        let name: String
        /// Its value; nil for a switch, or for a valued option given last without one (the handler says so).
        let value: String?
    }

    struct OptionProblem: Error {
        let message: String
    }

    func readOptions(_ arguments: [String]) throws(OptionProblem) -> (given: [GivenOption], rest: [String]) {
        var given: [GivenOption] = []
        var rest: [String] = []
        var words = arguments[...]
        func option(named name: String) -> OptionSpec? { optionSpecs.first { $0.names.contains(name) } }
        let switchLetters = Set(optionSpecs.filter { $0.value == nil }.flatMap(\.names).filter { $0.count == 2 && !$0.hasPrefix("--") }
            .map { $0.dropFirst() })
        while let word = words.popFirst() {
            if word == "--" { rest += words; break }
            guard word.hasPrefix("-"), word != "-" else { rest.append(word); continue }
            if word.hasPrefix("--") {
                let parts = word.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                guard let spec = option(named: parts[0]) else { throw unknown(word) }
                if spec.value == nil, parts.count == 2 { throw OptionProblem(message: "\(parts[0]) takes no value") }
                given.append(GivenOption(option: spec, name: parts[0], value: spec.value == nil ? nil : parts.count == 2 ? parts[1] : words.popFirst()))
                continue
            }
            let short = String(word.prefix(2))
            if let spec = option(named: short), spec.value != nil {
                // -P 4, or -P4 with the value attached.
                given.append(GivenOption(option: spec, name: short, value: word.count > 2 ? String(word.dropFirst(2)) : words.popFirst()))
            } else if let spec = option(named: word) {
                given.append(GivenOption(option: spec, name: word, value: nil))
            } else if word.count > 2, word.dropFirst().allSatisfy({ switchLetters.contains(String($0)[...]) }) {
                // -Rn: several one-letter switches at once.
                for letter in word.dropFirst() {
                    let name = "-\(letter)"
                    if let spec = option(named: name) { given.append(GivenOption(option: spec, name: name, value: nil)) }
                }
            } else {
                throw unknown(word)
            }
        }
        return (given, rest)
    }

    private func unknown(_ word: String) -> OptionProblem {
        OptionProblem(message: "unknown option '\(Console.sanitize(word))' (see 'help \(name)'; a path starting with '-' goes after --)")
    }
}
