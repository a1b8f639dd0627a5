import FerryClient
import FerryShell
import Foundation

/// A shell with no server, scripted input and captured output.
final class ScriptedShell: @unchecked Sendable {
    final class Lines: LineReader {
        var lines: [String]
        init(_ lines: [String]) { self.lines = lines }
        func readLine(prompt: String) -> LineInput {
            lines.isEmpty ? .endOfInput : .line(lines.removeFirst())
        }
    }

    private(set) var out = ""
    private(set) var err = ""
    var shell: Shell!

    init(_ script: [String] = [], settings: Settings = Settings(), configuration: ClientConfiguration = ClientConfiguration()) {
        let console = Console(out: { [unowned self] in self.out += $0 }, error: { [unowned self] in self.err += $0 })
        shell = Shell(settings: settings, configuration: configuration, console: console, reader: Lines(script), interactive: false)
    }
}
