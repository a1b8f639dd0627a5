import FerryClient
import FerryCore

/// Commands that are one request and one reply: delete, rename, mkdir, size, site, quote …
extension Shell {
    /// Sends one command and reports a negative reply as the failure of `command`.
    func simple(_ command: String, _ wire: Command, showReply: Bool = false) -> CommandOutcome {
        do throws(FTPError) {
            let reply = try client.execute(wire)
            guard !reply.code.isNegative else { return .failure("\(command): \(reply.summary)") }
            if showReply, !settings.verbose { for line in reply.lines { console.line(Console.sanitize(line)) } }
            return .success
        } catch { return failure(command, error) }
    }

    /// Runs one client verb; its error becomes the failure of `command`.
    func verb(_ command: String, _ body: () throws(FTPError) -> Void) -> CommandOutcome {
        do throws(FTPError) { try body() } catch { return failure(command, error) }
        return .success
    }

    func delete(_ args: [String]) -> CommandOutcome {
        guard args.count == 1 else { return .usage }
        return verb("delete") { () throws(FTPError) in try client.delete(args[0]) }
    }

    func rename(_ args: [String]) -> CommandOutcome {
        guard args.count == 2 else { return .usage }
        do throws(FTPError) { try client.rename(args[0], to: args[1]) } catch { return failure("rename", error) }
        return .success
    }

    func mkdir(_ args: [String]) -> CommandOutcome {
        guard args.count == 1 else { return .usage }
        return verb("mkdir") { () throws(FTPError) in try client.makeDirectory(args[0]) }
    }

    func rmdir(_ args: [String]) -> CommandOutcome {
        guard args.count == 1 else { return .usage }
        return verb("rmdir") { () throws(FTPError) in try client.removeDirectory(args[0]) }
    }

    func size(_ args: [String]) -> CommandOutcome {
        guard args.count == 1 else { return .usage }
        do throws(FTPError) {
            try client.setType(settings.transferType)
            let bytes = try client.size(args[0])
            console.line("\(Console.sanitize(args[0]))\t\(bytes)")
        } catch { return failure("size", error) }
        return .success
    }

    func modtime(_ args: [String]) -> CommandOutcome {
        guard args.count == 1 else { return .usage }
        do throws(FTPError) {
            let text = try client.modificationTime(args[0])
            guard let seconds = Timestamp.parse(text) else { return .failure("modtime: the server sent an unreadable time: \(text)") }
            console.line("\(Console.sanitize(args[0]))\t\(Timestamp.readable(seconds, separator: " ")) UTC")
        } catch { return failure("modtime", error) }
        return .success
    }

    func chmod(_ args: [String]) -> CommandOutcome {
        guard args.count == 2 else { return .usage }
        return simple("chmod", Command(.site, "CHMOD \(args[0]) \(args[1])"))
    }

    func umask(_ args: [String]) -> CommandOutcome {
        guard args.count <= 1 else { return .usage }
        return simple("umask", Command(.site, args.isEmpty ? "UMASK" : "UMASK \(args[0])"), showReply: args.isEmpty)
    }

    func idle(_ args: [String]) -> CommandOutcome {
        guard args.count <= 1 else { return .usage }
        return simple("idle", Command(.site, args.isEmpty ? "IDLE" : "IDLE \(args[0])"), showReply: true)
    }

    func site(_ args: [String]) -> CommandOutcome {
        guard !args.isEmpty else { return .usage }
        return simple("site", Command(.site, args.joined(separator: " ")), showReply: true)
    }

    /// quote / literal: the words as one raw command line; every reply line is shown.
    func quote(_ args: [String]) -> CommandOutcome {
        guard !args.isEmpty else { return .usage }
        do throws(FTPError) {
            let reply = try client.raw(args.joined(separator: " "))
            // The reply is said once: verbose has shown it already; otherwise a refusal goes to standard error.
            if reply.code.isNegative { return .failure(settings.verbose ? "" : "quote: \(reply.summary)") }
            if !settings.verbose { for line in reply.lines { console.line(Console.sanitize(line)) } }
            return .success
        } catch { return failure("quote", error) }
    }

    func rstatus(_ args: [String]) -> CommandOutcome {
        simple("rstatus", Command(.stat, args.isEmpty ? nil : args.joined(separator: " ")), showReply: true)
    }

    func rhelp(_ args: [String]) -> CommandOutcome {
        simple("rhelp", Command(.help, args.isEmpty ? nil : args.joined(separator: " ")), showReply: true)
    }

    func system(_ args: [String]) -> CommandOutcome {
        guard args.isEmpty else { return .usage }
        return simple("system", Command(.syst), showReply: true)
    }

    func features(_ args: [String]) -> CommandOutcome {
        guard args.isEmpty else { return .usage }
        return simple("features", Command(.feat), showReply: true)
    }

    func mlst(_ args: [String]) -> CommandOutcome {
        guard args.count <= 1 else { return .usage }
        return simple("mlst", Command(.mlst, args.first), showReply: true)
    }

    /// remopts command [options]: OPTS (RFC 2389).
    func remopts(_ args: [String]) -> CommandOutcome {
        guard !args.isEmpty else { return .usage }
        return simple("remopts", Command(.opts, args.joined(separator: " ")), showReply: true)
    }

    func account(_ args: [String]) -> CommandOutcome {
        guard args.count <= 1 else { return .usage }
        guard let secret = args.first ?? askSecret("Account: ") else { return .failure("account: give the account on the command line") }
        return simple("account", Command(.acct, secret))
    }

    /// reset: reads replies the session lost track of.
    func reset(_ args: [String]) -> CommandOutcome {
        guard args.isEmpty else { return .usage }
        do throws(FTPError) { _ = try client.drainReplies() } catch { return failure("reset", error) }
        return .success
    }
}
