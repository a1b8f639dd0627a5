import Foundation

/// vsftpd, standalone on 127.0.0.1 with its strict defaults, a local system user with write access
/// and a PAM service of the tests' own. Needs root (to create the user), as `make test` runs.
///
/// The user `ferrytest` has no login shell and a password made afresh by each test process; `make test`
/// removes it and the PAM file afterwards (scripts/test-cleanup.sh). vsftpd binds port 0 and the port it got
/// is read from /proc, so no other test can take it between a choice and the bind.
public final class VsftpdServer: TestServer, @unchecked Sendable {
    public let kind = ServerKind.vsftpd
    public let host = "127.0.0.1"
    public let port: UInt16
    public let user = VsftpdServer.account
    public let password = VsftpdServer.runPassword
    public var root: String { directory.path }
    /// vsftpd's log: with `xferlog_enable=YES` one `OK DOWNLOAD:` / `OK UPLOAD:` line per finished transfer.
    public var logPath: String { state.file("vsftpd.log") }
    private let directory: TemporaryDirectory
    private let state: TemporaryDirectory
    private let process: Process

    static let account = "ferrytest"
    static let pamService = "ferry-vsftpd-test"
    static let noLoginShell = "/usr/sbin/nologin"
    /// 128 random bits as hex, once per test process: never a constant in the sources.
    static let runPassword: String = {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", generator.next() as UInt8) }.joined()
    }()
    private static let setupLock = NSLock()

    /// FTPS set-ups: none, explicit (AUTH TLS required for logins and data, session reuse required), implicit.
    public enum Security: Sendable { case plain, explicit, implicit }

    /// The certificate the server presents (made by the test with openssl), when it speaks TLS.
    public private(set) var certificatePath: String?

    public init(extraConfiguration: [String] = [], security: Security = .plain, certificateNames: String = "DNS:localhost,IP:127.0.0.1") throws {
        guard geteuid() == 0 else {
            throw TestSupportError("the vsftpd tests create a local user and need root: run 'make test' as root or with sudo")
        }
        let binary = "/usr/sbin/vsftpd"
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw TestSupportError("vsftpd is not installed ('make test' installs it with apt-get)")
        }
        try VsftpdServer.ensureUser(user, password: password)
        directory = try TemporaryDirectory("ferry-vsftpd-root")
        state = try TemporaryDirectory("ferry-vsftpd-state")
        let empty = state.file("empty")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        _ = try ProcessRunner.run("/bin/chown", ["\(user):\(user)", directory.path])
        chmod(directory.path, 0o755)

        var tlsLines: [String] = []
        if security != .plain {
            let cert = state.file("cert.pem"), key = state.file("key.pem")
            let made = try ProcessRunner.run("/usr/bin/openssl", [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=\(certificateNames)", "-keyout", key, "-out", cert,
            ])
            guard made.status == 0 else { throw TestSupportError("openssl could not make a certificate: \(made.stderr)") }
            certificatePath = cert
            tlsLines = ["ssl_enable=YES", "rsa_cert_file=\(cert)", "rsa_private_key_file=\(key)", "require_ssl_reuse=YES",
                        "force_local_logins_ssl=YES", "force_local_data_ssl=YES", "ssl_ciphers=HIGH",
                        "ssl_tlsv1=NO", "ssl_sslv2=NO", "ssl_sslv3=NO"]
            if security == .implicit { tlsLines.append("implicit_ssl=YES") }
        }
        let configuration = tlsLines + [
            "listen=YES", "listen_ipv6=NO", "listen_address=127.0.0.1", "listen_port=0", "background=NO",
            "anonymous_enable=NO", "local_enable=YES", "write_enable=YES", "local_umask=022",
            // The user's shell is nologin: no /etc/shells check (PAM builds such as Debian's skip it anyway).
            "check_shell=NO",
            "pam_service_name=\(VsftpdServer.pamService)", "secure_chroot_dir=\(empty)",
            "seccomp_sandbox=NO", "isolate=NO", "isolate_network=NO", "local_root=\(directory.path)",
            "userlist_enable=NO", "xferlog_enable=YES", "vsftpd_log_file=\(state.file("vsftpd.log"))",
            "connect_from_port_20=NO", "use_localtime=NO", "pasv_enable=YES", "port_enable=YES",
            "max_per_ip=0", "max_clients=0", "idle_session_timeout=120", "data_connection_timeout=60",
        ] + extraConfiguration
        let configPath = state.file("vsftpd.conf")
        try TestFiles.write(configPath, configuration.joined(separator: "\n") + "\n")
        chmod(configPath, 0o600)

        let server = Process()
        server.executableURL = URL(fileURLWithPath: binary)
        server.arguments = [configPath]
        server.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        server.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        server.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try server.run()
        process = server
        // listen_port=0: the kernel chooses the port, /proc tells which.
        guard let bound = ListeningSockets.waitForPort(of: server, timeout: 15) else {
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
            throw TestSupportError("vsftpd did not start listening on 127.0.0.1; see \(state.file("vsftpd.log"))")
        }
        port = bound
        let ready = security == .implicit ? FreePort.waitForListener(port: bound, timeout: 15)
            : FreePort.waitForGreeting(port: bound, timeout: 15)
        guard ready else {
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
            throw TestSupportError("vsftpd did not greet on 127.0.0.1:\(bound); see \(state.file("vsftpd.log"))")
        }
    }

    public func stop() {
        // Children of a test thread inherit its blocked signals, so SIGTERM would wait forever: SIGKILL.
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }

    /// Creates the test user (no login shell) and PAM service when missing, gives an existing user no login shell,
    /// and sets this process's password. Idempotent; the password is set on every start, so that another test
    /// run on the same machine that set its own in between does not lock this one out.
    static func ensureUser(_ user: String, password: String) throws {
        setupLock.lock()
        defer { setupLock.unlock() }
        let entry = try ProcessRunner.run("/usr/bin/getent", ["passwd", user])
        if entry.status != 0 {
            let made = try ProcessRunner.run("/usr/sbin/useradd", ["-M", "-d", "/tmp", "-s", noLoginShell, user])
            guard made.status == 0 || made.stderr.contains("already exists") else {
                throw TestSupportError("cannot create user \(user): \(made.stderr)")
            }
        } else if entry.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ":",
                  omittingEmptySubsequences: false).last.map(String.init) != noLoginShell {
            let changed = try ProcessRunner.run("/usr/sbin/usermod", ["-s", noLoginShell, user])
            guard changed.status == 0 else { throw TestSupportError("cannot take the login shell of \(user): \(changed.stderr)") }
        }
        let set = try ProcessRunner.run("/usr/sbin/chpasswd", [], stdin: "\(user):\(password)\n")
        guard set.status == 0 else { throw TestSupportError("cannot set the password of \(user): \(set.stderr)") }
        let pam = "auth required pam_unix.so\naccount required pam_unix.so\nsession required pam_permit.so\n"
        let pamPath = "/etc/pam.d/\(pamService)"
        if (try? String(contentsOfFile: pamPath, encoding: .utf8)) != pam {
            try TestFiles.write(pamPath, pam)
        }
    }
}
