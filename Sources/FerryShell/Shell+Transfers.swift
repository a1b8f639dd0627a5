import FerryClient
import FerryCore
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// get and put.
extension Shell {
    /// get remote-file [local-file]; the local name defaults to the remote file's last path component;
    /// `-` writes to standard output.
    func get(_ args: [String]) -> CommandOutcome {
        guard (1...2).contains(args.count), !args[0].isEmpty else { return .usage }
        let remote = args[0]
        let local = args.count == 2 ? args[1] : Shell.lastComponent(remote)
        guard !local.isEmpty else { return .failure("get: '\(remote)' names no file; give a local name") }
        let type = settings.transferType
        if settings.verbose, local != "-" { console.line("local: \(local) remote: \(Console.sanitize(remote))") }
        var expected: Int64?
        if showsProgress, local != "-" {
            try? client.setType(type)   // some servers answer SIZE only in TYPE I
            expected = try? client.size(remote)
        }
        return transfer("get", name: remote, received: true) { () throws(FTPError) -> TransferResult in
            if local == "-" { return try client.retrieve(remote, to: 1, type: type) }
            return try client.retrieve(remote, toPath: local, type: type, expectedSize: expected)
        }
    }

    /// put local-file [remote-file]; the remote name defaults to the local file's last path component.
    func put(_ args: [String]) -> CommandOutcome {
        guard (1...2).contains(args.count), !args[0].isEmpty else { return .usage }
        let local = args[0]
        let remote = args.count == 2 ? args[1] : Shell.lastComponent(local)
        let type = settings.transferType
        if settings.verbose { console.line("local: \(local) remote: \(Console.sanitize(remote))") }
        return transfer("put", name: local, received: false) { () throws(FTPError) -> TransferResult in
            try client.store(remote, fromPath: local, type: type)
        }
    }

    private var showsProgress: Bool { settings.progress && console.errorIsTerminal }

    private func transfer(_ command: String, name: String, received: Bool,
                          _ body: () throws(FTPError) -> TransferResult) -> CommandOutcome {
        if showsProgress { progressLine = ProgressLine(console: console, name: Shell.lastComponent(name)) }
        defer {
            progressLine?.finish()
            progressLine = nil
        }
        let result: TransferResult
        do throws(FTPError) { result = try body() } catch { return failure(command, error) }
        if settings.verbose {
            progressLine?.finish()
            progressLine = nil
            let rate = ByteFormat.short(Int64(result.bytesPerSecond))
            let seconds = (result.seconds * 1000).rounded() / 1000
            console.line("\(result.bytes) bytes \(received ? "received" : "sent") in \(seconds) s (\(rate)/s)")
        }
        return .success
    }

    static func lastComponent(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        return String(trimmed.split(separator: "/").last ?? trimmed)
    }
}
