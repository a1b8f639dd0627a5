import FerryCore

/// Everything a client session can be told, with defaults that suit an unattended run.
public struct ClientConfiguration: Sendable, Equatable {
    /// Seconds to wait for the control connection to open.
    public var connectTimeout: Double = 30
    /// Seconds to wait for each reply.
    public var replyTimeout: Double = 60
    /// Seconds to wait for a data connection to open (either direction).
    public var dataConnectTimeout: Double = 15
    /// Seconds a data port may stay silent (no SYN-ACK, no reset) before it is taken as filtered and the next
    /// method is tried, on a path whose control connection answers quickly (slower paths wait ten round trips).
    public var firewallWait: Double = 3
    /// Seconds a data stream may go without moving a byte.
    public var stallTimeout: Double = 60
    /// Which address families the control connection may use (`-4`, `-6`).
    public var addressFamily: AddressFamily = .any
    /// The local address to connect from (-s); nil for the system's choice.
    public var sourceAddress: String?

    /// Passive (the default) or active data connections.
    public var dataMode: DataChannelPlan.Mode = .passive
    /// Try the other mode when the chosen one fails.
    public var fallback: Bool = true
    /// Without `fallback`: still use the other mode when the server refuses both commands of the chosen one
    /// (500/502 to EPRT and PORT, or to EPSV and PASV), and say so. `set fallback off` clears it.
    public var fallbackOnRefusal: Bool = true
    /// EPSV/EPRT on IPv4 and on IPv6 control connections (tnftp's epsv4, epsv6).
    public var extendedOnIPv4: Bool = true
    /// EPSV/EPRT on IPv6 control connections (tnftp's epsv6).
    public var extendedOnIPv6: Bool = true
    /// Dial the address a PASV reply names rather than the server's own address.
    public var trustPassiveAddress: Bool = false
    /// Local ports to listen on in active mode (lftp's ftp:port-range); nil for any.
    public var activePortRange: ClosedRange<UInt16>?
    /// The IPv4 address to name in PORT/EPRT instead of our own (lftp's ftp:port-ipv4), for clients behind NAT.
    public var activeAddress: String?
    /// How the fixes in error texts name the settings they change (a program's own words; see `SettingNames`).
    public var settingNames = SettingNames()

    /// FTPS: explicit or implicit TLS, certificate checks, data protection.
    public var tls = TLSConfiguration()

    /// Buffer for the read/write transfer path.
    public var bufferSize: Int = 1 << 20
    /// Move binary downloads to files with splice(2).
    public var useSplice: Bool = true
    /// Bytes per second at most for downloads and uploads (tnftp's `rate`); nil for no limit.
    public var downloadRateLimit: Int?
    /// Bytes per second at most for uploads; nil for no limit.
    public var uploadRateLimit: Int?
    /// SO_RCVBUF/SO_SNDBUF for data connections (tnftp's `xferbuf`); nil for the system's choice.
    public var socketBufferSize: Int?
    /// Seconds east of UTC of the times in the server's LIST output (vsftpd: UTC; others: their local time).
    public var listingTimeZoneOffset: Int64 = 0
    /// Turn the wire's CRLF into LF on ASCII downloads (tnftp's `cr`).
    public var convertLineEnds: Bool = true

    /// Creates a configuration with every default.
    public init() {}

    /// The settings that decide which data-channel methods get through are the same (the waits only decide how
    /// soon a method is given up, so changing them — as TAB completion does for its listing — forgets nothing).
    func sameDataChannel(as other: ClientConfiguration) -> Bool {
        dataMode == other.dataMode && fallback == other.fallback && fallbackOnRefusal == other.fallbackOnRefusal
            && extendedOnIPv4 == other.extendedOnIPv4 && extendedOnIPv6 == other.extendedOnIPv6
            && trustPassiveAddress == other.trustPassiveAddress && activePortRange == other.activePortRange
            && activeAddress == other.activeAddress && sourceAddress == other.sourceAddress
    }
}

/// What a finished transfer moved.
public struct TransferResult: Sendable {
    /// Bytes this transfer moved over the data connection (not counting bytes a resumed file already had).
    public var bytes: Int64
    /// Seconds the whole transfer took.
    public var seconds: Double
    /// The server's final reply to the transfer.
    public var reply: Reply
    /// A download that continued a partial file: where it resumed (0: from the start).
    public var resumedAt: Int64 = 0
    /// A download proven by the server's checksum: which one.
    public var verifiedWith: FTPClient.RemoteChecksum?

    /// Creates a result from the bytes moved, the seconds taken and the final reply.
    public init(bytes: Int64, seconds: Double, reply: Reply) {
        self.bytes = bytes
        self.seconds = seconds
        self.reply = reply
    }

    /// Average rate in bytes per second; 0 when no time was measured.
    public var bytesPerSecond: Double { seconds > 0 ? Double(bytes) / seconds : 0 }
}
