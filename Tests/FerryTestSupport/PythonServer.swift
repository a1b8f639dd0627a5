import Foundation

/// A Python test server from Tests/Fixtures/servers that prints "PORT <n>" once it listens on 127.0.0.1 and exits
/// when its standard input closes (the test released it).
public final class PythonServer: @unchecked Sendable {
    public let port: UInt16
    private let process: Process
    private let stdin = Pipe()

    public init(script: String, arguments: [String]) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", TestPaths.fixtures.appendingPathComponent("servers/\(script)").path] + arguments
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        // The first line, read on another thread so a server that never speaks cannot hold the test.
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
        guard let text = first.wait(timeout: 20), text.hasPrefix("PORT "), let port = UInt16(text.dropFirst(5)) else {
            kill(process.processIdentifier, SIGKILL)
            throw TestSupportError("\(script) did not start (is pyftpdlib installed? 'make test' installs it with pip)")
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

/// Self-signed certificates for 127.0.0.1, made with openssl for one test.
public enum TestCertificates {
    /// (certificate, key) paths in `directory`, named after `name`.
    /// `names`: the subjectAltName entries.
    public static func make(_ name: String, in directory: TemporaryDirectory,
                            names: String = "DNS:localhost,IP:127.0.0.1") throws -> (cert: String, key: String) {
        let cert = directory.file("\(name).pem"), key = directory.file("\(name).key")
        let made = try ProcessRunner.run("/usr/bin/openssl", [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=\(name)",
            "-addext", "subjectAltName=\(names)", "-keyout", key, "-out", cert,
        ])
        guard made.status == 0 else { throw TestSupportError("openssl could not make a certificate: \(made.stderr)") }
        return (cert, key)
    }
}
