import FerryClient
import FerryCore

/// hash, cr, rate, buffers, restart, set/unset, status, usage, and the one-value commands (form, mode, struct).
extension Shell {
    func hash(_ args: [String]) -> CommandOutcome {
        guard args.count <= 1 else { return .usage }
        if let word = args.first, let bytes = Shell.byteCount(word) {
            guard bytes > 0 else { return .failure("hash: the size must be more than 0") }
            settings.hashBytes = bytes
        } else if let value = Shell.toggle(settings.hashBytes != nil, args.first) {
            settings.hashBytes = value ? (settings.hashBytes ?? 1024) : nil
        } else {
            return .usage
        }
        console.chatter(settings.hashBytes.map { "Hash mark printing: on (\($0) bytes/hash mark)." } ?? "Hash mark printing: off.")
        return .success
    }

    func carriageReturn(_ args: [String]) -> CommandOutcome {
        guard args.count <= 1, let value = Shell.toggle(configuration.convertLineEnds, args.first) else { return .usage }
        configuration.convertLineEnds = value
        console.chatter("Carriage Return stripping: \(value ? "on" : "off").")
        return .success
    }

    /// rate all|get|put [maximum [increment]]: bytes per second; 0 removes the limit.
    func rate(_ args: [String]) -> CommandOutcome {
        guard (1...3).contains(args.count), ["all", "get", "put"].contains(args[0]) else { return .usage }
        let direction = args[0]
        if args.count >= 2 {
            // "off" as tnftp's 0.
            guard let limit = args[1].lowercased() == "off" ? 0 : Shell.byteCount(args[1]) else {
                return .failure("rate: '\(args[1])' is not a number of bytes (or off)")
            }
            let value = limit > 0 ? limit : nil
            if direction != "put" { configuration.downloadRateLimit = value }
            if direction != "get" { configuration.uploadRateLimit = value }
        }
        func describe(_ value: Int?) -> String { value.map { "\($0) bytes/s" } ?? "off" }
        if direction != "put" { console.chatter("Get transfer rate throttle: \(describe(configuration.downloadRateLimit)).") }
        if direction != "get" { console.chatter("Put transfer rate throttle: \(describe(configuration.uploadRateLimit)).") }
        return .success
    }

    func bufferSize(_ args: [String], _ command: String) -> CommandOutcome {
        guard args.count <= 1 else { return .usage }
        if let word = args.first {
            guard let size = Shell.byteCount(word), size > 0, size <= FerryOptions.maximumSocketBuffer else {
                return .failure("\(command): '\(word)' is not a size from 1 to 1g")
            }
            configuration.socketBufferSize = size
        }
        console.chatter("Socket buffer sizes: \(configuration.socketBufferSize.map { "\($0) bytes" } ?? "system default").")
        return .success
    }

    func restart(_ args: [String]) -> CommandOutcome {
        guard args.count == 1 else { return .usage }
        guard let offset = Int64(args[0]), offset >= 0 else { return .failure("restart: '\(args[0])' is not a byte offset") }
        settings.restartPoint = offset == 0 ? nil : offset
        console.chatter("Restarting at \(offset). Execute get, put or append to initiate transfer.")
        return .success
    }

    func onlyDefault(_ args: [String], name: String, value: String) -> CommandOutcome {
        guard args.count <= 1 else { return .usage }
        if let word = args.first, word.lowercased() != value {
            return .failure("\(name): only \(value) is supported")
        }
        console.chatter("\(name.prefix(1).uppercased() + name.dropFirst()) is \(value).")
        return .success
    }

    func usage(_ args: [String]) -> CommandOutcome {
        guard args.count == 1 else { return .usage }
        switch table.lookup(args[0]) {
        case .found(let spec): console.line(spec.usage); return .success
        case .ambiguous: return .failure("?Ambiguous usage command \(args[0]).")
        case .invalid: return .failure("?Invalid usage command \(args[0]).")
        }
    }

    func status(_ args: [String]) -> CommandOutcome {
        guard args.isEmpty else { return .usage }
        func onOff(_ value: Bool) -> String { value ? "on" : "off" }
        let config = configuration
        if client.isConnected {
            console.line("Connected to \(client.host ?? "?")\(client.isLoggedIn ? "" : " (not logged in)").")
        } else {
            console.line("Not connected.")
        }
        if client.isConnected { console.line("Protection: \(client.protectionSummary).") }
        console.line("Mode: stream; Type: \(settings.transferType.name); Form: non-print; Structure: file.")
        console.line("Passive mode: \(onOff(config.dataMode == .passive)); fallback to \(config.dataMode == .passive ? "active" : "passive") mode: \(onOff(config.fallback)).")
        console.line("EPSV/EPRT on IPv4: \(onOff(config.extendedOnIPv4)); EPSV/EPRT on IPv6: \(onOff(config.extendedOnIPv6)).")
        console.line("Verbose: \(onOff(settings.verbose)); Bell: \(onOff(settings.bell)); Prompting: \(onOff(settings.prompt && interactive)); Globbing: \(onOff(settings.glob)).")
        console.line("Store unique: \(onOff(settings.storeUnique)); Receive unique: \(onOff(settings.receiveUnique)); Case: \(onOff(settings.caseMapping)); CR stripping: \(onOff(config.convertLineEnds)).")
        console.line("Preserve modification times: \(onOff(settings.preserve)); Progress: \(onOff(settings.progress)); Debugging: \(onOff(settings.debug)).")
        console.line("Hash mark printing: \(settings.hashBytes.map { "on (\($0) bytes)" } ?? "off"); Exit on error: \(onOff(settings.exitOnError)).")
        console.line("Timeouts: connect \(config.connectTimeout) s, reply \(config.replyTimeout) s, data connection \(config.dataConnectTimeout) s, stall \(config.stallTimeout) s.")
        if !settings.macros.isEmpty { console.line("Macros: \(settings.macros.keys.sorted().joined(separator: " ")).") }
        return .success
    }

    /// 1024, 10k, 2m, 1g → bytes; nil for anything else, a negative number, or more than 1 TiB.
    static func byteCount(_ text: String) -> Int? {
        let lowered = text.lowercased()
        let multipliers: [Character: Int] = ["k": 1 << 10, "m": 1 << 20, "g": 1 << 30]
        var digits = Substring(lowered)
        var multiplier = 1
        if let last = lowered.last, let unit = multipliers[last] {
            digits = digits.dropLast()
            multiplier = unit
        }
        guard let value = Int(digits), value >= 0 else { return nil }
        let (bytes, overflow) = value.multipliedReportingOverflow(by: multiplier)
        return !overflow && bytes <= 1 << 40 ? bytes : nil
    }
}
