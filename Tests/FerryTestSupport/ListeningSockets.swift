import Foundation

/// The TCP ports a process listens on, read from /proc: its socket inodes (/proc/PID/fd) matched against the
/// listening entries of /proc/net/tcp and tcp6. A server told to bind port 0 is found this way without a
/// port that another test could take between choosing it and the server binding it.
public enum ListeningSockets {
    public static func ports(ofProcess pid: Int32) -> [UInt16] {
        let inodes = socketInodes(ofProcess: pid)
        guard !inodes.isEmpty else { return [] }
        return (listeningEntries("/proc/net/tcp") + listeningEntries("/proc/net/tcp6"))
            .filter { inodes.contains($0.inode) }
            .map(\.port)
    }

    /// Waits until the process listens on a TCP port and returns it; nil when the process ended or time ran out.
    public static func waitForPort(of process: Process, timeout: Double) -> UInt16? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline, process.isRunning {
            if let port = ports(ofProcess: process.processIdentifier).first { return port }
            usleep(20_000)
        }
        return nil
    }

    /// "socket:[12345]" links in /proc/PID/fd.
    static func socketInodes(ofProcess pid: Int32) -> Set<String> {
        let folder = "/proc/\(pid)/fd"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        var inodes = Set<String>()
        for name in names {
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(folder)/\(name)"),
                  target.hasPrefix("socket:["), target.hasSuffix("]") else { continue }
            inodes.insert(String(target.dropFirst("socket:[".count).dropLast()))
        }
        return inodes
    }

    /// Lines of /proc/net/tcp: "sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...",
    /// addresses as HEXADDR:HEXPORT; state 0A is LISTEN.
    static func listeningEntries(_ table: String) -> [(port: UInt16, inode: String)] {
        guard let text = try? String(contentsOfFile: table, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count > 9, fields[3] == "0A", let colon = fields[1].lastIndex(of: ":"),
                  let port = UInt16(fields[1][fields[1].index(after: colon)...], radix: 16) else { return nil }
            return (port, String(fields[9]))
        }
    }
}
