/// Streaming ASCII line-ending conversion for TYPE A transfers (RFC 959 §3.1.1.1: the wire uses CRLF).
///
/// Each converter keeps the state a buffer boundary can split: a CR that ends one buffer and the LF that
/// starts the next are still one line end.
public struct LineEndingConverter: Sendable {
    public enum Direction: Sendable {
        /// Wire → local: CRLF becomes LF; a lone CR is kept.
        case toLocal
        /// Local → wire: LF becomes CRLF; an existing CRLF is left as it is.
        case toWire
    }

    public let direction: Direction
    private var previousWasCR = false

    public init(_ direction: Direction) { self.direction = direction }

    /// Converts `input`, appending the result to `output`.
    public mutating func convert(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        output.reserveCapacity(output.count + input.count + input.count / 8)
        switch direction {
        case .toLocal:
            for byte in input {
                if previousWasCR {
                    previousWasCR = false
                    if byte == 0x0A { output.append(0x0A); continue }
                    output.append(0x0D)
                }
                if byte == 0x0D { previousWasCR = true } else { output.append(byte) }
            }
        case .toWire:
            for byte in input {
                if byte == 0x0A, !previousWasCR { output.append(0x0D) }
                output.append(byte)
                previousWasCR = byte == 0x0D
            }
        }
    }

    public mutating func convert(_ input: [UInt8], into output: inout [UInt8]) {
        input.withUnsafeBytes { convert($0, into: &output) }
    }

    /// Bytes held back at the end of the stream (a CR that no LF followed).
    public mutating func finish(into output: inout [UInt8]) {
        if direction == .toLocal, previousWasCR { output.append(0x0D) }
        previousWasCR = false
    }
}
