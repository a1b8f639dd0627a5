/// What a command handler reports back; the shell turns it into output and the exit status.
public enum CommandOutcome: Equatable, Sendable {
    case success
    /// The command failed; the message (one line, says what to do) is printed.
    case failure(String)
    /// The arguments were wrong: the command's usage line is printed and it counts as a failure.
    case usage
    /// The command failed and has already said why (each file of a multiple-file command, a mirror's summary):
    /// it counts as a failure, nothing more is printed.
    case reported
    /// Leave the shell.
    case quit
}

/// One shell command: its names, documentation, syntax and handler. The command table is a list of these; the
/// usage line, TAB completion, option parsing, `help` and the generated docs all come from the typed syntax.
public struct CommandSpec: Sendable {
    public let name: String
    public let aliases: [String]
    /// The positional arguments, typed: what each names (for TAB), which are optional, which repeat.
    let argumentSpecs: [ArgumentSpec]
    /// The options before the arguments, typed: names, the value each takes, what each does.
    let optionSpecs: [OptionSpec]
    public let help: String
    /// Commands that talk to the server print "Not connected." without a session.
    public let needsConnection: Bool
    /// Arguments from this index on are secrets (passwords, accounts): history keeps only those before it.
    public let secretsAfter: Int?
    /// The handler receives its own spec, so one function serves several commands by name (ls/dir, get/reget).
    private let body: @Sendable (Shell, [String], CommandSpec) -> CommandOutcome
    /// The command is about a server reply (size, modtime, quote …): replies to SIZE, MDTM, FEAT … are shown.
    private(set) var showsReplies = false
    /// The arguments go to the server as one raw command line (quote): history keeps no PASS or ACCT argument.
    private(set) var sendsRawLine = false
    /// What an argument names for TAB, when the syntax cannot say (mirror's -R turns source and target round):
    /// the words typed after the command and the argument's position.
    private(set) var completionRule: (@Sendable ([String], Int) -> CompletionKind)?

    init(_ name: String, aliases: [String] = [], options: [OptionSpec] = [], arguments: [ArgumentSpec] = [], help: String,
         needsConnection: Bool = false, secretsAfter: Int? = nil,
         handler: @escaping @Sendable (Shell, [String], CommandSpec) -> CommandOutcome) {
        self.secretsAfter = secretsAfter
        self.name = name
        self.aliases = aliases
        self.optionSpecs = options
        self.argumentSpecs = arguments
        self.help = help
        self.needsConnection = needsConnection
        self.body = handler
    }

    init(_ name: String, aliases: [String] = [], options: [OptionSpec] = [], arguments: [ArgumentSpec] = [], help: String,
         needsConnection: Bool = false, secretsAfter: Int? = nil, handler: @escaping @Sendable (Shell, [String]) -> CommandOutcome) {
        self.init(name, aliases: aliases, options: options, arguments: arguments, help: help, needsConnection: needsConnection,
                  secretsAfter: secretsAfter) { shell, arguments, _ in handler(shell, arguments) }
    }

    func showingReplies() -> CommandSpec { var spec = self; spec.showsReplies = true; return spec }
    func sendingRawLine() -> CommandSpec { var spec = self; spec.sendsRawLine = true; spec.showsReplies = true; return spec }
    func completing(_ rule: @escaping @Sendable ([String], Int) -> CompletionKind) -> CommandSpec {
        var spec = self
        spec.completionRule = rule
        return spec
    }

    /// Runs the handler on `arguments`.
    func handler(_ shell: Shell, _ arguments: [String]) -> CommandOutcome { body(shell, arguments, self) }

    /// The arguments as the usage line shows them ("[-n segments] remote-file [local-file]").
    public var arguments: String {
        (optionSpecs.filter(\.inUsage).map(\.usageText) + argumentSpecs.map(\.usageText)).joined(separator: " ")
    }

    /// The command's options and what each does: shown by `help COMMAND`, Docs/Commands.md and the man page.
    var options: [(name: String, help: String)] { optionSpecs.map { (name: $0.documentedName, help: $0.help) } }

    /// Options that take a value (`-P 4`): for TAB, the value is not an argument.
    var valuedOptions: Set<String> { Set(optionSpecs.filter { $0.value != nil }.flatMap(\.names)) }

    /// The first argument's name when the command cannot do without it ("remote-file" for get); none when the
    /// usage line starts with an option or an optional argument.
    var requiredArgumentName: String? {
        guard !optionSpecs.contains(where: \.inUsage), let first = argumentSpecs.first else { return nil }
        switch first {
        case .value(let name, _), .many(let name, _): return name
        case .choice(let names, spaced: false): return names.joined(separator: "|")
        case .repeating(let inner): return inner.usageText
        case .choice, .optional: return nil
        }
    }

    public var usage: String { arguments.isEmpty ? "usage: \(name)" : "usage: \(name) \(arguments)" }
    public var allNames: [String] { [name] + aliases }
}

/// A positional argument of a command, typed.
indirect enum ArgumentSpec: Sendable {
    /// A word the user types, named as the usage line shows it, of a kind TAB completes.
    case value(String, CompletionKind)
    /// One or more words, named in the plural ("remote-files").
    case many(String, CompletionKind)
    /// One of these words: `on | off` (spaced) or `all|get|put`.
    case choice([String], spaced: Bool)
    /// `[ ... ]`: may be left out (with what follows inside it).
    case optional([ArgumentSpec])
    /// `name ...`: one or more.
    case repeating(ArgumentSpec)

    static func remote(_ name: String) -> ArgumentSpec { .value(name, .remote) }
    static func remoteFolder(_ name: String) -> ArgumentSpec { .value(name, .remoteFolder) }
    static func local(_ name: String) -> ArgumentSpec { .value(name, .local) }
    static func localFolder(_ name: String) -> ArgumentSpec { .value(name, .localFolder) }
    static func command(_ name: String) -> ArgumentSpec { .value(name, .command) }
    static func word(_ name: String) -> ArgumentSpec { .value(name, .nothing) }
    static func oneOf(_ names: String...) -> ArgumentSpec { .choice(names, spaced: true) }
    static func remoteFiles(_ name: String) -> ArgumentSpec { .many(name, .remote) }
    static func localFiles(_ name: String) -> ArgumentSpec { .many(name, .local) }

    var usageText: String {
        switch self {
        case .value(let name, _), .many(let name, _): return name
        case .choice(let names, let spaced): return names.joined(separator: spaced ? " | " : "|")
        case .optional(let inner): return "[" + inner.map(\.usageText).joined(separator: " ") + "]"
        case .repeating(let inner): return inner.usageText + " ..."
        }
    }
}

/// An option of a command, typed: its names (the first is the one the usage line shows), the value it takes.
struct OptionSpec: Sendable {
    let names: [String]
    /// The value's name ("n", "glob"), nil for a switch.
    let value: String?
    let help: String
    /// Shown in the usage line (`[-P n]`); else only in `help COMMAND` and the docs.
    let inUsage: Bool

    static func flag(_ names: String..., help: String, inUsage: Bool = true) -> OptionSpec {
        OptionSpec(names: names, value: nil, help: help, inUsage: inUsage)
    }

    static func valued(_ names: String..., value: String, help: String, inUsage: Bool = true) -> OptionSpec {
        OptionSpec(names: names, value: value, help: help, inUsage: inUsage)
    }

    /// "-P n, --parallel n".
    var documentedName: String { names.map { name in value.map { "\(name) \($0)" } ?? name }.joined(separator: ", ") }
    /// "[-P n]".
    var usageText: String { "[" + names[0] + (value.map { " " + $0 } ?? "") + "]" }
}
