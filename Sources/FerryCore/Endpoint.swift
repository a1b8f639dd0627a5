/// An IPv4 address and port as carried by PASV replies and PORT commands.
public struct IPv4Endpoint: Hashable, Sendable, CustomStringConvertible {
    public var octets: [UInt8]   // exactly four
    public var port: UInt16

    public init(octets: [UInt8], port: UInt16) {
        precondition(octets.count == 4, "an IPv4 address has four octets")
        self.octets = octets
        self.port = port
    }

    public var address: String { octets.map(String.init).joined(separator: ".") }
    public var description: String { "\(address):\(port)" }

    /// Parses dotted-quad text ("192.168.10.111"); nil for anything else.
    public init?(address: String, port: UInt16) {
        let parts = address.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var octets: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCIIDigit), let value = UInt8(part) else { return nil }
            octets.append(value)
        }
        self.init(octets: octets, port: port)
    }
}

/// An address family number and address text as carried by EPRT (RFC 2428 §2): 1 = IPv4, 2 = IPv6.
public struct ExtendedEndpoint: Hashable, Sendable, CustomStringConvertible {
    public enum Family: Int, Sendable { case ipv4 = 1, ipv6 = 2 }
    public var family: Family
    public var address: String
    public var port: UInt16

    public init(family: Family, address: String, port: UInt16) {
        self.family = family
        self.address = address
        self.port = port
    }

    public var description: String { family == .ipv6 ? "[\(address)]:\(port)" : "\(address):\(port)" }
}

public enum AddressCodecError: Error, Equatable, Sendable {
    /// The text holds no address in any form the codec knows.
    case malformed(String)
    /// Numbers were found but one is out of range (an octet over 255, port 0).
    case outOfRange(String)
}

extension Character {
    var isASCIIDigit: Bool { asciiValue.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }
}

extension IPv4Endpoint {
    /// An address the Internet routes: not private (RFC 1918), shared (RFC 6598), loopback, link-local, "this
    /// network", protocol assignments, benchmarking, multicast or reserved. (The documentation networks count as
    /// routable: the NAT lab's addresses are those, and they exist only inside its namespaces.) A PASV reply naming such an address may be dialled when the server's own
    /// address does not answer; a private one may be another machine on the client's own network.
    public var isPubliclyRoutable: Bool {
        let a = octets[0], b = octets[1]
        switch a {
        case 0, 10, 127: return false
        case 100 where (64...127).contains(b): return false
        case 169 where b == 254: return false
        case 172 where (16...31).contains(b): return false
        case 192 where b == 168: return false
        case 192 where b == 0 && octets[2] == 0: return false     // IETF protocol assignments
        case 198 where b == 18 || b == 19: return false            // benchmarking (RFC 2544)
        case 224...255: return false
        default: return true
        }
    }
}
