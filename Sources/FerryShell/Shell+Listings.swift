import FerryClient
import FerryCore
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// ls, dir, nlist, mlsd, mls, mdir and the pager forms (pdir, pls, pmlsd, page, lpage).
extension Shell {
    /// ls / dir (LIST), nlist (NLST), mlsd (MLSD): `[remote-path [local-file]]`; `-` is standard output,
    /// `|command` a pipe.
    func listing(_ args: [String], verb: Verb, command: String) -> CommandOutcome {
        // --json anywhere among the words (never a local file named --json).
        if args.contains("--json") { return jsonListing(args.filter { $0 != "--json" }, command: command) }
        guard args.count <= 2 else { return .usage }
        let path = args.first.flatMap { $0 == "." ? nil : $0 }
        return list([path], verb: verb, into: args.count == 2 ? args[1] : "-", command: command)
    }

    /// ls --json [remote-path [local-file]]: the parsed listing, one JSON object per entry, written as it arrives
    /// to standard output, the local file, or `|command`.
    func jsonListing(_ args: [String], command: String) -> CommandOutcome {
        guard args.count <= 2 else { return .usage }
        let path = args.first.flatMap { $0 == "." ? nil : $0 }
        func body(_ fd: Int32) throws(FTPError) -> TransferResult {
            let out = LineWriter(fd)
            // The entries a listing cut short did name still go out before its error.
            defer { out.flush() }
            try client.eachEntry(in: path) { (entry) throws(FTPError) in
                out.line(JSONLines.render(entry))
                try Shell.stopIfFailed(out)
            }
            out.flush()
            try Shell.stopIfFailed(out)
            return TransferResult(bytes: out.written, seconds: 0, reply: Reply(code: ReplyCode(226), lines: ["226"]))
        }
        return writeListing(into: args.count == 2 ? args[1] : "-", command: command, body)
    }

    /// Where a listing goes: standard output (`-`), `|command`, or a local file (asked before replacing one at a
    /// terminal).
    private func writeListing(into target: String, command: String,
                              _ body: (Int32) throws(FTPError) -> TransferResult) -> CommandOutcome {
        do throws(FTPError) {
            switch Destination.typed(target) {
            case .command(let line): _ = try toCommand(line, body)
            case .standardOutput: _ = try body(1)   // the listing is the data
            case .file(let name), .derivedFile(let name):
                guard mayReplaceLocalFile(name) else { return .failure("\(command): kept the local file '\(Console.sanitize(name))'") }
                let fd = WireText.withCString(name) { Glibc.open($0, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666) }
                guard fd >= 0 else {
                    return .failure("\(command): cannot create '\(Console.sanitize(name))': \(String(cString: strerror(errno)))")
                }
                defer { Glibc.close(fd) }
                _ = try body(fd)
            }
        } catch { return failure(command, error) }
        return .success
    }

    /// A reader that went away (a pager quit, `head`) stops the listing rather than letting it run on unread.
    static func stopIfFailed(_ out: LineWriter) throws(FTPError) {
        if let failure = out.failure {
            throw FTPError(.localFile, "cannot write the listing: \(FTPError.systemMessage(failure))")
        }
    }

    /// mls / mdir remote-files … local-file: several listings into one local file (`-` for standard output).
    func multipleListing(_ args: [String], verb: Verb, command: String) -> CommandOutcome {
        guard args.count >= 2 else { return .usage }
        return list(args.dropLast().map { Optional($0) }, verb: verb, into: args[args.count - 1], command: command)
    }

    /// pdir / pls / pmlsd [remote-path]: the listing through $PAGER.
    func pagedListing(_ args: [String], verb: Verb, command: String) -> CommandOutcome {
        guard args.count <= 1 else { return .usage }
        return list([args.first], verb: verb, into: "|" + settings.pager, command: command)
    }

    /// page / more / less remote-file: the file through $PAGER.
    /// On a terminal the file's control characters are made visible first (at most 64 MiB), as in listings:
    /// a remote file must not drive the terminal through the pager.
    func page(_ args: [String]) -> CommandOutcome {
        guard args.count == 1 else { return .usage }
        guard console.outputIsTerminal else { return fetch(args[0], to: .command(settings.pager), mode: .normal, command: "page") }
        do throws(FTPError) {
            let bytes = try client.listing(.retr, args[0])
            _ = try toCommand(settings.pager) { fd throws(FTPError) -> TransferResult in
                try Shell.write(fd, bytes, sanitized: true)
                return TransferResult(bytes: Int64(bytes.count), seconds: 0, reply: Reply(code: ReplyCode(226), lines: ["226"]))
            }
        } catch { return failure("page", error) }
        return .success
    }

    /// lpage local-file: a local file through $PAGER.
    func lpage(_ args: [String]) -> CommandOutcome {
        guard args.count == 1 else { return .usage }
        switch Subprocess.shell("\(settings.pager) \(Shell.shellQuoted(args[0]))") {
        case .failure(let error): return .failure("lpage: \(error.message)")
        case .success(0): return .success
        case .success(let status): return .failure("lpage: the pager exited with status \(status)")
        }
    }

    private func list(_ paths: [String?], verb: Verb, into target: String, command: String) -> CommandOutcome {
        // Line by line as the listing arrives: memory stays that of one line, whatever the folder holds.
        func body(_ fd: Int32) throws(FTPError) -> TransferResult {
            // On a terminal, directly or through a pager, names cannot carry escape sequences to it.
            let sanitized = console.outputIsTerminal && (fd == 1 || target.hasPrefix("|"))
            let out = LineWriter(fd)
            // The lines of a listing cut short still go out before its error.
            defer { out.flush() }
            for path in paths {
                try client.eachListingLine(verb, path) { (line) throws(FTPError) in
                    // pure-ftpd's bare NLST names the folder and its parent too: they are not entries of it.
                    if verb == .nlst, line.elementsEqual(".".utf8) || line.elementsEqual("..".utf8) { return }
                    if sanitized { out.line(Console.sanitize(String(decoding: line, as: UTF8.self))) } else { out.line(line) }
                    try Shell.stopIfFailed(out)
                }
            }
            out.flush()
            try Shell.stopIfFailed(out)
            return TransferResult(bytes: out.written, seconds: 0, reply: Reply(code: ReplyCode(226), lines: ["226"]))
        }
        return writeListing(into: target, command: command, body)
    }

    /// Writes listing bytes; on a terminal, control characters in names are made visible first.
    static func write(_ fd: Int32, _ bytes: [UInt8], sanitized: Bool) throws(FTPError) {
        let output = sanitized
            ? Array(String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
                .map { Console.sanitize(String($0)) }.joined(separator: "\n").utf8)
            : bytes
        guard Console.write(fd, bytes: output) else {
            throw FTPError(.localFile, "cannot write the listing: \(String(cString: strerror(errno)))")
        }
    }

    /// 'text' with single quotes escaped, for /bin/sh.
    static func shellQuoted(_ text: String) -> String {
        "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }
}
