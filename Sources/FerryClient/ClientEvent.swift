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

public struct TransferProgress: Sendable, Equatable {
    public var bytes: Int64
    public var expected: Int64?
    public var elapsed: Double
    /// Bytes the file already had when this transfer resumed it (REST): `bytes` and `expected` count from there.
    public var resumedFrom: Int64 = 0
    public init(bytes: Int64, expected: Int64?, elapsed: Double, resumedFrom: Int64 = 0) {
        self.bytes = bytes
        self.expected = expected
        self.elapsed = elapsed
        self.resumedFrom = resumedFrom
    }
}
