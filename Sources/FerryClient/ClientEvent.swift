import FerryCore

/// What the client tells its owner as it works; the shell decides what to show (`verbose`, `debug`).
public enum ClientEvent: Sendable {
    /// A command line went out (the PASV password masked).
    case sent(String)
    /// A reply came in, preliminary ones included.
    case received(Reply)
    /// Something worth saying once ("PASV offered 10.0.0.5, using the server's address").
    case notice(String)
    /// Bytes moved so far in the current transfer, and the total when known.
    case progress(TransferProgress)
}

/// How far a transfer has come: bytes moved, bytes expected, seconds elapsed.
public struct TransferProgress: Sendable, Equatable {
    /// Bytes moved so far.
    public var bytes: Int64
    /// Bytes expected in all, when known; nil otherwise.
    public var expected: Int64?
    /// Seconds since the transfer started.
    public var elapsed: Double
    /// Bytes the file already had when this transfer resumed it (REST): `bytes` and `expected` count from there.
    public var resumedFrom: Int64 = 0
    /// Creates a progress report; `resumedFrom` is 0 for a transfer that starts at byte 0.
    public init(bytes: Int64, expected: Int64?, elapsed: Double, resumedFrom: Int64 = 0) {
        self.bytes = bytes
        self.expected = expected
        self.elapsed = elapsed
        self.resumedFrom = resumedFrom
    }
}
