/// What a command handler reports back; the shell turns it into output and the exit status.
public enum CommandOutcome: Equatable, Sendable {
    case success
    /// The command failed; the message (one line, says what to do) is printed.
    case failure(String)
    /// The arguments were wrong: the command's usage line is printed and it counts as a failure.
    case usage
    /// Leave the shell.
    case quit
}

/// One shell command: its names, documentation and handler. The command table is a list of these.
public struct CommandSpec: Sendable {
    public let name: String
    public let aliases: [String]
    /// Arguments after the name, as shown in `usage` ("remote-file [local-file]").
    public let arguments: String
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
    /// Options that take a value (`-P 4`): for TAB, the value is not an argument.
    private(set) var valuedOptions: Set<String> = []
    /// What an argument names for TAB, when the usage words cannot say (mirror's -R turns source and target round):
    /// the words typed after the command and the argument's position.
    private(set) var completionRule: (@Sendable ([String], Int) -> CompletionKind)?

    init(_ name: String, aliases: [String] = [], arguments: String = "", help: String, needsConnection: Bool = false,
         secretsAfter: Int? = nil, handler: @escaping @Sendable (Shell, [String], CommandSpec) -> CommandOutcome) {
        self.secretsAfter = secretsAfter
        self.name = name
        self.aliases = aliases
        self.arguments = arguments
        self.help = help
        self.needsConnection = needsConnection
        self.body = handler
    }

    init(_ name: String, aliases: [String] = [], arguments: String = "", help: String, needsConnection: Bool = false,
         secretsAfter: Int? = nil, handler: @escaping @Sendable (Shell, [String]) -> CommandOutcome) {
        self.init(name, aliases: aliases, arguments: arguments, help: help, needsConnection: needsConnection,
                  secretsAfter: secretsAfter) { shell, arguments, _ in handler(shell, arguments) }
    }

    func showingReplies() -> CommandSpec { var spec = self; spec.showsReplies = true; return spec }
    func sendingRawLine() -> CommandSpec { var spec = self; spec.sendsRawLine = true; spec.showsReplies = true; return spec }
    func withValuedOptions(_ options: Set<String>) -> CommandSpec { var spec = self; spec.valuedOptions = options; return spec }
    /// The command's options and what each does: shown by `help COMMAND`, Docs/Commands.md and the man page.
    private(set) var options: [(name: String, help: String)] = []
    func documenting(_ options: [(String, String)]) -> CommandSpec {
        var spec = self
        spec.options = options.map { (name: $0.0, help: $0.1) }
        return spec
    }
    func completing(_ rule: @escaping @Sendable ([String], Int) -> CompletionKind) -> CommandSpec {
        var spec = self
        spec.completionRule = rule
        return spec
    }

    /// Runs the handler on `arguments`.
    func handler(_ shell: Shell, _ arguments: [String]) -> CommandOutcome { body(shell, arguments, self) }

    /// The first argument's name when the command cannot do without it ("remote-file" for get).
    var requiredArgumentName: String? {
        guard let first = arguments.split(separator: " ").first, !first.hasPrefix("["), !first.hasPrefix("-") else { return nil }
        return String(first)
    }

    public var usage: String { arguments.isEmpty ? "usage: \(name)" : "usage: \(name) \(arguments)" }
    public var allNames: [String] { [name] + aliases }
}
