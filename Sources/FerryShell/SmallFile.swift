#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Reading the shell's small configuration files (.netrc, known_hosts), bounded in size.
enum SmallFile {
    /// The file's bytes (at most `limit`) and its mode, or nil when it cannot be opened.
    static func read(_ path: String, limit: Int = 1 << 20) -> (bytes: [UInt8], mode: mode_t)? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while bytes.count < limit {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            bytes += chunk[0..<count]
        }
        return (bytes, info.st_mode)
    }
}
