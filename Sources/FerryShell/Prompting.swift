import FerryCore
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Confirmation questions for multiple-file commands. A script is never asked: without a person at a
/// terminal (or with `prompt` off) every answer is yes.
extension Shell {
    enum Answer { case yes, no, all, quit }

    func confirm(_ command: String, _ name: String) -> Answer {
        guard interactive, settings.prompt else { return .yes }
        while true {
            switch reader.readLine(prompt: "\(command) \(Console.sanitize(name)) [anpqy?]? ") {
            case .endOfInput, .interrupted, .tooLong:
                return .quit
            case .line(let line):
                switch line.trimmingCharacters(in: " \t").lowercased().first {
                case nil, "y": return .yes
                case "n": return .no
                case "a": return .all
                case "p":
                    settings.prompt = false
                    console.line("Interactive mode: off.")
                    return .yes
                case "q": return .quit
                default: console.line("Answer y (yes), n (no), a (all the rest), p (prompting off), q (quit).")
                }
            }
        }
    }

    /// The questions of one multiple-file command (mget, mput, mdelete …): yes or no for `name`, nil to stop.
    /// `a` answers yes for the rest of this command only, as in tnftp: `asking` is the command's own.
    func approve(_ command: String, _ name: String, asking: inout Bool) -> Bool? {
        guard asking else { return true }
        switch confirm(command, name) {
        case .yes: return true
        case .no: return false
        case .quit: return nil
        case .all:
            asking = false
            console.line("Prompting off for duration of \(command).")
            return true
        }
    }

    /// Asks before replacing a local file with something that is not a download (a listing): at a terminal only;
    /// a script follows `get`'s rule and replaces it.
    func mayReplaceLocalFile(_ path: String) -> Bool {
        var info = stat()
        guard interactive, WireText.withCString(path, { stat($0, &info) }) == 0 else { return true }
        return askYesNo("Replace the local file '\(Console.sanitize(path))'? [yn] ", help: "Answer y (replace it) or n (keep it).")
    }

    /// A yes-or-no question at the terminal; no answer (Enter, Ctrl-C, end of input) is no.
    func askYesNo(_ question: String, help: String) -> Bool {
        while true {
            switch reader.readLine(prompt: question) {
            case .endOfInput, .interrupted, .tooLong: return false
            case .line(let line):
                switch line.trimmingCharacters(in: " \t").lowercased().first {
                case "y": return true
                case "n", nil: return false
                default: console.line(help)
                }
            }
        }
    }
}
