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
        // Not a FIFO or device planted there: O_NONBLOCK for the open, a regular file for the read.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return [] }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        // Bounded: a history file is at most 1,000 lines; 4 MiB is plenty.
        while bytes.count < 4 << 20 {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        let all = bytes.split(separator: 0x0A).map { String(decoding: $0, as: UTF8.self) }.filter { !$0.isEmpty }
        return Array(all.suffix(limit))
    }

    /// Writes the whole file: a fresh one beside it, renamed into place, so a crash never leaves half a history.
    private func write() {
        guard let slash = path.lastIndex(of: "/") else { return }
        let folder = String(path[..<slash])
        HistoryFile.makeFolders(folder)
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

    /// `mkdir -p` with mode 0700 for the folders made here.
    static func makeFolders(_ folder: String) {
        var path = ""
        for part in folder.split(separator: "/") {
            path += "/" + part
            mkdir(path, 0o700)
        }
    }
}
