#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// `~/.netrc`: `machine`/`default` entries with `login`, `password`, `account` and `macdef` (ftp(1), netrc(5)).
public struct Netrc: Equatable, Sendable {
    public struct Entry: Equatable, Sendable {
        /// nil for the `default` entry.
        public var machine: String?
        public var login: String?
        public var password: String?
        public var account: String?
        public var macros: [String: [String]] = [:]
    }

    public var entries: [Entry]

    /// The entry for `host`, else the `default` entry.
    public func entry(for host: String) -> Entry? {
        entries.first { $0.machine?.lowercased() == host.lowercased() } ?? entries.first { $0.machine == nil }
    }

    public var hasPassword: Bool { entries.contains { $0.password != nil || $0.account != nil } }

    /// Tokens are separated by spaces, tabs and newlines; "double quotes" group. A macdef body runs to the
    /// first empty line.
    public static func parse(_ text: String) -> Netrc {
        var entries: [Entry] = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0).trimmingCharacters(in: "\r") }
        var lineIndex = 0
        var pending: [String] = []
        func nextToken() -> String? {
            while pending.isEmpty {
                guard lineIndex < lines.count else { return nil }
                pending = (try? Tokenizer.split(lines[lineIndex])) ?? []
                lineIndex += 1
                if pending.first?.hasPrefix("#") == true { pending = [] }
            }
            return pending.removeFirst()
        }
        while let token = nextToken() {
            switch token {
            case "machine":
                entries.append(Entry(machine: nextToken()))
            case "default":
                entries.append(Entry(machine: nil))
            case "login", "password", "passwd", "account":
                let value = nextToken()
                guard !entries.isEmpty else { continue }
                switch token {
                case "login": entries[entries.count - 1].login = value
                case "account": entries[entries.count - 1].account = value
                default: entries[entries.count - 1].password = value
                }
            case "macdef":
                guard let name = nextToken() else { break }
                pending = []
                var body: [String] = []
                while lineIndex < lines.count, !lines[lineIndex].isEmpty {
                    body.append(lines[lineIndex])
                    lineIndex += 1
                }
                if !entries.isEmpty { entries[entries.count - 1].macros[name] = body }
            default:
                continue
            }
        }
        return Netrc(entries: entries)
    }

    public enum LoadError: Error, Equatable {
        /// The file holds a password but others can read it: ftp(1) refuses it, and so does Ferry.
        case readableByOthers(String)
    }

    /// Reads the file at `path`; nil when there is none. Refuses a file with a password that others can read.
    public static func load(path: String) throws(LoadError) -> Netrc? {
        guard let file = SmallFile.read(path) else { return nil }
        let netrc = parse(String(decoding: file.bytes, as: UTF8.self))
        if netrc.hasPassword, file.mode & 0o077 != 0 { throw .readableByOthers(path) }
        return netrc
    }

    /// -N file, else $NETRC, else ~/.netrc.
    public static func defaultPath(explicit: String?) -> String? {
        if let explicit { return explicit }
        if let value = getenv("NETRC") { return String(cString: value) }
        if let home = getenv("HOME") { return String(cString: home) + "/.netrc" }
        return nil
    }
}
