import Foundation

/// pyftpdlib started from Tests/Fixtures/servers/pyftpd.py on 127.0.0.1, a fresh root folder, port chosen by the server.
public final class PyFTPServer: TestServer, @unchecked Sendable {
    public let kind = ServerKind.pyftpdlib
    public let host: String
    public let port: UInt16
    public let user = "tester"
    public let password = "secret"
    public var root: String { directory.path }
    private let directory: TemporaryDirectory
    private let process: Process
    private let stdin: Pipe

    public init(options: ServerOptions = ServerOptions()) throws {
        directory = try TemporaryDirectory("ferry-pyftpd")
        host = options.host
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        var arguments = ["python3", TestPaths.fixtures.appendingPathComponent("servers/pyftpd.py").path,
                         "--root", directory.path, "--user", user, "--password", password, "--watch-stdin",
                         "--host", options.host]
        for verb in options.refuse { arguments += ["--refuse", verb] }
        if let masquerade = options.masquerade { arguments += ["--masquerade", masquerade] }
        if let cut = options.cutRetrieveAfter { arguments += ["--cut-retr", String(cut)] }
        if let cut = options.cutStoreAfter { arguments += ["--cut-stor", String(cut)] }
        if options.hash { arguments.append("--hash") }
        if options.epsvBlackHole { arguments.append("--epsv-black-hole") }
        if let bytes = options.dropControlAfterRetrieve { arguments += ["--drop-control-after-retr", String(bytes)] }
        if let verb = options.reply421On { arguments += ["--reply-421-on", verb] }
        if let bytes = options.stallRetrieveAfter { arguments += ["--stall-retr", String(bytes)] }
        if options.corruptRetrieve { arguments.append("--corrupt-retr") }
        if let reply = options.mdtmReply { arguments += ["--mdtm-reply", reply] }
        if let reply = options.sizeReply { arguments += ["--size-reply", reply] }
        if let verb = options.endlessPreliminaryOn { arguments += ["--endless-preliminary", verb] }
        if let late = options.lateReply { arguments += ["--late-reply", "\(late.verb):\(late.seconds)"] }
        if options.silentGreeting { arguments.append("--silent-greeting") }
        if options.rateLimit > 0 { arguments += ["--rate-limit", String(options.rateLimit)] }
        for line in options.extraListLines { arguments += ["--extra-list-line", line] }
        for line in options.extraMLSDLines { arguments += ["--extra-mlsd-line", line] }
        process.arguments = arguments
        stdin = Pipe()
        let stdout = Pipe()
        let log = FileHandle(forWritingAtPath: "/dev/null")
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = log
        try process.run()

        let first = FirstLine()
        let handle = stdout.fileHandleForReading
        DispatchQueue.global().async {
            var line = Data()
            while true {
                let byte = handle.readData(ofLength: 1)
                if byte.isEmpty || byte == Data("\n".utf8) { break }
                line.append(byte)
            }
            first.set(String(decoding: line, as: UTF8.self))
        }
        guard let line = first.wait(timeout: 20), line.hasPrefix("PORT "), let port = UInt16(line.dropFirst(5)) else {
            kill(process.processIdentifier, SIGKILL)
            throw TestSupportError("pyftpdlib did not start (is it installed? 'make test' installs it with pip)")
        }
        self.port = port
    }

    public func stop() {
        if process.isRunning {
            try? stdin.fileHandleForWriting.close()
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }

    private final class FirstLine: @unchecked Sendable {
        private let semaphore = DispatchSemaphore(value: 0)
        private var value: String?
        func set(_ line: String) { value = line; semaphore.signal() }
        func wait(timeout: Double) -> String? {
            semaphore.wait(timeout: .now() + timeout) == .success ? value : nil
        }
    }
}
