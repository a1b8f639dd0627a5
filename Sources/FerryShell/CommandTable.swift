/// The one table of shell commands (house rule 5): dispatch, `help`, prefix matching and Docs/Commands.md
/// all read it.
public struct CommandTable: Sendable {
    public let commands: [CommandSpec]

    public enum Lookup {
        case found(CommandSpec)
        case ambiguous([String])
        case invalid
    }

    public init(_ commands: [CommandSpec]) { self.commands = commands }

    /// An exact name or alias wins; otherwise a prefix that belongs to exactly one command.
    public func lookup(_ word: String) -> Lookup {
        let lowered = word.lowercased()
        if let exact = commands.first(where: { $0.allNames.contains(lowered) }) { return .found(exact) }
        guard !lowered.isEmpty else { return .invalid }
        let matches = commands.filter { $0.allNames.contains { $0.hasPrefix(lowered) } }
        switch matches.count {
        case 0: return .invalid
        case 1: return .found(matches[0])
        default: return .ambiguous(matches.map(\.name))
        }
    }

    /// Every name and alias, sorted, as `help` lists them.
    public var allNames: [String] { commands.flatMap(\.allNames).sorted() }
}
