/// The one place a name that came from a server (a listing, a remote argument) or from a URL's path becomes a
/// local file name. The result is always a plain name in the current folder: never a pipe (`|cmd`), never
/// standard output (`-`), never a path that leaves the folder. Only what the user typed as the local argument of
/// `get` may be a pipe or `-`, and that never passes through here.
public enum LocalName {
    /// The local name for a remote path: its last component, made safe.
    public struct Decision: Sendable, Equatable {
        /// The name to create in the current folder.
        public let name: String
        /// The component as the server or URL gave it, when `name` differs from it.
        public let original: String?
        /// Whether the name had to be changed.
        public var wasRenamed: Bool { original != nil }
    }

    /// The last component of `remote`, or a refusal when it names no file, leaves the folder or holds NUL.
    /// Control characters become `_`, and a leading `|` or `-` becomes `_`, so that the name cannot act as a
    /// command, an option or a terminal escape wherever it is used later.
    public static func forRemote(_ remote: String) throws(FTPError) -> Decision {
        let component = lastComponent(remote)
        guard !component.isEmpty, component != ".", component != "..", component != "/" else {
            throw FTPError(.invalidArgument, "'\(remote)' names no file that can be saved here; give a local name")
        }
        if component.unicodeScalars.contains(where: { $0.value == 0 }) {
            throw FTPError(.invalidArgument, "refusing a name that holds a NUL byte; give a local name")
        }
        var safe = ""
        safe.unicodeScalars.reserveCapacity(component.unicodeScalars.count)
        for scalar in component.unicodeScalars {
            safe.unicodeScalars.append(isControl(scalar) ? "_" : scalar)
        }
        if let first = safe.unicodeScalars.first, first == "|" || first == "-" {
            safe = "_" + String(safe.unicodeScalars.dropFirst())
        }
        // A server's `.big.part` or `.big.pget` saved as such would be taken later for Ferry's own leftover of
        // `big` and continued, with that server's bytes: Ferry's working names are never a remote file's.
        if partialBase(of: safe) != nil { safe = "_" + String(safe.unicodeScalars.dropFirst()) }
        // The unchanged name keeps its own storage: a mirror holds hundreds of thousands of them.
        return safe == component ? Decision(name: component, original: nil) : Decision(name: safe, original: component)
    }

    /// A control character: C0, DEL or C1 (what `forRemote` turns into `_`).
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// Whether `name` holds a control character (see `isControl(_:)`).
    public static func hasControlCharacter(_ name: String) -> Bool { name.unicodeScalars.contains(where: isControl) }

    /// Where a file is written before it is renamed into place: `dir/name` → `dir/.name.part` (downloads here,
    /// and uploads on the server alike).
    public static func partialPath(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return ".\(path).part" }
        return "\(path[...slash]).\(path[path.index(after: slash)...]).part"
    }

    /// `.name.part`, `.name.pget`, `.name.bad` (Ferry's partial, segment-state and rejected downloads) → `name`.
    public static func partialBase(of name: String) -> String? {
        guard name.hasPrefix("."), name.count > 1 else { return nil }
        for suffix in [".part", ".pget", ".bad"] where name.hasSuffix(suffix) && name.count > suffix.count + 1 {
            return String(name.dropFirst().dropLast(suffix.count))
        }
        return nil
    }

    /// True when `name` is one plain component that stays in the current folder.
    public static func isPlainComponent(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.contains("/") && !name.unicodeScalars.contains { $0.value == 0 }
    }

    /// `a/b/c/` → `c`; `/` → `/`.
    public static func lastComponent(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        return String(trimmed.split(separator: "/").last ?? trimmed)
    }
}
