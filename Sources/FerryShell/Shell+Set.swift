import FerryClient
import FerryCore

/// set / unset: named options with typed values.
extension Shell {
    /// A named option: the shell's own (Settings) or the client's (its ClientConfiguration, which lives in the
    /// client alone).
    struct Option: Sendable {
        let name: String
        let help: String
        let get: @Sendable (Settings, ClientConfiguration) -> String
        let set: @Sendable (inout Settings, inout ClientConfiguration, String) -> Bool

        init(name: String, help: String, get: @escaping @Sendable (Settings) -> String,
             set: @escaping @Sendable (inout Settings, String) -> Bool) {
            self.name = name
            self.help = help
            self.get = { settings, _ in get(settings) }
            self.set = { settings, _, value in set(&settings, value) }
        }

        init(client name: String, help: String, get: @escaping @Sendable (ClientConfiguration) -> String,
             set: @escaping @Sendable (inout ClientConfiguration, String) -> Bool) {
            self.name = name
            self.help = help
            self.get = { _, config in get(config) }
            self.set = { _, config, value in set(&config, value) }
        }
    }

    static let options: [Option] = [
        Option(name: "anonpass", help: "password for anonymous logins", get: { $0.anonymousPassword },
               set: { $0.anonymousPassword = $1; return true }),
        Option(name: "pager", help: "program for page, pdir, pls", get: { $0.pager }, set: { $0.pager = $1; return !$1.isEmpty }),
        Option(name: "prompt", help: "the interactive prompt", get: { $0.promptText }, set: { $0.promptText = $1; return true }),
        Option(name: "exit-on-error", help: "stop a script at the first failure (on/off)",
               get: { $0.exitOnError ? "on" : "off" },
               set: { settings, value in Shell.toggle(false, value).map { settings.exitOnError = $0 } != nil }),
        Option(client: "fallback", help: "use the other data-connection mode when the chosen one fails or is refused (on/off)",
               get: { $0.fallbackOnRefusal ? "on" : "off" },
               set: { config, value in
                   guard let on = Shell.toggle(false, value) else { return false }
                   config.fallbackOnRefusal = on
                   config.fallback = on
                   return true
               }),
        Option(client: "trust-pasv", help: "dial the address in PASV replies (on/off)",
               get: { $0.trustPassiveAddress ? "on" : "off" },
               set: { config, value in Shell.toggle(false, value).map { config.trustPassiveAddress = $0 } != nil }),
        Option(client: "tls", help: "TLS for the next open: off, required, try (opportunistic) or implicit",
               get: { $0.tls.mode == .opportunistic ? "try" : $0.tls.mode.rawValue },
               set: { config, value in
                   let modes: [String: TLSConfiguration.Mode] = ["off": .off, "required": .required, "on": .required,
                                                                 "try": .opportunistic, "implicit": .implicit]
                   guard let mode = modes[value.lowercased()] else { return false }
                   config.tls.mode = mode
                   return true
               }),
        Option(name: "temp-file", help: "download into .name.part, rename on success (on/off)",
               get: { $0.temporaryFiles ? "on" : "off" },
               set: { settings, value in Shell.toggle(false, value).map { settings.temporaryFiles = $0 } != nil }),
        Option(name: "temp-upload", help: "put into .name.part on the server, rename on success (on/off)",
               get: { $0.temporaryUploads ? "on" : "off" },
               set: { settings, value in Shell.toggle(false, value).map { settings.temporaryUploads = $0 } != nil }),
        Option(name: "verify", help: "check downloads against the server's checksum when offered (on/off)",
               get: { $0.verify ? "on" : "off" },
               set: { settings, value in Shell.toggle(false, value).map { settings.verify = $0 } != nil }),
        Option(name: "retries", help: "times a cut download is resumed (0 to 10)", get: { "\($0.retries)" },
               set: { settings, value in Int(value).flatMap { (0...10).contains($0) ? $0 : nil }.map { settings.retries = $0 } != nil }),
        Option(name: "parallel", help: "sessions mget and mput use at once (1 to 16)", get: { "\($0.parallel)" },
               set: { settings, value in Int(value).flatMap { (1...16).contains($0) ? $0 : nil }.map { settings.parallel = $0 } != nil }),
        Option(name: "pget-segments", help: "segments for pget, and for get of big files when above 1 (1 to 16)",
               get: { "\($0.pgetSegments)" },
               set: { settings, value in Int(value).flatMap { (1...16).contains($0) ? $0 : nil }.map { settings.pgetSegments = $0 } != nil }),
        Option(name: "pget-threshold", help: "size from which get uses pget-segments (bytes, or with k, m, g)",
               get: { "\($0.pgetThreshold)" },
               set: { settings, value in Shell.byteCount(value).map { settings.pgetThreshold = Int64($0) } != nil }),
        Option(name: "keepalive", help: "seconds idle before a NOOP checks the connection (0: off)",
               get: { $0.noopInterval.map { "\($0)" } ?? "0" },
               set: { settings, value in
                   guard let seconds = Double(value), seconds >= 0, seconds <= 86_400 else { return false }
                   settings.noopInterval = seconds > 0 ? seconds : nil
                   return true
               }),
        Option(client: "active-port-range", help: "local ports for active mode, as low-high (empty: any)",
               get: { $0.activePortRange.map { "\($0.lowerBound)-\($0.upperBound)" } ?? "" },
               set: { config, value in
                   if value.isEmpty { config.activePortRange = nil; return true }
                   let parts = value.split(separator: "-").compactMap { UInt16($0) }
                   guard parts.count == 2, parts[0] > 0, parts[0] <= parts[1] else { return false }
                   config.activePortRange = parts[0]...parts[1]
                   return true
               }),
        Option(client: "active-address", help: "IPv4 address to name in PORT/EPRT, for clients behind NAT (empty: our own)",
               get: { $0.activeAddress ?? "" },
               set: { config, value in
                   if value.isEmpty { config.activeAddress = nil; return true }
                   guard IPv4Endpoint(address: value, port: 1) != nil else { return false }
                   config.activeAddress = value
                   return true
               }),
        Option(client: "connect-timeout", help: "seconds to wait for a connection", get: { "\($0.connectTimeout)" },
               set: { config, value in Shell.seconds(value).map { config.connectTimeout = $0 } != nil }),
        Option(client: "reply-timeout", help: "seconds to wait for each reply", get: { "\($0.replyTimeout)" },
               set: { config, value in Shell.seconds(value).map { config.replyTimeout = $0 } != nil }),
        Option(client: "data-timeout", help: "longest wait in seconds for a data connection (see firewall-wait)",
               get: { "\($0.dataConnectTimeout)" },
               set: { config, value in Shell.seconds(value).map { config.dataConnectTimeout = $0 } != nil }),
        Option(client: "firewall-wait", help: "seconds a silent data port is waited for before the next method (1 to 60; slow paths wait 10 round trips)",
               get: { "\($0.firewallWait)" },
               set: { config, value in
                   guard let seconds = Shell.seconds(value), seconds >= 1, seconds <= 60 else { return false }
                   config.firewallWait = seconds
                   return true
               }),
        Option(client: "stall-timeout", help: "seconds a transfer may move nothing", get: { "\($0.stallTimeout)" },
               set: { config, value in Shell.seconds(value).map { config.stallTimeout = $0 } != nil }),
    ]

    func set(_ args: [String]) -> CommandOutcome {
        if args.isEmpty {
            for option in Shell.options {
                let value = option.get(settings, configuration)
                console.line("\(option.name.padding(to: 20))\((value.isEmpty ? "(none)" : value).padding(to: 12)) \(option.help)")
            }
            return .success
        }
        guard args.count == 2 else { return .usage }
        guard let option = Shell.options.first(where: { $0.name == args[0].lowercased() }) else {
            return .failure("set: unknown option '\(args[0])'; 'set' lists them")
        }
        var (changed, config) = (settings, configuration)
        guard option.set(&changed, &config, args[1]) else {
            // The help says what the option takes (on/off, seconds, a size …).
            return .failure("set: '\(Console.sanitize(args[1]))' is not a value for \(option.name): \(option.help)")
        }
        (settings, configuration) = (changed, config)
        return .success
    }

    func unset(_ args: [String]) -> CommandOutcome {
        guard args.count == 1 else { return .usage }
        guard let option = Shell.options.first(where: { $0.name == args[0].lowercased() }) else {
            return .failure("unset: unknown option '\(args[0])'; 'set' lists them")
        }
        var (changed, config) = (settings, configuration)
        _ = option.set(&changed, &config, option.get(Settings(), ClientConfiguration()))
        (settings, configuration) = (changed, config)
        return .success
    }

    static func seconds(_ text: String) -> Double? {
        Double(text).flatMap { $0 > 0 && $0 <= 86_400 ? $0 : nil }
    }
}
