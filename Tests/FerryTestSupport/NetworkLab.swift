import Foundation

/// One network path of the NAT and firewall lab (Tests/Fixtures/netlab.sh): client, router and server in network
/// namespaces of this test's own, vsftpd (anonymous, read-only) on port 21 of the server, nftables rules for the
/// path. Every address lives only inside the namespaces; `stop` (or deinit) removes them, and each new lab first
/// removes those a crashed test process left behind.
public final class NetworkLab: @unchecked Sendable {
    public enum Path: String, CaseIterable, Sendable, CustomStringConvertible {
        case routed
        case serverNAT = "server-nat"
        case clientNAT = "client-nat"
        case clientFirewallDrop = "client-firewall-drop"
        case serverFirewallDrop = "server-firewall-drop"
        case serverFirewallReject = "server-firewall-reject"
        case epsvBlackHole = "epsv-black-hole"
        case blocked
        public var description: String { rawValue }
    }

    public let path: Path
    /// The address the client dials (the server's, or the router's public one in front of it).
    public let server: String
    public let name: String
    /// The served folder: f1.txt … f5.txt and one-mib.bin.
    public let root: TemporaryDirectory
    /// With TLS: the server's certificate, for --cacert.
    public private(set) var certificatePath: String?
    private let state: TemporaryDirectory
    private var stopped = false
    private var daemon: pid_t?

    public static let fileNames = ["f1.txt", "f2.txt", "f3.txt", "f4.txt", "f5.txt", "one-mib.bin"]
    private static let script = TestPaths.fixtures.appendingPathComponent("netlab.sh").path
    private static let lock = NSLock()
    private nonisolated(unsafe) static var made = 0
    private nonisolated(unsafe) static var swept = false

    public init(_ path: Path, tls: Bool = false) throws {
        guard geteuid() == 0 else {
            throw TestSupportError("the NAT and firewall lab makes network namespaces and needs root: run 'make test' as root")
        }
        for tool in ["/usr/sbin/ip", "/usr/sbin/nft", "/usr/sbin/vsftpd"] where !FileManager.default.isExecutableFile(atPath: tool) {
            throw TestSupportError("the NAT and firewall lab needs \(tool): run 'make deps' (it installs iproute2, nftables and vsftpd)")
        }
        self.path = path
        NetworkLab.lock.lock()
        NetworkLab.made += 1
        let number = NetworkLab.made
        let sweep = !NetworkLab.swept
        NetworkLab.swept = true
        NetworkLab.lock.unlock()
        if sweep { _ = try? ProcessRunner.run("/bin/sh", [NetworkLab.script, "sweep"], timeout: 60) }
        name = "fl\(getpid())x\(number)"
        root = try TemporaryDirectory("ferry-lab-root")
        state = try TemporaryDirectory("ferry-lab-state")
        chmod(root.path, 0o755)
        for index in 1...5 { try TestFiles.write(root.file("f\(index).txt"), "file \(index)\n") }
        var bytes = [UInt8](repeating: 0, count: 1 << 20)
        for index in bytes.indices { bytes[index] = UInt8(truncatingIfNeeded: index &* 2_654_435_761 >> 13) }
        try Data(bytes).write(to: URL(fileURLWithPath: root.file("one-mib.bin")))
        for file in NetworkLab.fileNames { chmod(root.file(file), 0o644) }

        var arguments = [NetworkLab.script, "up", name, path.rawValue, root.path]
        if tls {
            let (cert, key) = try TestCertificates.make("ferry-lab", in: state, names: "IP:203.0.113.2")
            chmod(state.path, 0o755)
            certificatePath = cert
            arguments += ["tls", cert, key]
        }
        let result = try ProcessRunner.run("/bin/sh", arguments, timeout: 60)
        guard result.status == 0 else {
            _ = try? ProcessRunner.run("/bin/sh", [NetworkLab.script, "down", name], timeout: 60)
            throw TestSupportError("the lab path \(path) could not be built: \(result.stderr)")
        }
        server = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            daemon = try UnpackedServer.spawn("/bin/sh", [NetworkLab.script, "serve", name], log: state.file("serve.log"), name: "vsftpd")
            let ready = try ProcessRunner.run("/bin/sh", [NetworkLab.script, "ready", name], timeout: 30)
            guard ready.status == 0 else { throw TestSupportError("the lab's vsftpd did not start: \(ready.stderr)") }
        } catch {
            stop()
            throw error
        }
    }

    /// Runs the built `ferry` in the client's namespace.
    public func ferry(_ arguments: [String], script: String = "", timeout: Double = 60,
                      directory: String) throws -> ProcessRunner.Result {
        try Ferry.run(arguments, script: script, timeout: timeout, directory: directory, wrapper: inClient)
    }

    /// Runs `ferry` in the client's namespace on a pseudo-terminal (Tests/Fixtures/pty_session.py steps).
    public func pty(_ arguments: [String], _ steps: [String], directory: String, expectTimeout: Int = 15) throws -> ProcessRunner.Result {
        try Ferry.pty(arguments, steps, directory: directory, expectTimeout: expectTimeout, wrapper: inClient)
    }

    private var inClient: [String] { ["/usr/sbin/ip", "netns", "exec", "\(name)-c"] }

    public func stop() {
        guard !stopped else { return }
        stopped = true
        if let daemon {
            kill(-daemon, SIGKILL)
            kill(daemon, SIGKILL)
            var status: Int32 = 0
            waitpid(daemon, &status, 0)
        }
        _ = try? ProcessRunner.run("/bin/sh", [NetworkLab.script, "down", name], timeout: 60)
    }

    deinit { stop() }

    /// The namespaces of this lab that exist now (for the cleanup test).
    public var namespaces: [String] {
        let listed = (try? ProcessRunner.run("/usr/sbin/ip", ["netns", "list"]))?.stdout ?? ""
        return listed.split(separator: "\n").map { String($0.split(separator: " ")[0]) }.filter { $0.hasPrefix(name + "-") }
    }
}
