import Foundation

/// A server daemon unpacked by scripts/unpack-servers.sh (proftpd, pure-ftpd) and run in the foreground on
/// 127.0.0.1 with a configuration the test wrote: its process, its port, its log.
final class UnpackedServer: @unchecked Sendable {
    /// Where scripts/unpack-servers.sh (run by `make test`) unpacked the Debian packages.
    static let root = TestPaths.packageRoot.appendingPathComponent(".build/ftp-servers/root").path

    let port: UInt16
    let pid: pid_t
    private var stopped = false

    /// Starts `binary` (relative to the unpacked root) and waits for its greeting on `port` (see `spawn`).
    init(_ binary: String, _ arguments: [String], port: UInt16, log: String, name: String) throws {
        guard geteuid() == 0 else {
            throw TestSupportError("the \(name) tests create a local user and need root: run 'make test' as root or with sudo")
        }
        let path = UnpackedServer.root + "/" + binary
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestSupportError("\(name) is not unpacked at \(path) ('make test' runs scripts/unpack-servers.sh)")
        }
        let child = try UnpackedServer.spawn(path, arguments, log: log, name: name)
        pid = child
        self.port = port
        guard FreePort.waitForGreeting(port: port, timeout: 15) else {
            stop()
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw TestSupportError("\(name) did not greet on 127.0.0.1:\(port): \(text.suffix(600))")
        }
    }

    /// Starts a daemon in a process group of its own, its output to `log`. Spawned with posix_spawn, not
    /// Foundation's Process: a daemon under Process left the next Process's exit unseen (a finished child stayed
    /// a zombie and its test hung).
    static func spawn(_ path: String, _ arguments: [String], log: String, name: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group, so stop() ends the sessions it forked too; no signal blocked or ignored.
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child = pid_t()
        let spawned = posix_spawn(&child, path, &actions, &attributes, argv, environ)
        guard spawned == 0 else { throw TestSupportError("cannot start \(name): \(String(cString: strerror(spawned)))") }
        return child
    }

    func stop() {
        guard !stopped else { return }
        stopped = true
        // The whole group: the daemon and every session it forked.
        kill(-pid, SIGKILL)
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }

    deinit { stop() }

    /// Starts a daemon on a port found free: the port is chosen here and bound by the server a moment later, so
    /// another test may take it between; three tries.
    static func onAFreePort(_ start: (UInt16) throws -> UnpackedServer) throws -> UnpackedServer {
        var lastError: Error = TestSupportError("no free port")
        for _ in 0..<3 {
            do { return try start(try FreePort.allocate()) } catch { lastError = error }
        }
        throw lastError
    }

    /// A passive port range of `count` ports at a random place between 30000 and 60000, so that servers of tests
    /// running side by side rarely share one (a port in use is skipped by the servers anyway).
    static func passiveRange(count: Int) -> ClosedRange<Int> {
        let start = Int.random(in: 30000...(60000 - count))
        return start...(start + count - 1)
    }

    /// A SHA-512 crypt(3) hash of `password` (openssl passwd -6), as both daemons' password files take it.
    static func cryptHash(_ password: String) throws -> String {
        let hashed = try ProcessRunner.run("/usr/bin/openssl", ["passwd", "-6", "-stdin"], stdin: password + "\n")
        guard hashed.status == 0 else { throw TestSupportError("openssl passwd failed: \(hashed.stderr)") }
        return hashed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The uid and gid of the tests' system account (created, with no login shell, as for vsftpd).
    static func account() throws -> (uid: UInt32, gid: UInt32) {
        try VsftpdServer.ensureUser(VsftpdServer.account, password: VsftpdServer.runPassword)
        guard let entry = getpwnam(VsftpdServer.account) else { throw TestSupportError("no user \(VsftpdServer.account)") }
        return (entry.pointee.pw_uid, entry.pointee.pw_gid)
    }

    /// A root folder owned by the account, as the daemons' sessions run as it.
    static func makeRoot(_ directory: TemporaryDirectory, owner: (uid: UInt32, gid: UInt32)) {
        chown(directory.path, owner.uid, owner.gid)
        chmod(directory.path, 0o755)
    }
}

/// The local system account the daemons' sessions run as (vsftpd logs in as it; proftpd and pure-ftpd map their
/// own users to it): files a test puts in a server's root for writing must be this account's.
public enum TestAccount {
    public static let name = VsftpdServer.account
}

/// pure-ftpd 1.0.50 (Debian's build) on 127.0.0.1: a virtual user (PureDB) whose home is a fresh folder,
/// chrooted there, the listing cap (-L) low when a test asks for it.
public final class PureFTPdServer: TestServer, @unchecked Sendable {
    public let kind = ServerKind.pureftpd
    public let host = "127.0.0.1"
    public var port: UInt16 { daemon.port }
    public let user = "tester"
    public let password = VsftpdServer.runPassword
    public var root: String { directory.path }
    public var logPath: String { state.file("pure-ftpd.log") }
    private let directory: TemporaryDirectory
    private let state: TemporaryDirectory
    private var daemon: UnpackedServer!
    /// The certificate it presents with `tls` (made by the test).
    public private(set) var certificatePath: String?

    /// `listingCap`: pure-ftpd's -L files:depth, the most entries one listing sends (its default: 10,000).
    /// `tls`: explicit TLS required for logins and data (-Y 2), a certificate for 127.0.0.1.
    public init(listingCap: Int = 10_000, tls: Bool = false) throws {
        let owner = try UnpackedServer.account()
        directory = try TemporaryDirectory("ferry-pure-root")
        state = try TemporaryDirectory("ferry-pure-state")
        UnpackedServer.makeRoot(directory, owner: owner)
        let passwd = state.file("pureftpd.passwd"), database = state.file("pureftpd.pdb")
        // The passwd line written here with a SHA-512 crypt hash: `pure-pw useradd` hashes with argon2id, a second
        // of CPU for every server a test starts.
        try TestFiles.write(passwd, "\(user):\(try UnpackedServer.cryptHash(password)):\(owner.uid):\(owner.gid)::\(directory.path)/./::::::::::::\n")
        chmod(passwd, 0o600)
        let made = try ProcessRunner.run(UnpackedServer.root + "/usr/bin/pure-pw", ["mkdb", database, "-f", passwd])
        guard made.status == 0 else { throw TestSupportError("pure-pw mkdb failed: \(made.stderr)") }
        var tlsArguments: [String] = []
        if tls {
            let made = try TestCertificates.make("pure-ftpd", in: state)
            certificatePath = made.cert
            tlsArguments = ["-Y", "2", "-2", "\(made.cert),\(made.key)"]
        }
        let passive = UnpackedServer.passiveRange(count: 64)
        daemon = try UnpackedServer.onAFreePort { [logPath] port in
            try UnpackedServer("usr/sbin/pure-ftpd", [
                "-S", "127.0.0.1,\(port)", "-l", "puredb:\(database)", "-E", "-A", "-H",
                "-p", "\(passive.lowerBound):\(passive.upperBound)", "-c", "32", "-C", "32",
                "-L", "\(listingCap):64", "-O", "clf:\(state.file("transfer.log"))",
            ] + tlsArguments, port: port, log: logPath, name: "pure-ftpd")
        }
    }

    public func stop() { daemon?.stop() }

    deinit { stop() }
}

/// proftpd 1.3.8 (Debian's build) on 127.0.0.1: a user from an AuthUserFile whose home is a fresh folder,
/// chrooted there (DefaultRoot ~), mod_site_misc loaded (SITE UTIME).
public final class ProftpdServer: TestServer, @unchecked Sendable {
    public let kind = ServerKind.proftpd
    public let host = "127.0.0.1"
    public var port: UInt16 { daemon.port }
    public let user = "tester"
    public let password = VsftpdServer.runPassword
    public var root: String { directory.path }
    public var logPath: String { state.file("proftpd.log") }
    private let directory: TemporaryDirectory
    private let state: TemporaryDirectory
    private var daemon: UnpackedServer!
    /// The certificate it presents with `tls` (made by the test).
    public private(set) var certificatePath: String?

    /// `maxFiles`: `ListOptions "" maxfiles N`, which cuts LIST and NLST (not MLSD) without a word.
    /// `tls`: mod_tls with TLS required for logins and data, and the control session resumed on data connections.
    public init(maxFiles: Int? = nil, tls: Bool = false) throws {
        let owner = try UnpackedServer.account()
        directory = try TemporaryDirectory("ferry-proftpd-root")
        state = try TemporaryDirectory("ferry-proftpd-state")
        UnpackedServer.makeRoot(directory, owner: owner)
        let hash = try UnpackedServer.cryptHash(password)
        let passwd = state.file("ftpd.passwd")
        try TestFiles.write(passwd, "\(user):\(hash):\(owner.uid):\(owner.gid)::\(directory.path):/bin/sh\n")
        chmod(passwd, 0o600)
        let passive = UnpackedServer.passiveRange(count: 64)
        var tlsLines: [String] = []
        if tls {
            let made = try TestCertificates.make("proftpd", in: state)
            certificatePath = made.cert
            tlsLines = ["LoadModule mod_tls.c", "TLSEngine on", "TLSRequired on", "TLSProtocol TLSv1.2 TLSv1.3",
                        "TLSRSACertificateFile \(made.cert)", "TLSRSACertificateKeyFile \(made.key)",
                        "TLSLog \(state.file("tls.log"))", "TLSVerifyClient off"]
        }
        daemon = try UnpackedServer.onAFreePort { [state, logPath] port in
            var lines = [
                "ServerType standalone", "ServerName \"ferry test proftpd\"", "DefaultAddress 127.0.0.1",
                "SocketBindTight on", "Port \(port)", "User root", "Group root",
                "PidFile \(state.file("proftpd.pid"))", "ScoreboardFile \(state.file("proftpd.scoreboard"))",
                "DelayTable none", "WtmpLog off", "UseIPv6 off", "UseReverseDNS off", "RequireValidShell off",
                "AuthOrder mod_auth_file.c", "AuthUserFile \(passwd)", "DefaultRoot ~",
                "PassivePorts \(passive.lowerBound) \(passive.upperBound)", "MaxInstances 64",
                "TransferLog \(state.file("xfer.log"))", "SystemLog \(logPath)",
                "ModulePath \(UnpackedServer.root)/usr/lib/proftpd", "LoadModule mod_site_misc.c",
                "<Directory />", "  AllowOverwrite on", "  AllowStoreRestart on", "</Directory>",
            ]
            if let maxFiles { lines.append("ListOptions \"\" maxfiles \(maxFiles)") }
            let configuration = state.file("proftpd.conf")
            try TestFiles.write(configuration, (lines + tlsLines).joined(separator: "\n") + "\n")
            return try UnpackedServer("usr/sbin/proftpd", ["-n", "-q", "-c", configuration],
                                      port: port, log: state.file("stderr.log"), name: "proftpd")
        }
    }

    public func stop() { daemon?.stop() }

    deinit { stop() }
}
