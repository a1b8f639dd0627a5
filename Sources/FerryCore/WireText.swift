/// Names are bytes on the wire. Valid UTF-8 becomes text as usual; every byte that is not part of valid
/// UTF-8 becomes one private-use scalar U+F700+byte, so `encode(decode(bytes)) == bytes` for any bytes and a
/// name read from a listing can be sent back (RETR, DELE) exactly as the server wrote it.
public enum WireText {
    static let base: UInt32 = 0xF700

    public static func decode<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let array = Array(bytes)
        if array.allSatisfy({ $0 < 0x80 }) { return String(decoding: array, as: UTF8.self) }
        if let text = String(validating: array, as: UTF8.self), !hasRawBytes(text) {
            return text
        }
        var scalars = String.UnicodeScalarView()
        var index = 0
        while index < array.count {
            let length = validSequenceLength(array, at: index)
            if length > 0, let decoded = String(validating: array[index..<(index + length)], as: UTF8.self),
               let scalar = decoded.unicodeScalars.first, !isEscape(scalar) {
                scalars.append(scalar)
                index += length
            } else {
                scalars.append(Unicode.Scalar(base + UInt32(array[index]))!)
                index += 1
            }
        }
        return String(scalars)
    }

    /// The bytes of `text`. Only escapes of bytes 0x80–0xFF (the only ones `decode` makes) turn back into raw
    /// bytes: an escape of an ASCII byte (U+F700–U+F77F) that arrives from elsewhere — a URL, a typed name, a local
    /// file name — is encoded as the character it is, so it can never smuggle CR, LF, NUL or "/" onto the wire or
    /// into a path.
    public static func encode(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if isEscape(scalar), scalar.value >= base + 0x80 {
                bytes.append(UInt8(scalar.value - base))
            } else {
                bytes.append(contentsOf: String(scalar).utf8)
            }
        }
        return bytes
    }

    /// Runs `body` with the exact bytes of `text` as a C string, for file-system calls on names that came
    /// from a server.
    public static func withCString<Result>(_ text: String, _ body: (UnsafePointer<CChar>) throws -> Result) rethrows -> Result {
        var bytes = encode(text).map { CChar(bitPattern: $0) }
        bytes.append(0)
        return try bytes.withUnsafeBufferPointer { try body($0.baseAddress!) }
    }

    /// True when the text holds bytes that were not UTF-8.
    public static func hasRawBytes(_ text: String) -> Bool {
        // Escapes are 3-byte UTF-8 sequences starting EF 9C/9D/9E/9F (U+F700…U+F7FF): skip the scalar walk
        // for the usual text that has no EF byte at all.
        guard text.utf8.contains(0xEF) else { return false }
        return text.unicodeScalars.contains(where: isEscape)
    }

    static func isEscape(_ scalar: Unicode.Scalar) -> Bool { scalar.value >= base && scalar.value <= base + 0xFF }

    /// True for the scalar that stands for one byte that was not UTF-8.
    public static func isRawByte(_ scalar: Unicode.Scalar) -> Bool { isEscape(scalar) }

    /// The length of the UTF-8 sequence starting at `index` judged by its first byte, or 0.
    static func validSequenceLength(_ bytes: [UInt8], at index: Int) -> Int {
        let first = bytes[index]
        let length: Int
        switch first {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return 0
        }
        guard index + length <= bytes.count else { return 0 }
        for offset in 1..<length where bytes[index + offset] & 0xC0 != 0x80 { return 0 }
        return length
    }
}
