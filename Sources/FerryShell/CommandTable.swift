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

    /// The one command a mistyped word is closest to (one edit: a letter changed, added, dropped or two swapped),
    /// for "did you mean"; nil when none or several are that close.
    public func suggestion(for word: String) -> String? {
        let typed = Array(word.lowercased())
        guard typed.count >= 2 else { return nil }
        let close = Set(commands.filter { $0.allNames.contains { CommandTable.oneEditApart(typed, Array($0)) } }.map(\.name))
        return close.count == 1 ? close.first : nil
    }

    static func oneEditApart(_ a: [Character], _ b: [Character]) -> Bool {
        if a == b { return false }
        if a.count == b.count {
            let differ = a.indices.filter { a[$0] != b[$0] }
            if differ.count == 1 { return true }
            return differ.count == 2 && differ[1] == differ[0] + 1 && a[differ[0]] == b[differ[1]] && a[differ[1]] == b[differ[0]]
        }
        let (short, long) = a.count < b.count ? (a, b) : (b, a)
        guard long.count - short.count == 1 else { return false }
        var i = 0
        while i < short.count, short[i] == long[i] { i += 1 }
        return short[i...] == long[(i + 1)...]
    }

    /// Every name and alias, sorted, as `help` lists them.
    public var allNames: [String] { commands.flatMap(\.allNames).sorted() }
}
