/// One flag or option of Ferry's command line: its names, the name of its value (nil for a flag), its help line,
/// and what it sets. The table in FerryOptions is the one list: parsing, `--help` and the man page test read it.
struct CommandLineOption: Sendable {
    let short: Character?
    let long: String?
    let valueName: String?
    let help: String
    let hidden: Bool
    let apply: @Sendable (inout FerryOptions, String) throws -> Void

    static func flag(_ short: Character? = nil, long: String? = nil, hidden: Bool = false, _ help: String,
                     _ set: @escaping @Sendable (inout FerryOptions) -> Void) -> CommandLineOption {
        CommandLineOption(short: short, long: long, valueName: nil, help: help, hidden: hidden) { options, _ in set(&options) }
    }

    static func option(_ short: Character? = nil, long: String? = nil, value: String, _ help: String,
                       _ set: @escaping @Sendable (inout FerryOptions, String) throws -> Void) -> CommandLineOption {
        CommandLineOption(short: short, long: long, valueName: value, help: help, hidden: false, apply: set)
    }

    /// "-P", or "--tls-max" when the option has no short name.
    var displayName: String { short.map { "-\($0)" } ?? "--\(long ?? "")" }

    /// Every name this option answers to, as typed: ["-v"], ["--tls"], ["-h", "--help"].
    var names: [String] { (short.map { ["-\($0)"] } ?? []) + (long.map { ["--\($0)"] } ?? []) }
}

/// A command line that cannot be run: one reason, worded for "ferry: <reason>; try 'ferry --help'".
struct CommandLineError: Error, Equatable {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}

/// getopt-style parsing with long options, as tnftp's flags read: "-inv" is three flags, "-P2121" and "-P 2121"
/// give a value, "--name value" and "--name=value" too, options may follow the host, and "--" ends them
/// ("-" alone is an argument).
enum CommandLineParser {
    /// Fills `options` from `arguments`; true when -h or --help was among them.
    static func parse(_ arguments: [String], into options: inout FerryOptions,
                      table: [CommandLineOption]) throws -> Bool {
        var index = 0
        var wantsHelp = false
        func value(for option: CommandLineOption, attached: Substring?) throws -> String {
            if let attached { return String(attached) }
            index += 1
            guard index < arguments.count else {
                throw CommandLineError("\(option.displayName) needs a value (\(option.valueName ?? "value"))")
            }
            return arguments[index]
        }
        while index < arguments.count {
            let word = arguments[index]
            if word == "--" {
                options.targets += arguments[(index + 1)...]
                break
            }
            if word.hasPrefix("--") {
                let body = word.dropFirst(2)
                let name = body.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
                let attached = body.firstIndex(of: "=").map { body[body.index(after: $0)...] }
                if name == "help" {
                    if attached != nil { throw CommandLineError("--help takes no value") }
                    wantsHelp = true
                } else if let option = table.first(where: { $0.long == name }) {
                    if option.valueName == nil {
                        if attached != nil { throw CommandLineError("--\(name) takes no value") }
                        try option.apply(&options, "")
                    } else {
                        try option.apply(&options, try value(for: option, attached: attached))
                    }
                } else {
                    throw CommandLineError("unknown option '\(Console.sanitize(String(word.prefix(64))))'")
                }
            } else if word.hasPrefix("-"), word.count > 1 {
                var rest = word.dropFirst()
                while let letter = rest.first {
                    rest = rest.dropFirst()
                    if letter == "h" {
                        wantsHelp = true
                        continue
                    }
                    guard let option = table.first(where: { $0.short == letter }) else {
                        throw CommandLineError("unknown option '-\(Console.sanitize(String(letter)))'")
                    }
                    if option.valueName == nil {
                        try option.apply(&options, "")
                    } else {
                        try option.apply(&options, try value(for: option, attached: rest.isEmpty ? nil : rest))
                        break
                    }
                }
            } else {
                options.targets.append(word)
            }
            index += 1
        }
        return wantsHelp
    }

    /// `ferry --help`: what Ferry is, how to call it, then every visible option with its help, in lines shorter than
    /// 80 columns.
    static func help(overview: String, usage: String, discussion: String, argument: (name: String, help: String),
                     table: [CommandLineOption]) -> String {
        var text = wrap(overview, width: width) + "\n\n"
        text += discussion.split(separator: "\n", omittingEmptySubsequences: false)
            .map { wrap(String($0), width: width) }.joined(separator: "\n") + "\n\n"
        text += "USAGE: " + usage + "\n\nARGUMENTS:\n"
        text += entry("<\(argument.name)>", argument.help)
        text += "\nOPTIONS:\n"
        for option in table where !option.hidden {
            var label = option.names.joined(separator: ", ")
            if let value = option.valueName { label += " <\(value)>" }
            text += entry(label, option.help)
        }
        text += entry("-h, --help", "Show help information.")
        return text
    }

    /// The widest line of `--help`, as swift-argument-parser wrapped it.
    private static let width = 79

    private static func entry(_ label: String, _ help: String) -> String {
        let column = 26
        let lead = "  " + label
        let body = wrap(help, width: width - column).split(separator: "\n")
        var lines: [String] = []
        if lead.count + 2 > column {
            lines.append(lead)
            lines += body.map { String(repeating: " ", count: column) + $0 }
        } else {
            for (number, line) in body.enumerated() {
                let start = number == 0 ? lead + String(repeating: " ", count: column - lead.count) : String(repeating: " ", count: column)
                lines.append(start + line)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Words of `text` in lines of at most `width` characters (a longer word stands alone).
    static func wrap(_ text: String, width: Int) -> String {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty, line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines.joined(separator: "\n")
    }
}
