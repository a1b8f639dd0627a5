import FerryClient
import FerryCore
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Transfer type, data-channel mode, verbosity, help and the shell escape.
extension Shell {
    func setType(_ type: TransferType) -> CommandOutcome {
        settings.transferType = type
        if client.isConnected {
            do throws(FTPError) { try client.setType(type) } catch { return failure("type", error) }
        }
        // A script is not told (tnftp is silent without verbose); a person at a terminal with verbose off is.
        if !settings.verbose, interactive { console.chatter("Transfer type is now \(type.name).") }
        return .success
    }

    func type(_ args: [String]) -> CommandOutcome {
        guard args.count <= 1 else { return .usage }
        guard let word = args.first else {
            console.chatter("Using \(settings.transferType.name) mode to transfer files.")
            return .success
        }
        switch word.lowercased() {
        case "ascii", "a": return setType(.ascii)
        case "binary", "image", "i", "tenex", "l": return setType(.image)
        default: return .failure("type: unknown type '\(word)'; use ascii or binary")
        }
    }

    /// passive [on|off|auto]: no argument toggles; `auto` is passive with fallback to active.
    func passive(_ args: [String]) -> CommandOutcome {
        guard args.count <= 1 else { return .usage }
        var config = configuration
        switch args.first?.lowercased() {
        case nil: config.dataMode = config.dataMode == .passive ? .active : .passive
        case "on": config.dataMode = .passive; config.fallback = false
        case "off": config.dataMode = .active; config.fallback = false
        case "auto": config.dataMode = .passive; config.fallback = true
        default: return .usage
        }
        configuration = config
        console.chatter("Passive mode: \(config.dataMode == .passive ? "on" : "off"); fallback to \(config.dataMode == .passive ? "active" : "passive") mode: \(config.fallback ? "on" : "off").")
        return .success
    }

    /// epsv, epsv4, epsv6 [on|off]: EPSV/EPRT for both families, IPv4 only, IPv6 only.
    func extended(_ args: [String], v4: Bool, v6: Bool, label: String) -> CommandOutcome {
        guard args.count <= 1 else { return .usage }
        let current = v4 ? configuration.extendedOnIPv4 : configuration.extendedOnIPv6
        guard let value = Shell.toggle(current, args.first) else { return .usage }
        if v4 { configuration.extendedOnIPv4 = value }
        if v6 { configuration.extendedOnIPv6 = value }
        console.chatter("EPSV/EPRT on \(label): \(value ? "on" : "off").")
        return .success
    }

    /// A boolean setting: `on`/`off`, or no argument to toggle; says the new state.
    func toggle(_ args: [String], _ key: WritableKeyPath<Settings, Bool>, _ label: String) -> CommandOutcome {
        guard args.count <= 1, let value = Shell.toggle(settings[keyPath: key], args.first) else { return .usage }
        settings[keyPath: key] = value
        console.chatter("\(label): \(value ? "on" : "off").")
        return .success
    }

    func debug(_ args: [String]) -> CommandOutcome {
        guard args.count <= 1 else { return .usage }
        if let word = args.first, let level = Int(word) {
            settings.debug = level > 0
        } else if let value = Shell.toggle(settings.debug, args.first) {
            settings.debug = value
        } else {
            return .usage
        }
        console.chatter("Debugging: \(settings.debug ? "on" : "off").")
        return .success
    }

    func help(_ args: [String]) -> CommandOutcome {
        if args.isEmpty {
            console.line("Commands may be abbreviated.  Commands are:\n")
            let names = table.allNames
            let width = (names.map(\.count).max() ?? 8) + 2
            let columns = max(1, 80 / width)
            let rows = (names.count + columns - 1) / columns
            for row in 0..<rows {
                var line = ""
                for column in 0..<columns {
                    let index = column * rows + row
                    guard index < names.count else { continue }
                    line += names[index].padding(to: width)
                }
                console.line(line.trimmingCharacters(in: " "))
            }
            return .success
        }
        var outcome = CommandOutcome.success
        for word in args {
            switch table.lookup(word) {
            case .found(let spec):
                console.line("\(spec.name.padding(to: 16))\(spec.help)")
                if !spec.arguments.isEmpty { console.line("  usage: \(spec.name) \(spec.arguments)") }
                for option in spec.options { console.line("  \(option.name.padding(to: 20))\(option.help)") }
                if spec.name == "set" {
                    for option in Shell.options { console.line("  \(option.name.padding(to: 20))\(option.help)") }
                }
            case .ambiguous: outcome = .failure("?Ambiguous help command \(word).")
            case .invalid: outcome = .failure("?Invalid help command \(word).")
            }
        }
        return outcome
    }

    /// ! [command]: runs the command with /bin/sh, or an interactive shell without one.
    func shellEscape(_ args: [String]) -> CommandOutcome {
        let shell = getenv("SHELL").map { String(cString: $0) } ?? "/bin/sh"
        switch Subprocess.spawn(args.isEmpty ? [shell] : ["/bin/sh", "-c", args[0]]).map(Subprocess.wait) {
        case .failure(let error): return .failure("!: \(error.message)")
        case .success(0): return .success
        case .success(let status): return .failure("!: the command exited with status \(status)")
        }
    }

    /// `on`/`off` sets; no argument toggles; anything else is nil.
    static func toggle(_ current: Bool, _ word: String?) -> Bool? {
        switch word?.lowercased() {
        case nil: return !current
        case "on", "yes", "true", "1": return true
        case "off", "no", "false", "0": return false
        default: return nil
        }
    }
}

extension String {
    func padding(to width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
