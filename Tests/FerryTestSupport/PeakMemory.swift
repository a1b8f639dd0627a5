import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs the built ferry and reads its peak resident memory: VmHWM of /proc/PID/status, read every 20 ms while it
/// runs (the mark only rises). Not wait4's ru_maxrss: posix_spawn shares the test process's memory until exec,
/// and the kernel counts that into the child's peak.
public enum PeakMemory {
    public struct Result: Sendable {
        public let status: Int32
        /// VmHWM: peak resident set, KiB.
        public let peakKiB: Int
        public let stderr: String
    }

    /// `script` on standard input, standard output into `output`, in `directory`; killed after `timeout` seconds.
    public static func ferry(_ arguments: [String], script: String, output: String, directory: String,
                             timeout: Double = 300) throws -> Result {
        let work = try TemporaryDirectory("ferry-peak")
        let input = work.file("script"), errors = work.file("stderr")
        try TestFiles.write(input, script)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, input, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errors, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Test threads block signals; the child starts with none blocked.
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        // env -C changes folder and execs ferry in the same process, so wait4 sees ferry's own peak.
        let binary = "/usr/bin/env"
        let argv: [UnsafeMutablePointer<CChar>?] = ([binary, "-C", directory, TestPaths.ferryBinary] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, binary, &actions, &attributes, argv, environ)
        guard spawned == 0 else { throw TestSupportError("cannot start \(binary): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        var usage = rusage()
        let deadline = Date().addingTimeInterval(timeout)
        var peak = 0
        while true {
            if let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
               let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
               let kib = Int(line.dropFirst(6).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "") {
                peak = max(peak, kib)
            }
            if wait4(pid, &status, WNOHANG, &usage) != 0 { break }
            if Date() > deadline {
                kill(pid, SIGKILL)
                _ = wait4(pid, &status, 0, &usage)
                throw TestSupportError("ferry did not finish within \(timeout) s")
            }
            usleep(20_000)
        }
        let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let text = (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
        return Result(status: exit, peakKiB: peak, stderr: text)
    }
}
