import FerryClient
/// Docs/Commands.md, generated from the table (house rule 12): `make docs` writes it, a test checks it.
extension CommandTable {
    public func markdownReference() -> String {
        var text = """
        # Ferry commands

        Generated from the command table by `make docs`; do not edit by hand.
        Commands may be abbreviated to any unique prefix. Commands marked *remote* need a connection
        (without one they print `Not connected.`).

        | command | aliases | usage | what it does |
        |---|---|---|---|

        """
        for spec in commands.sorted(by: { $0.name < $1.name }) {
            let aliases = spec.aliases.map { "`\($0)`" }.joined(separator: ", ")
            let synopsis = spec.arguments.isEmpty ? spec.name : "\(spec.name) \(spec.arguments)"
            let usage = "`" + synopsis.map { $0 == "|" ? "\\|" : String($0) }.joined() + "`"
            let remote = spec.needsConnection ? " *(remote)*" : ""
            text += "| `\(spec.name)` | \(aliases) | \(usage) | \(spec.help)\(remote) |\n"
        }
        text += "\n## Options of commands\n\n| command | option | what it does |\n|---|---|---|\n"
        for spec in commands.sorted(by: { $0.name < $1.name }) {
            for option in spec.options {
                text += "| `\(spec.name)` | `\(option.name)` | \(option.help) |\n"
            }
        }
        text += """

        ## Settings

        `set NAME VALUE` changes one, `unset NAME` restores its default, `set` alone lists them with their values,
        `help set` with their meanings. In `~/.netrc`, a `macdef init` of `set` lines applies them to every session
        with that host.

        | setting | default | what it is |
        |---|---|---|

        """
        for option in Shell.options {
            let value = option.get(Settings(), ClientConfiguration())
            text += "| `\(option.name)` | \(value.isEmpty ? "" : "`\(value)`") | \(option.help) |\n"
        }
        return text
    }
}
