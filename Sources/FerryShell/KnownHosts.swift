#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Certificates the user chose to trust, by host and port, as SHA-256 fingerprints:
/// `$XDG_CONFIG_HOME/ferry/known_hosts` (default `~/.config/ferry/known_hosts`), one `host:port hex` a line.
struct KnownHosts {
    let path: String

    static func standard() -> KnownHosts? {
        if let config = getenv("XDG_CONFIG_HOME").map({ String(cString: $0) }), !config.isEmpty {
            return KnownHosts(path: config + "/ferry/known_hosts")
        }
        guard let home = getenv("HOME").map({ String(cString: $0) }) else { return nil }
        return KnownHosts(path: home + "/.config/ferry/known_hosts")
    }

    func fingerprints(for key: String) -> [String] {
        guard let file = SmallFile.read(path) else { return [] }
        let text = String(decoding: file.bytes, as: UTF8.self)
        return text.split(separator: "\n").compactMap { line in
            let words = line.split(separator: " ")
            return words.count == 2 && words[0] == key ? String(words[1]) : nil
        }
    }

    func remember(_ fingerprint: String, for key: String) -> Bool {
        SmallFile.makeFolders(for: path)
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let line = Array("\(key) \(fingerprint)\n".utf8)
        return line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == line.count
    }
}
