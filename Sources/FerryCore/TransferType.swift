/// The representation type of a transfer (RFC 959 §3.1.1): image (binary) or ASCII.
public enum TransferType: String, Sendable, Equatable {
    case ascii = "A"
    case image = "I"

    public var name: String { self == .ascii ? "ascii" : "binary" }
}
