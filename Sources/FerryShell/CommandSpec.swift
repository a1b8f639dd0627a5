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
