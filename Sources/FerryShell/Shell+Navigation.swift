import FerryClient
import FerryCore
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// cd, cdup, pwd, lcd, lpwd and the listings.
extension Shell {
    func cd(_ args: [String]) -> CommandOutcome {
        guard args.count == 1 else { return .usage }
        do throws(FTPError) { try client.changeDirectory(args[0]) } catch { return failure("cd", error) }
        recordMove(Command(.cwd, args[0]))
        return .success
    }

    func cdup(_ args: [String]) -> CommandOutcome {
        guard args.isEmpty else { return .usage }
        do throws(FTPError) { try client.changeToParent() } catch { return failure("cdup", error) }
        recordMove(Command(.cdup))
        return .success
    }

    func pwd(_ args: [String]) -> CommandOutcome {
        guard args.isEmpty else { return .usage }
        do throws(FTPError) {
            let path = try client.currentDirectory()
            if !settings.verbose { console.line("Remote directory: " + Console.sanitize(path)) }
        } catch { return failure("pwd", error) }
        return .success
    }

    func lcd(_ args: [String]) -> CommandOutcome {
        guard args.count <= 1 else { return .usage }
        // `lcd -` goes back to the folder before the last lcd (lftp); `~` is the home folder (tnftp, lftp).
        if args.first == "-", previousLocalDirectory == nil { return .failure("lcd: no earlier local folder to go back to") }
        let target = args.first == "-" ? previousLocalDirectory!
            : Shell.expandingTilde(args.first ?? (getenv("HOME").map { String(cString: $0) } ?? "/"))
        let here = Shell.localDirectory()
        guard chdir(target) == 0 else {
            return .failure("lcd: cannot change to '\(target)': \(String(cString: strerror(errno)))")
        }
        previousLocalDirectory = here
        console.line("Local directory now: \(Console.sanitize(Shell.localDirectory()))")
        return .success
    }

    func lpwd(_ args: [String]) -> CommandOutcome {
        guard args.isEmpty else { return .usage }
        console.line("Local directory: \(Console.sanitize(Shell.localDirectory()))")
        return .success
    }

    static func localDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return "?" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `~` and `~/x` with $HOME, as tnftp and lftp do.
    static func expandingTilde(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/"), let home = getenv("HOME") else { return path }
        return String(cString: home) + path.dropFirst()
    }
}
