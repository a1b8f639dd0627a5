/// Commands that change settings: transfer type, data channel, output, toggles.
extension CommandTable {
    static let settingCommands: [CommandSpec] = [
        CommandSpec("binary", aliases: ["image"], help: "set binary transfer type") { shell, args in
            args.isEmpty ? shell.setType(.image) : .usage
        }.showingReplies(),
        CommandSpec("ascii", help: "set ascii transfer type") { shell, args in args.isEmpty ? shell.setType(.ascii) : .usage }.showingReplies(),
        CommandSpec("tenex", help: "set tenex file transfer type (the same as binary on 8-bit hosts)") { shell, args in
            args.isEmpty ? shell.setType(.image) : .usage
        }.showingReplies(),
        CommandSpec("type", arguments: [.optional([.oneOf("ascii", "binary", "image", "tenex")])], help: "set file transfer type") { $0.type($1) }.showingReplies(),
        CommandSpec("form", arguments: [.optional([.word("non-print")])], help: "set file transfer format") {
            $0.onlyDefault($1, name: "form", value: "non-print")
        },
        CommandSpec("mode", arguments: [.optional([.word("stream")])], help: "set file transfer mode") { $0.onlyDefault($1, name: "mode", value: "stream") },
        CommandSpec("struct", arguments: [.optional([.word("file")])], help: "set file transfer structure") {
            $0.onlyDefault($1, name: "struct", value: "file")
        },
        CommandSpec("passive", arguments: [.optional([.oneOf("on", "off", "auto")])], help: "enter passive transfer mode") { $0.passive($1) },
        CommandSpec("epsv", arguments: [.optional([.oneOf("on", "off")])], help: "toggle use of EPSV/EPRT on both IPv4 and IPV6 ftp") {
            $0.extended($1, v4: true, v6: true, label: "IPv4 and IPv6")
        },
        CommandSpec("epsv4", arguments: [.optional([.oneOf("on", "off")])], help: "toggle use of EPSV/EPRT on IPv4 ftp") {
            $0.extended($1, v4: true, v6: false, label: "IPv4")
        },
        CommandSpec("epsv6", arguments: [.optional([.oneOf("on", "off")])], help: "toggle use of EPSV/EPRT on IPv6 ftp") {
            $0.extended($1, v4: false, v6: true, label: "IPv6")
        },
        CommandSpec("sendport", arguments: [.optional([.oneOf("on", "off")])], help: "toggle use of PORT/LPRT cmd for each data connection") {
            $0.toggle($1, \.sendPort, "Use of PORT cmds")
        },
        CommandSpec("verbose", arguments: [.optional([.oneOf("on", "off")])], help: "toggle verbose mode") { shell, arguments in
            let outcome = shell.toggle(arguments, \.verbose, "Verbose mode")
            shell.settings.allReplies = shell.settings.verbose
            return outcome
        },
        CommandSpec("debug", arguments: [.optional([.oneOf("on", "off", "level")])], help: "toggle/set debugging mode") { $0.debug($1) },
        CommandSpec("trace", arguments: [.optional([.oneOf("on", "off")])], help: "toggle packet tracing") { $0.toggle($1, \.trace, "Packet tracing") },
        CommandSpec("prompt", arguments: [.optional([.oneOf("on", "off")])], help: "force interactive prompting on multiple commands") {
            $0.toggle($1, \.prompt, "Interactive mode")
        },
        CommandSpec("glob", arguments: [.optional([.oneOf("on", "off")])], help: "toggle metacharacter expansion of local file names") {
            $0.toggle($1, \.glob, "Globbing")
        },
        CommandSpec("bell", arguments: [.optional([.oneOf("on", "off")])], help: "beep when command completed") { $0.toggle($1, \.bell, "Bell mode") },
        CommandSpec("hash", arguments: [.optional([.oneOf("on", "off", "bytes")])], help: "toggle printing `#' marks; specify number to set size") {
            $0.hash($1)
        },
        CommandSpec("progress", arguments: [.optional([.oneOf("on", "off")])], help: "toggle transfer progress meter") {
            $0.toggle($1, \.progress, "Progress bar")
        },
        CommandSpec("preserve", arguments: [.optional([.oneOf("on", "off")])], help: "toggle preservation of modification time of retrieved files") {
            $0.toggle($1, \.preserve, "Preserve modification times")
        },
        CommandSpec("cr", arguments: [.optional([.oneOf("on", "off")])], help: "toggle carriage return stripping on ascii gets") { $0.carriageReturn($1) },
        CommandSpec("case", arguments: [.optional([.oneOf("on", "off")])], help: "toggle mget upper/lower case id mapping") {
            $0.toggle($1, \.caseMapping, "Case mapping")
        },
        CommandSpec("sunique", arguments: [.optional([.oneOf("on", "off")])], help: "toggle store unique on remote machine") {
            $0.toggle($1, \.storeUnique, "Store unique")
        },
        CommandSpec("runique", arguments: [.optional([.oneOf("on", "off")])], help: "toggle store unique for local files") {
            $0.toggle($1, \.receiveUnique, "Receive unique")
        },
        CommandSpec("rate", aliases: ["throttle"], arguments: [.choice(["all", "get", "put"], spaced: false), .optional([.word("maximum"), .optional([.word("increment")])])],
                    help: "set transfer rate limit (in bytes/second, per connection: mget -P N can move N times that; pget then uses one connection)") { $0.rate($1) },
        CommandSpec("xferbuf", arguments: [.optional([.word("size")])], help: "set socket send/receive buffer size") { $0.bufferSize($1, "xferbuf") },
        CommandSpec("rcvbuf", arguments: [.optional([.word("size")])], help: "set socket receive buffer size") { $0.bufferSize($1, "rcvbuf") },
        CommandSpec("sndbuf", arguments: [.optional([.word("size")])], help: "set socket send buffer size") { $0.bufferSize($1, "sndbuf") },
        CommandSpec("set", arguments: [.optional([.word("option"), .word("value")])], help: "set an option") { $0.set($1) },
        CommandSpec("unset", arguments: [.word("option")], help: "unset an option") { $0.unset($1) },
    ]
}
