#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// The shell's small files (.netrc, known_hosts, history): bounded reads, private folders.
enum SmallFile {
    /// The file's bytes (at most `limit`) and its mode, or nil when it cannot be opened or is not a regular file
    /// (a FIFO planted there must not hang the start: O_NONBLOCK for the open, then fstat).
    static func read(_ path: String, limit: Int = 1 << 20) -> (bytes: [UInt8], mode: mode_t)? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while bytes.count < limit {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            bytes += chunk[0..<count]
        }
        return (bytes, info.st_mode)
    }

    /// `mkdir -p` of the folder that holds `path`, each folder made here with mode 0700.
    static func makeFolders(for path: String) {
        guard let slash = path.lastIndex(of: "/") else { return }
        var partial = ""
        for component in path[..<slash].split(separator: "/") {
            partial += "/" + component
            mkdir(partial, 0o700)
        }
    }
}
