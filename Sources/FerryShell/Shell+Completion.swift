import FerryClient
import FerryCore
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// TAB completion: command names, then each argument as the command table says — remote names from the
/// session's per-folder listing cache (fetched within two seconds, or nothing is completed), local paths.
extension Shell {
    static let completionTimeLimit = 2.0

    public func complete(_ lineBeforeCursor: String) -> Completion {
        // The listing a completion fetches is not shown: the line being typed stays as it is.
        completing = true
        defer { completing = false }
        // At a "(remote-file) " question the command is already known: complete as its argument.
        let parsed = CompletionWords(completionPrefix + lineBeforeCursor)
        let matches: [(word: String, folder: Bool)]
        var cut = false
        if parsed.words.isEmpty {
            matches = commandNames(parsed.current)
        } else {
            guard case .found(let spec) = table.lookup(parsed.words[0]) else { return .none }
            guard !parsed.current.hasPrefix("-") else { return .none }
            let wasConnected = client.isConnected
            defer { if wasConnected, !client.isConnected { completionDroppedConnection = true } }
            switch Shell.completionKind(spec, words: Array(parsed.words.dropFirst())) {
            case .command: matches = commandNames(parsed.current)
            case .remote: matches = remoteNames(parsed.current, foldersOnly: false, cut: &cut)
            case .remoteFolder: matches = remoteNames(parsed.current, foldersOnly: true, cut: &cut)
            case .local: matches = localNames(parsed.current, foldersOnly: false)
            case .localFolder: matches = localNames(parsed.current, foldersOnly: true)
            case .nothing: matches = []
            }
        }
        var result = Shell.completion(of: parsed, from: matches)
        if cut { result.note = "the server cut this folder's listing short: names past its limit are not offered" }
        return result
    }

    /// What the next argument of `spec` names, given the words typed after the command.
    static func completionKind(_ spec: CommandSpec, words: [String]) -> CompletionKind {
        let valued = spec.valuedOptions
        var position = 0
        var skip = false
        for word in words {
            if skip { skip = false; continue }
            if word.hasPrefix("-"), word.count > 1 {
                skip = valued.contains(word)
                continue
            }
            position += 1
        }
        if let rule = spec.completionRule { return rule(words, position) }
        return spec.completionKind(argument: position)
    }

    /// From the matching words to what TAB does.
    static func completion(of parsed: CompletionWords, from matches: [(word: String, folder: Bool)]) -> Completion {
        guard !matches.isEmpty else { return .none }
        if matches.count == 1 {
            let only = matches[0]
            return Completion(replace: parsed.currentLength,
                              insert: CompletionWords.quoted(only.word) + (only.folder ? "" : " "))
        }
        let shared = matches.map(\.word).reduce(matches[0].word) { commonPrefix($0, $1) }
        if shared.unicodeScalars.count > parsed.current.unicodeScalars.count {
            return Completion(replace: parsed.currentLength, insert: CompletionWords.quoted(shared), ambiguous: true)
        }
        return Completion(candidates: matches.map { LocalName.lastComponent($0.word) + ($0.folder ? "/" : "") }.sorted())
    }

    static func commonPrefix(_ a: String, _ b: String) -> String {
        String(zip(a, b).prefix { $0 == $1 }.map(\.0))
    }

    private func commandNames(_ prefix: String) -> [(word: String, folder: Bool)] {
        let lowered = prefix.lowercased()
        return Array(Set(table.allNames.filter { $0.hasPrefix(lowered) })).sorted().map { ($0, false) }
    }

    /// `dir/pre` → the entries of `dir` whose names start with `pre`, as `dir/name` (folders with `/`).
    private func remoteNames(_ word: String, foldersOnly: Bool, cut: inout Bool) -> [(word: String, folder: Bool)] {
        guard client.isConnected else { return [] }
        let (folder, prefix) = Shell.splitPath(word)
        guard let listed = client.entries(in: folder.isEmpty ? nil : folder, within: Shell.completionTimeLimit) else { return [] }
        cut = listed.cut
        return listed.entries.compactMap { entry in
            let isFolder = entry.kind == .directory
            // A name with a control character never goes into the line: a CR or LF in it would read back as two
            // words, the second one a local target such as "|command".
            guard entry.name.hasPrefix(prefix), entry.format != .raw, LocalName.isPlainComponent(entry.name),
                  !Shell.hasControlCharacter(entry.name), !foldersOnly || isFolder || entry.kind == .link else { return nil }
            return (folder + entry.name + (isFolder ? "/" : ""), isFolder)
        }
    }

    private func localNames(_ word: String, foldersOnly: Bool) -> [(word: String, folder: Bool)] {
        let (folder, prefix) = Shell.splitPath(word)
        let path = Shell.expandingTilde(folder.isEmpty ? "." : folder)
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var found: [(String, Bool)] = []
        while let item = readdir(directory), found.count < 10_000 {
            let name = withUnsafeBytes(of: item.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name != ".", name != "..", name.hasPrefix(prefix), !prefix.isEmpty || !name.hasPrefix("."),
                  !Shell.hasControlCharacter(name) else { continue }
            var info = stat()
            let isFolder = stat(path + "/" + name, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
            if foldersOnly, !isFolder { continue }
            found.append((folder + name + (isFolder ? "/" : ""), isFolder))
        }
        return found
    }

    static func hasControlCharacter(_ name: String) -> Bool {
        name.unicodeScalars.contains { LocalName.isControl($0) || Console.isBidiControl($0) }
    }

    /// `a/b/c` → (`a/b/`, `c`); `c` → (``, `c`).
    static func splitPath(_ word: String) -> (String, String) {
        guard let slash = word.lastIndex(of: "/") else { return ("", word) }
        return (String(word[...slash]), String(word[word.index(after: slash)...]))
    }
}
