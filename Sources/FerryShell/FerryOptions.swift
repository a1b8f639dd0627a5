/// The command line, with tnftp's flags and meanings.
struct FerryOptions {
    static let overview = "OVERVIEW: A command-line FTP client: classic ftp commands, interactive or from a script."
    static let usage = """
        ferry [options] [[user@]host [port]]
               ferry [options] ftp://[user[:password]@]host[:port]/path/file[;type=a|i] ...
               ferry [options] ftp://[user[:password]@]host[:port]/path/
               ferry [options] -u ftp://[user[:password]@]host[:port]/path/ file ...
        """
    static let discussion = """
        With a host, Ferry connects at start. On a terminal it asks for a user name and password (unless -n or \
        a .netrc entry logs in); with a script on standard input it never asks: log in with 'user' in the script.

        A URL naming a file downloads it into the current folder and exits; a URL ending in '/' opens a session \
        there.

        Exit status: 0 when every command succeeded, 1 when any failed, 2 for a bad command line.
        """

    var ipv4 = false
    var ipv6 = false
    var active = false
    var anonymous = false
    var debug = false
    var noEditing = false
    var noGlob = false
    var noPrompt = false
    var netrc: String?
    var noAutoLogin = false
    var output: String?
    var port: UInt16?
    var passive = false
    var quitTime: Double?
    var restart = false
    var retryWait: Double?
    var sourceAddress: String?
    var trace = false
    var throttle: String?
    var uploadURL: String?
    var verbose = false
    var quiet = false
    var bufferSize: Int?
    var exitOnError = false
    var segments: Int?
    var json = false
    var tls = false
    var tlsTry = false
    var tlsImplicit = false
    var cacert: String?
    var insecure = false
    var tlsMax: String?
    var version = false
    var commandReference = false
    var manPage = false
    var diagnose = false
    var tracePath: String?
    /// A host (and port), URLs, or with -u the files to upload.
    var targets: [String] = []

    /// Every flag and option, in the order `--help` lists them.
    static let table: [CommandLineOption] = [
        .flag("4", "Use only IPv4 addresses.") { $0.ipv4 = true },
        .flag("6", "Use only IPv6 addresses.") { $0.ipv6 = true },
        .flag("A", "Active mode (EPRT, then PORT); passive only if the server refuses both (set fallback off: never).") { $0.active = true },
        .flag("a", "Log in as anonymous.") { $0.anonymous = true },
        .flag("d", "Debugging: show every command sent (passwords as XXXX).") { $0.debug = true },
        .flag("e", "No command-line editing, even on a terminal.") { $0.noEditing = true },
        .flag("g", "No file-name globbing.") { $0.noGlob = true },
        .flag("i", "No interactive prompting during multiple-file transfers.") { $0.noPrompt = true },
        .option("N", value: "netrc", "Use this file instead of ~/.netrc.") { $0.netrc = $1 },
        .flag("n", "No auto-login on connect (no .netrc, no Name prompt).") { $0.noAutoLogin = true },
        .option("o", value: "output", "Where a URL download goes ('-' for standard output).") { $0.output = $1 },
        .option("P", value: "port", "Port of the server.") {
            guard let port = UInt16($1), port > 0 else { throw CommandLineError("-P takes a port from 1 to 65535") }
            $0.port = port
        },
        .flag("p", "Passive mode (EPSV, then PASV); active only if the server refuses both (set fallback off: never).") { $0.passive = true },
        .option("q", value: "quittime", "Give up when the connection stalls this many seconds.") {
            $0.quitTime = try seconds($1, "-q", upTo: 86_400)
        },
        .flag("R", "Restart (reget) URL downloads that were cut short.") { $0.restart = true },
        .option("r", value: "wait", "Retry a failed connection every this many seconds (10 tries).") {
            $0.retryWait = try seconds($1, "-r", upTo: 3_600)
        },
        .option("s", value: "srcaddr", "Local address to connect from.") { $0.sourceAddress = $1 },
        .flag("t", "Packet tracing.") { $0.trace = true },
        .option("T", value: "dir,max[,inc]", "Rate limit: get, put or all, bytes per second (increment ignored).") {
            guard parseThrottle($1) != nil else { throw CommandLineError("-T takes get|put|all,max[,inc], e.g. -T get,100000") }
            $0.throttle = $1
        },
        .option("u", value: "url", "Upload the files after the other arguments to this URL.") { $0.uploadURL = $1 },
        .flag("v", "Verbose: show server replies and transfer statistics.") { $0.verbose = true },
        .flag("V", "Not verbose, even on a terminal; no progress display.") { $0.quiet = true },
        .option("x", value: "size", "Socket send and receive buffer size.") {
            guard let size = Int($1), (1...maximumSocketBuffer).contains(size) else {
                throw CommandLineError("-x takes a size from 1 to \(maximumSocketBuffer)")
            }
            $0.bufferSize = size
        },
        .flag(long: "exit-on-error", "Stop a script at the first command that fails.") { $0.exitOnError = true },
        .option(long: "segments", value: "n", "Download each file over this many connections at once (pget), 1 to 16.") {
            guard let count = Int($1), (1...16).contains(count) else { throw CommandLineError("--segments takes a number from 1 to 16") }
            $0.segments = count
        },
        .flag(long: "diagnose", "Find which data-connection methods get through to [user@]host[:port], why, and how to make the working one stick; then exit (-q sets each probe's wait).") {
            $0.diagnose = true
        },
        .option(long: "trace", value: "file", "With --diagnose: write the whole exchange, timed, to this file (passwords masked).") {
            $0.tracePath = $1
        },
        .flag(long: "json", "With a folder URL: print its parsed listing as one JSON object per entry, then exit.") { $0.json = true },
        .flag(long: "tls", "Require TLS (AUTH TLS); a server that refuses it is an error, the password never goes in clear.") {
            $0.tls = true
        },
        .flag(long: "tls-try", "Use TLS when the server offers it; say so plainly when the session stays in clear text.") {
            $0.tlsTry = true
        },
        .flag(long: "tls-implicit", "Implicit TLS from the first byte (what ftps:// URLs use; port 990 by default).") {
            $0.tlsImplicit = true
        },
        .option(long: "cacert", value: "file", "Trust the certificates in this PEM file too.") { $0.cacert = $1 },
        .flag(long: "insecure", "Do not verify the server's certificate (warns once).") { $0.insecure = true },
        .option(long: "tls-max", value: "version", "Highest TLS version to offer: 1.2 or 1.3.") {
            guard $1 == "1.2" || $1 == "1.3" else { throw CommandLineError("--tls-max takes 1.2 or 1.3") }
            $0.tlsMax = $1
        },
        .flag(long: "version", "Print the version and exit.") { $0.version = true },
        .flag(long: "command-reference", hidden: true, "") { $0.commandReference = true },
        .flag(long: "man-page", hidden: true, "") { $0.manPage = true },
    ]

    /// A number of seconds above 0 and at most `limit`; NaN and infinities are not (they would trap where a wait
    /// becomes an integer).
    private static func seconds(_ text: String, _ flag: String, upTo limit: Double) throws -> Double {
        guard let value = Double(text), value > 0, value <= limit else {
            throw CommandLineError("\(flag) takes a number of seconds from above 0 to \(Int(limit))")
        }
        return value
    }

    /// The options of `arguments` (without the program name), checked together.
    static func parse(_ arguments: [String]) throws -> FerryOptions {
        try parseOrHelp(arguments).options
    }

    /// As `parse`, and whether -h or --help was given (then nothing is checked: help is shown whatever else is there).
    static func parseOrHelp(_ arguments: [String]) throws -> (options: FerryOptions, wantsHelp: Bool) {
        var options = FerryOptions()
        if try CommandLineParser.parse(arguments, into: &options, table: table) { return (options, true) }
        try options.validate()
        return (options, false)
    }

    static var helpText: String {
        CommandLineParser.help(overview: overview, usage: usage, discussion: discussion,
                               argument: ("host-or-url", "A host (with an optional port), ftp:// URLs, or with -u the files to upload."),
                               table: table)
    }

    /// What the options say together (each value was checked as it was read).
    func validate() throws {
        if ipv4 && ipv6 { throw CommandLineError("-4 and -6 cannot be used together") }
        if [tls, tlsTry, tlsImplicit].filter({ $0 }).count > 1 { throw CommandLineError("choose one of --tls, --tls-try and --tls-implicit") }
        if active && passive { throw CommandLineError("-A and -p cannot be used together") }
        if uploadURL != nil, targets.isEmpty { throw CommandLineError("-u needs the files to upload") }
        let urls = targets.filter { $0.lowercased().hasPrefix("ftp://") || $0.lowercased().hasPrefix("ftps://") }
        if uploadURL == nil, !urls.isEmpty, urls.count != targets.count {
            throw CommandLineError("give either a host [port] or ftp:// URLs, not both")
        }
        if uploadURL == nil, urls.isEmpty {
            if targets.count > 2 { throw CommandLineError("too many arguments: give a host and at most a port") }
            if targets.count == 2, UInt16(targets[1]).map({ $0 > 0 }) != true {
                throw CommandLineError("the port must be from 1 to 65535")
            }
        }
        if output != nil, urls.isEmpty { throw CommandLineError("-o is for URL downloads") }
        if let output, output != "-", urls.count > 1 {
            throw CommandLineError("-o names one file: give one URL with it (or -o - for standard output)")
        }
        if diagnose {
            guard uploadURL == nil, urls.isEmpty, !targets.isEmpty else { throw CommandLineError("--diagnose takes [user@]host[:port]") }
        } else if tracePath != nil {
            throw CommandLineError("--trace goes with --diagnose (for a session's exchange, use -d)")
        }
        if json, !diagnose, urls.isEmpty || uploadURL != nil { throw CommandLineError("--json lists a folder URL: ferry --json ftp://host/dir/") }
    }

    /// The largest socket buffer that -x, xferbuf, rcvbuf and sndbuf take (1 GiB).
    static let maximumSocketBuffer = 1 << 30

    /// "get,100000[,inc]" → (get, put) limits.
    static func parseThrottle(_ text: String) -> (get: Int?, put: Int?)? {
        let parts = text.split(separator: ",")
        guard parts.count >= 2, let limit = Int(parts[1]), limit >= 0 else { return nil }
        switch parts[0] {
        case "get": return (limit, nil)
        case "put": return (nil, limit)
        case "all": return (limit, limit)
        default: return nil
        }
    }
}
