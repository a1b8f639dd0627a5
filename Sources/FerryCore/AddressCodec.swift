/// Encoders and decoders for the data-channel addresses of PASV, EPSV, PORT and EPRT.
public enum AddressCodec {
    // MARK: PASV (RFC 959 §4.1.2, reply 227)

    /// 227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)
    ///
    /// Servers vary: with or without parentheses, `=h1,…`, trailing text. The first run of six comma-separated
    /// numbers in the text is the address.
    public static func parsePassiveReply(_ text: String) throws(AddressCodecError) -> IPv4Endpoint {
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            if isDigit(bytes[index]), index == 0 || !isDigit(bytes[index - 1]) {
                if let numbers = sixNumbers(bytes, from: index) {
                    return try endpoint(fromSix: numbers, source: text)
                }
            }
            index += 1
        }
        throw .malformed(shorten(text))
    }

    // MARK: EPSV (RFC 2428 §3, reply 229)

    /// 229 Entering Extended Passive Mode (|||port|)
    ///
    /// The delimiter is the character after "("; the three address fields before the port must be empty.
    public static func parseExtendedPassiveReply(_ text: String) throws(AddressCodecError) -> UInt16 {
        let bytes = Array(text.utf8)
        guard let open = bytes.firstIndex(of: UInt8(ascii: "(")), open + 1 < bytes.count else {
            throw .malformed(shorten(text))
        }
        let delimiter = bytes[open + 1]
        guard delimiter >= 33, delimiter <= 126, !isDigit(delimiter) else { throw .malformed(shorten(text)) }
        var index = open + 1
        for _ in 0..<3 {
            guard index < bytes.count, bytes[index] == delimiter else { throw .malformed(shorten(text)) }
            index += 1
        }
        let start = index
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        guard index > start, index < bytes.count, bytes[index] == delimiter,
              index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: ")") else {
            throw .malformed(shorten(text))
        }
        guard index - start <= 5, let port = Int(String(decoding: bytes[start..<index], as: UTF8.self)),
              port > 0, port <= 65535 else {
            throw .outOfRange(shorten(text))
        }
        return UInt16(port)
    }

    // MARK: PORT (RFC 959 §4.1.2)

    /// PORT h1,h2,h3,h4,p1,p2
    public static func encodePort(_ endpoint: IPv4Endpoint) -> String {
        (endpoint.octets.map(String.init) + [String(endpoint.port >> 8), String(endpoint.port & 0xFF)])
            .joined(separator: ",")
    }

    public static func parsePortArgument(_ text: String) throws(AddressCodecError) -> IPv4Endpoint {
        let bytes = Array(text.utf8)
        guard let numbers = sixNumbers(bytes, from: 0), numbersLength(bytes) == bytes.count else {
            throw .malformed(shorten(text))
        }
        return try endpoint(fromSix: numbers, source: text)
    }

    // MARK: EPRT (RFC 2428 §2)

    /// EPRT |net-prt|net-addr|tcp-port|
    public static func encodeExtendedPort(_ endpoint: ExtendedEndpoint) -> String {
        "|\(endpoint.family.rawValue)|\(endpoint.address)|\(endpoint.port)|"
    }

    public static func parseExtendedPortArgument(_ text: String) throws(AddressCodecError) -> ExtendedEndpoint {
        guard let delimiter = text.first, text.count >= 2, text.last == delimiter else { throw .malformed(shorten(text)) }
        let fields = text.dropFirst().dropLast().split(separator: delimiter, omittingEmptySubsequences: false)
        guard fields.count == 3, let familyNumber = Int(fields[0]),
              let family = ExtendedEndpoint.Family(rawValue: familyNumber), !fields[1].isEmpty else {
            throw .malformed(shorten(text))
        }
        guard let port = Int(fields[2]), port > 0, port <= 65535 else { throw .outOfRange(shorten(text)) }
        let address = String(fields[1])
        if family == .ipv4, IPv4Endpoint(address: address, port: UInt16(port)) == nil { throw .malformed(shorten(text)) }
        if family == .ipv6, !address.contains(":") { throw .malformed(shorten(text)) }
        return ExtendedEndpoint(family: family, address: address, port: UInt16(port))
    }

    // MARK: helpers

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// Six comma-separated decimal numbers starting at `start`, or nil. Numbers keep their full value
    /// (so "300" is reported out of range rather than skipped).
    private static func sixNumbers(_ bytes: [UInt8], from start: Int) -> [Int]? {
        var numbers: [Int] = []
        var index = start
        while numbers.count < 6 {
            let begin = index
            while index < bytes.count, isDigit(bytes[index]), index - begin < 6 { index += 1 }
            guard index > begin, index < bytes.count ? !isDigit(bytes[index]) : true else { return nil }
            numbers.append(Int(String(decoding: bytes[begin..<index], as: UTF8.self)) ?? Int.max)
            if numbers.count < 6 {
                guard index < bytes.count, bytes[index] == UInt8(ascii: ",") else { return nil }
                index += 1
            }
        }
        return numbers
    }

    private static func numbersLength(_ bytes: [UInt8]) -> Int {
        bytes.prefix { isDigit($0) || $0 == UInt8(ascii: ",") }.count
    }

    private static func endpoint(fromSix numbers: [Int], source: String) throws(AddressCodecError) -> IPv4Endpoint {
        guard numbers.allSatisfy({ $0 >= 0 && $0 <= 255 }) else { throw .outOfRange(shorten(source)) }
        let port = numbers[4] * 256 + numbers[5]
        guard port > 0 else { throw .outOfRange(shorten(source)) }
        return IPv4Endpoint(octets: numbers[0..<4].map { UInt8($0) }, port: UInt16(port))
    }

    private static func shorten(_ text: String) -> String { String(text.prefix(120)) }
}
