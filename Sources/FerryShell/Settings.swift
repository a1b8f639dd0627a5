import FerryClient
import FerryCore

/// The shell's typed settings (house rule 6): one value, changed by commands, read by handlers.
public struct Settings: Sendable, Equatable {
    /// Show every server reply and transfer statistics.
    public var verbose = false
    /// Show every command sent (`---> RETR file`; the password as XXXX).
    public var debug = false
    /// Log in on `open` (asking for a name when interactive); off with -n.
    public var autoLogin = true
    /// The TYPE for file transfers.
    public var transferType: TransferType = .image
    /// Draw a progress line on the terminal during transfers.
    public var progress = false
    /// Anonymous login with -a.
    public var anonymous = false
    /// Timeouts, data-channel mode and buffers, handed to each client.
    public var client = ClientConfiguration()

    public init() {}
}
