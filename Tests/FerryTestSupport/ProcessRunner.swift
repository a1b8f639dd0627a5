import Foundation

/// Runs a program to completion with a timeout, feeding it standard input and collecting its output.
public enum ProcessRunner {
    public struct Result: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String
        public var output: String { stdout + stderr }
    }

    /// With `expectTimeout`, a program still running at `timeout` is killed (SIGKILL) and its output returned with
    /// status -9, as a test that interrupts it on purpose wants; otherwise that is an error.
    public static func run(_ executable: String, _ arguments: [String], stdin: String = "", timeout: Double = 60,
                           environment: [String: String]? = nil, directory: String? = nil,
                           expectTimeout: Bool = false) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let collected = Collected()
        let group = DispatchGroup()
        for (pipe, isError) in [(output, false), (errors, true)] {
            group.enter()
            DispatchQueue.global().async {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                collected.set(data, isError: isError)
                group.leave()
            }
        }
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try? input.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            _ = group.wait(timeout: .now() + 5)
            if expectTimeout { return Result(status: -9, stdout: collected.text(false), stderr: collected.text(true)) }
            throw TestSupportError("\(executable) \(arguments.joined(separator: " ")) did not finish within \(timeout) s; output so far: \(collected.text(false)) \(collected.text(true))")
        }
        process.waitUntilExit()
        _ = group.wait(timeout: .now() + 10)
        return Result(status: process.terminationStatus, stdout: collected.text(false), stderr: collected.text(true))
    }

    private final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private var out = Data(), err = Data()
        func set(_ data: Data, isError: Bool) {
            lock.lock(); defer { lock.unlock() }
            if isError { err = data } else { out = data }
        }
        func text(_ isError: Bool) -> String {
            lock.lock(); defer { lock.unlock() }
            return String(decoding: isError ? err : out, as: UTF8.self)
        }
    }
}

/// Runs the built `ferry` binary.
public enum Ferry {
    /// `wrapper`: a command the binary runs under (`ip netns exec NAME`).
    public static func run(_ arguments: [String], script: String = "", timeout: Double = 60,
                           directory: String? = nil, environment extra: [String: String] = [:],
                           expectTimeout: Bool = false, wrapper: [String] = []) throws -> ProcessRunner.Result {
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = directory ?? NSTemporaryDirectory()
        environment.removeValue(forKey: "NETRC")
        environment.removeValue(forKey: "PAGER")
        environment.merge(extra) { _, new in new }
        let command = wrapper + [TestPaths.ferryBinary] + arguments
        return try ProcessRunner.run(command[0], Array(command.dropFirst()), stdin: script, timeout: timeout,
                                     environment: environment, directory: directory, expectTimeout: expectTimeout)
    }

    /// Runs the binary on a pseudo-terminal through Tests/Fixtures/pty_session.py: `steps` are its "expect TEXT",
    /// "send TEXT", "interrupt" and "sleep S" lines, each expectation waiting up to `expectTimeout` seconds.
    /// A script on standard input after `user NAME PASSWORD`, with `ferry FLAGS -n HOST PORT`: the batch session
    /// most end-to-end tests run.
    public static func session(_ server: TestServer, _ script: String, flags: [String] = [], directory: String,
                               timeout: Double = 120) throws -> ProcessRunner.Result {
        try run(flags + ["-n", server.host, String(server.port)],
                script: "user \(server.user) \(server.password)\n" + script, timeout: timeout, directory: directory)
    }

    /// `standardOutput`: a file (relative to `directory`) that ferry's standard output goes to instead of the terminal.
    public static func pty(_ arguments: [String], _ steps: [String], directory: String, expectTimeout: Int = 15,
                           environment extra: [String: String] = [:], standardOutput: String? = nil,
                           wrapper: [String] = []) throws -> ProcessRunner.Result {
        let helper = TestPaths.fixtures.appendingPathComponent("pty_session.py").path
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = directory
        // Saved history goes to a folder of its own (a test that checks it across runs passes XDG_STATE_HOME).
        let state = try TemporaryDirectory("ferry-state")
        environment["XDG_STATE_HOME"] = state.path
        environment.removeValue(forKey: "PAGER")
        environment.removeValue(forKey: "NETRC")
        environment.merge(extra) { _, new in new }
        let program = wrapper + (standardOutput.map { ["/bin/sh", "-c", "exec \"$0\" \"$@\" > '\($0)'", TestPaths.ferryBinary] }
            ?? [TestPaths.ferryBinary])
        let result = try ProcessRunner.run("/usr/bin/env", ["python3", helper, String(expectTimeout)] + program + arguments,
                                           stdin: steps.joined(separator: "\n") + "\n", timeout: 90, environment: environment,
                                           directory: directory)
        withExtendedLifetime(state) {}
        return result
    }
}
