import ArgumentParser

/// The command line, with tnftp's flags and meanings.
struct FerryOptions: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ferry",
        abstract: "A command-line FTP client: classic ftp commands, interactive or from a script.",
        discussion: """
        With a host, Ferry connects at start. On a terminal it asks for a user name and password (unless -n);
        with a script on standard input it never asks: the script logs in with 'user'.
        Exit status: 0 when every command succeeded, 1 when any failed, 2 for a bad command line.
        """
    )

    @Flag(name: .customShort("4"), help: "Use only IPv4 addresses.") var ipv4 = false
    @Flag(name: .customShort("6"), help: "Use only IPv6 addresses.") var ipv6 = false
    @Flag(name: .customShort("A"), help: "Active mode (EPRT, then PORT), with no fallback to passive.") var active = false
    @Flag(name: .customShort("a"), help: "Log in as anonymous.") var anonymous = false
    @Flag(name: .customShort("d"), help: "Debugging: show every command sent (passwords as XXXX).") var debug = false
    @Flag(name: .customShort("i"), help: "No interactive prompting during multiple-file transfers.") var noPrompt = false
    @Flag(name: .customShort("n"), help: "No auto-login on connect.") var noAutoLogin = false
    @Flag(name: .customShort("p"), help: "Passive mode (EPSV, then PASV), with no fallback to active.") var passive = false
    @Flag(name: .customShort("v"), help: "Verbose: show server replies and transfer statistics.") var verbose = false
    @Flag(name: .customShort("V"), help: "Not verbose, even on a terminal; no progress display.") var quiet = false
    @Option(name: .customShort("P"), help: ArgumentHelp("Port of the server.", valueName: "port")) var port: UInt16?
    @Flag(name: .long, help: "Print the version and exit.") var version = false
    @Flag(name: .long, help: .hidden) var commandReference = false

    @Argument(help: "The server to connect to (host or user@host).") var host: String?
    @Argument(help: "The server's port (default 21).") var hostPort: UInt16?

    func validate() throws {
        if ipv4 && ipv6 { throw ValidationError("-4 and -6 cannot be used together") }
        if active && passive { throw ValidationError("-A and -p cannot be used together") }
        if port == 0 || hostPort == 0 { throw ValidationError("the port must be from 1 to 65535") }
    }
}
