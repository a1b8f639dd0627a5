import ArgumentParser

/// The command line, with tnftp's flags and meanings.
struct FerryOptions: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ferry",
        abstract: "A command-line FTP client: classic ftp commands, interactive or from a script.",
        usage: """
        ferry [options] [[user@]host [port]]
          ferry [options] ftp://[user[:password]@]host[:port]/path/file[;type=a|i] ...
          ferry [options] ftp://[user[:password]@]host[:port]/path/
          ferry [options] -u ftp://[user[:password]@]host[:port]/path/ file ...
        """,
        discussion: """
        With a host, Ferry connects at start. On a terminal it asks for a user name and password (unless -n or \
        a .netrc entry logs in); with a script on standard input it never asks: log in with 'user' in the script.

        A URL naming a file downloads it into the current folder and exits; a URL ending in '/' opens a session \
        there.

        Exit status: 0 when every command succeeded, 1 when any failed, 2 for a bad command line.
        """
    )

    @Flag(name: .customShort("4"), help: "Use only IPv4 addresses.") var ipv4 = false
    @Flag(name: .customShort("6"), help: "Use only IPv6 addresses.") var ipv6 = false
    @Flag(name: .customShort("A"), help: "Active mode (EPRT, then PORT), with no fallback to passive.") var active = false
    @Flag(name: .customShort("a"), help: "Log in as anonymous.") var anonymous = false
    @Flag(name: .customShort("d"), help: "Debugging: show every command sent (passwords as XXXX).") var debug = false
    @Flag(name: .customShort("e"), help: "No command-line editing, even on a terminal.") var noEditing = false
    @Flag(name: .customShort("g"), help: "No file-name globbing.") var noGlob = false
    @Flag(name: .customShort("i"), help: "No interactive prompting during multiple-file transfers.") var noPrompt = false
    @Option(name: .customShort("N"), help: ArgumentHelp("Use this file instead of ~/.netrc.", valueName: "netrc")) var netrc: String?
    @Flag(name: .customShort("n"), help: "No auto-login on connect (no .netrc, no Name prompt).") var noAutoLogin = false
    @Option(name: .customShort("o"), help: ArgumentHelp("Where a URL download goes ('-' for standard output).", valueName: "output"))
    var output: String?
    @Option(name: .customShort("P"), help: ArgumentHelp("Port of the server.", valueName: "port")) var port: UInt16?
    @Flag(name: .customShort("p"), help: "Passive mode (EPSV, then PASV), with no fallback to active.") var passive = false
    @Option(name: .customShort("q"), help: ArgumentHelp("Give up when the connection stalls this many seconds.", valueName: "quittime"))
    var quitTime: Double?
    @Flag(name: .customShort("R"), help: "Restart (reget) URL downloads that were cut short.") var restart = false
    @Option(name: .customShort("r"), help: ArgumentHelp("Retry a failed connection every this many seconds (10 tries).", valueName: "wait"))
    var retryWait: Double?
    @Option(name: .customShort("s"), help: ArgumentHelp("Local address to connect from.", valueName: "srcaddr")) var sourceAddress: String?
    @Flag(name: .customShort("t"), help: "Packet tracing.") var trace = false
    @Option(name: .customShort("T"), help: ArgumentHelp("Rate limit: get, put or all, bytes per second (increment ignored).",
                                                        valueName: "dir,max[,inc]")) var throttle: String?
    @Option(name: .customShort("u"), help: ArgumentHelp("Upload the files after the other arguments to this URL.", valueName: "url"))
    var uploadURL: String?
    @Flag(name: .customShort("v"), help: "Verbose: show server replies and transfer statistics.") var verbose = false
    @Flag(name: .customShort("V"), help: "Not verbose, even on a terminal; no progress display.") var quiet = false
    @Option(name: .customShort("x"), help: ArgumentHelp("Socket send and receive buffer size.", valueName: "size")) var bufferSize: Int?
    @Flag(name: .long, help: "Stop a script at the first command that fails.") var exitOnError = false
    @Option(name: .long, help: ArgumentHelp("Download each file over this many connections at once (pget), 1 to 16.",
                                            valueName: "n")) var segments: Int?
    @Flag(name: .long, help: "With a folder URL: print its parsed listing as one JSON object per entry, then exit.")
    var json = false
    @Flag(name: .long, help: "Require TLS (AUTH TLS); a server that refuses it is an error, the password never goes in clear.")
    var tls = false
    @Flag(name: .long, help: "Use TLS when the server offers it; say so plainly when the session stays in clear text.")
    var tlsTry = false
    @Flag(name: .long, help: "Implicit TLS from the first byte (what ftps:// URLs use; port 990 by default).")
    var tlsImplicit = false
    @Option(name: .long, help: ArgumentHelp("Trust the certificates in this PEM file too.", valueName: "file")) var cacert: String?
    @Flag(name: .long, help: "Do not verify the server's certificate (warns once).") var insecure = false
    @Option(name: .long, help: ArgumentHelp("Highest TLS version to offer: 1.2 or 1.3.", valueName: "version")) var tlsMax: String?
    @Flag(name: .long, help: "Print the version and exit.") var version = false
    @Flag(name: .long, help: .hidden) var commandReference = false
    @Flag(name: .long, help: .hidden) var manPage = false

    @Argument(help: ArgumentHelp("A host (with an optional port), ftp:// URLs, or with -u the files to upload.",
                                 valueName: "host-or-url"))
    var targets: [String] = []

    func validate() throws {
        if ipv4 && ipv6 { throw ValidationError("-4 and -6 cannot be used together") }
        if [tls, tlsTry, tlsImplicit].filter({ $0 }).count > 1 { throw ValidationError("choose one of --tls, --tls-try and --tls-implicit") }
        if let tlsMax, tlsMax != "1.2", tlsMax != "1.3" { throw ValidationError("--tls-max takes 1.2 or 1.3") }
        if active && passive { throw ValidationError("-A and -p cannot be used together") }
        if port == 0 { throw ValidationError("the port must be from 1 to 65535") }
        // NaN and infinities are not numbers of seconds (they would trap where a wait becomes an integer).
        if let quitTime, !(quitTime > 0 && quitTime <= 86_400) { throw ValidationError("-q takes a number of seconds from above 0 to 86400") }
        if let retryWait, !(retryWait > 0 && retryWait <= 3_600) { throw ValidationError("-r takes a number of seconds from above 0 to 3600") }
        if let bufferSize, !(1...FerryOptions.maximumSocketBuffer).contains(bufferSize) {
            throw ValidationError("-x takes a size from 1 to \(FerryOptions.maximumSocketBuffer)")
        }
        if let segments, !(1...16).contains(segments) { throw ValidationError("--segments takes a number from 1 to 16") }
        if let throttle, FerryOptions.parseThrottle(throttle) == nil {
            throw ValidationError("-T takes get|put|all,max[,inc], e.g. -T get,100000")
        }
        if uploadURL != nil, targets.isEmpty { throw ValidationError("-u needs the files to upload") }
        let urls = targets.filter { $0.lowercased().hasPrefix("ftp://") || $0.lowercased().hasPrefix("ftps://") }
        if uploadURL == nil, !urls.isEmpty, urls.count != targets.count {
            throw ValidationError("give either a host [port] or ftp:// URLs, not both")
        }
        if uploadURL == nil, urls.isEmpty {
            if targets.count > 2 { throw ValidationError("too many arguments: give a host and at most a port") }
            if targets.count == 2, UInt16(targets[1]).map({ $0 > 0 }) != true {
                throw ValidationError("the port must be from 1 to 65535")
            }
        }
        if output != nil, urls.isEmpty { throw ValidationError("-o is for URL downloads") }
        if let output, output != "-", urls.count > 1 {
            throw ValidationError("-o names one file: give one URL with it (or -o - for standard output)")
        }
        if json, urls.isEmpty || uploadURL != nil { throw ValidationError("--json lists a folder URL: ferry --json ftp://host/dir/") }
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
