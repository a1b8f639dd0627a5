import FerryClient
import FerryCore

/// The shell's typed settings (house rule 6): one value, changed by commands, read by handlers.
public struct Settings: Sendable, Equatable {
    /// Show every server reply and transfer statistics.
    public var verbose = false
    /// Every reply, also those to what the client asks on its own (FEAT, OPTS, SIZE, MDTM): `-v`, or `verbose`
    /// turned on. Plain verbose (the default at a terminal) shows what tnftp shows.
    public var allReplies = false
    /// Show every command sent (`---> RETR file`; the password as XXXX).
    public var debug = false
    /// Log in on `open` (asking for a name when interactive, or from .netrc); off with -n.
    public var autoLogin = true
    /// The TYPE for file transfers.
    public var transferType: TransferType = .image
    /// Draw a progress line on the terminal during transfers.
    public var progress = false
    /// Anonymous login with -a.
    public var anonymous = false
    /// Password sent for anonymous logins (`set anonpass`).
    public var anonymousPassword = "anonymous@"
    /// Ask before each file of mget/mput/mdelete — only ever asked of a person at a terminal.
    public var prompt = true
    /// Expand wildcards in mget/mput/mdelete/mreget.
    public var glob = true
    /// Beep after each transfer.
    public var bell = false
    /// Print a `#` for every this many bytes transferred; nil for off.
    public var hashBytes: Int?
    /// Give downloaded files the remote modification time.
    public var preserve = true
    /// Map all-uppercase remote names to lowercase local names in mget.
    public var caseMapping = false
    /// Store uploads under unique remote names (STOU).
    public var storeUnique = false
    /// Give downloads unique local names (name.1, name.2 …) instead of replacing.
    public var receiveUnique = false
    /// Accepted for compatibility: Ferry always sends PORT/EPRT in active mode.
    public var sendPort = true
    /// Packet tracing (accepted for compatibility; shows nothing more than debug).
    public var trace = false
    /// The REST offset for the next get or put (`restart`).
    public var restartPoint: Int64?
    /// Stop a script at the first failed command (`--exit-on-error`, `set exit-on-error on`).
    public var exitOnError = false
    /// The pager for page/more/less/pdir/pls ($PAGER, else `more`).
    public var pager = "more"
    /// The interactive prompt (`set prompt`).
    public var promptText = "ftp> "
    /// Download into a hidden `.name.part` and rename on success (off: classic in-place writes).
    public var temporaryFiles = true
    /// put and mput upload into `.name.part` on the server and rename it into place (off: classic STOR).
    public var temporaryUploads = true
    /// Compare downloads with the server's checksum when it offers HASH, XSHA256 or XCRC.
    public var verify = true
    /// How many times a cut transfer is resumed (reconnecting when needed) before it counts as failed.
    public var retries = 3
    /// Sessions that mget and mput use at once (`set parallel N`, `mget -P N`); 1 is one file after another.
    public var parallel = 1
    /// Segments for pget, and for a plain get of a file of at least `pgetThreshold` bytes when above 1
    /// (`set pget-segments N`, `--segments N`).
    public var pgetSegments = 1
    public var pgetThreshold: Int64 = 64 << 20
    /// Send NOOP before a command when the session was idle this many seconds (nil: never).
    public var noopInterval: Double?
    /// Macros from `macdef` and .netrc, by name.
    public var macros: [String: [String]] = [:]
    /// The .netrc to read (-N, $NETRC, ~/.netrc).
    public var netrcPath: String?

    public init() {}
}
