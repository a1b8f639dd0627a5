#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// The interactive history kept between sessions: `$XDG_STATE_HOME/ferry/history` (default
/// `~/.local/state/ferry/history`), one command line a line, the last 1,000, mode 0600 in a 0700 folder. Lines
/// are stored as `EditLineReader.historyForm` gives them: never with a password.
final class HistoryFile {
    static let limit = 1000
    let path: String
    private(set) var lines: [String] = []

    init(path: String) {
        self.path = path
        lines = HistoryFile.read(path)
    }

    /// Where the history lives, from the environment; nil when neither XDG_STATE_HOME nor HOME is set.
    static func defaultPath(environment: (String) -> String?) -> String? {
        if let state = environment("XDG_STATE_HOME"), state.hasPrefix("/") { return state + "/ferry/history" }
        guard let home = environment("HOME"), !home.isEmpty else { return nil }
        return home + "/.local/state/ferry/history"
    }

    /// Adds a line (already in its history form) and writes the file again.
    func append(_ line: String) {
        if lines.last == line { return }
        lines.append(line)
        if lines.count > HistoryFile.limit { lines.removeFirst(lines.count - HistoryFile.limit) }
        write()
    }

    private static func read(_ path: String) -> [String] {
        // Bounded: a history file is at most 1,000 lines; 4 MiB is plenty.
        guard let file = SmallFile.read(path, limit: 4 << 20) else { return [] }
        let all = file.bytes.split(separator: 0x0A).map { String(decoding: $0, as: UTF8.self) }.filter { !$0.isEmpty }
        return Array(all.suffix(limit))
    }

    /// Writes the whole file: a fresh one beside it, renamed into place, so a crash never leaves half a history.
    private func write() {
        guard path.contains("/") else { return }
        SmallFile.makeFolders(for: path)
        let temporary = path + ".new"
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { return }
        _ = fchmod(fd, 0o600)
        let text = lines.joined(separator: "\n") + "\n"
        let written = Console.write(fd, bytes: Array(text.utf8))
        close(fd)
        if written { rename(temporary, path) } else { unlink(temporary) }
    }
}
