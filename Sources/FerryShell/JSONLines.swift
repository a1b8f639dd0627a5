import FerryCore

/// One JSON object per listing entry (NDJSON), for scripts:
/// `{"name":"a.txt","type":"file","size":12,"modified":"2024-01-02T03:04:05Z","permissions":"0644","target":null,
///   "format":"unix","raw":"-rw-r--r-- …"}`. A name whose bytes are not UTF-8 is given with U+FFFD in `name`
/// and exactly in `name_hex`.
enum JSONLines {
    static func render(_ entry: ListingEntry) -> String {
        var fields: [(String, String)] = [("name", string(displayable(entry.name)))]
        if WireText.hasRawBytes(entry.name) {
            fields.append(("name_hex", string(WireText.encode(entry.name).map { hex($0) }.joined())))
        }
        fields += [
            ("type", string(entry.kind == .directory ? "dir" : entry.kind.rawValue)),
            ("size", entry.size.map(String.init) ?? "null"),
            ("modified", entry.modified.map { string(Timestamp.readable($0) + "Z") } ?? "null"),
            ("permissions", entry.permissions.map { string(octal($0)) } ?? "null"),
            ("target", entry.linkTarget.map { string(displayable($0)) } ?? "null"),
            ("format", string(entry.format.rawValue)),
            ("raw", string(displayable(entry.raw))),
        ]
        return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    /// A JSON string literal (RFC 8259 §7).
    static func string(_ text: String) -> String {
        // Fast path: no byte that needs escaping — and no C1 control (C2 80–9F) or bidi control (E2 80/81 …),
        // whose UTF-8 forms start with C2 or E2.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x7F || $0 == 0xC2 || $0 == 0xE2 }) {
            return "\"" + text + "\""
        }
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || Console.isBidiControl(scalar):
                result += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// Raw (non-UTF-8) bytes become U+FFFD for the text form.
    static func displayable(_ text: String) -> String {
        guard WireText.hasRawBytes(text) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { WireText.isRawByte($0) ? "\u{FFFD}" : $0 }))
    }

    static func octal(_ mode: UInt16) -> String {
        let digits = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    static func hex(_ byte: UInt8) -> String { (byte < 16 ? "0" : "") + String(byte, radix: 16) }
}
