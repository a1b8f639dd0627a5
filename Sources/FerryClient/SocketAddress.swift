#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// An IPv4 or IPv6 socket address (sockaddr_storage) with its text form.
public struct SocketAddress: Sendable, CustomStringConvertible {
    var storage = sockaddr_storage()
    var length: socklen_t

    init(storage: sockaddr_storage, length: socklen_t) {
        self.storage = storage
        self.length = length
    }

    /// From numeric text ("127.0.0.1", "::1"); nil when it is not a literal address.
    public init?(ip: String, port: UInt16) {
        var v4 = sockaddr_in()
        if inet_pton(AF_INET, ip, &v4.sin_addr) == 1 {
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = port.bigEndian
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
            withUnsafeMutableBytes(of: &storage) { dst in withUnsafeBytes(of: v4) { dst.copyMemory(from: $0) } }
            return
        }
        var v6 = sockaddr_in6()
        let literal = ip.hasPrefix("[") && ip.hasSuffix("]") ? String(ip.dropFirst().dropLast()) : ip
        if inet_pton(AF_INET6, literal, &v6.sin6_addr) == 1 {
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = port.bigEndian
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            withUnsafeMutableBytes(of: &storage) { dst in withUnsafeBytes(of: v6) { dst.copyMemory(from: $0) } }
            return
        }
        return nil
    }

    /// The address family: `AF_INET` or `AF_INET6`.
    public var family: Int32 { Int32(storage.ss_family) }
    /// Whether this is an IPv6 address.
    public var isIPv6: Bool { family == AF_INET6 }

    /// The port number, in host byte order.
    public var port: UInt16 {
        get {
            withUnsafeBytes(of: storage) { raw in
                isIPv6 ? UInt16(bigEndian: raw.load(as: sockaddr_in6.self).sin6_port)
                       : UInt16(bigEndian: raw.load(as: sockaddr_in.self).sin_port)
            }
        }
        set {
            let isV6 = isIPv6
            withUnsafeMutableBytes(of: &storage) { raw in
                if isV6 {
                    var v6 = raw.load(as: sockaddr_in6.self); v6.sin6_port = newValue.bigEndian
                    raw.storeBytes(of: v6, as: sockaddr_in6.self)
                } else {
                    var v4 = raw.load(as: sockaddr_in.self); v4.sin_port = newValue.bigEndian
                    raw.storeBytes(of: v4, as: sockaddr_in.self)
                }
            }
        }
    }

    /// The numeric address without the port ("127.0.0.1", "::1").
    public var ip: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        withUnsafeBytes(of: storage) { raw in
            if isIPv6 {
                var addr = raw.load(as: sockaddr_in6.self).sin6_addr
                _ = inet_ntop(AF_INET6, &addr, &buffer, socklen_t(buffer.count))
            } else {
                var addr = raw.load(as: sockaddr_in.self).sin_addr
                _ = inet_ntop(AF_INET, &addr, &buffer, socklen_t(buffer.count))
            }
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public var description: String { isIPv6 ? "[\(ip)]:\(port)" : "\(ip):\(port)" }

    func withSockAddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        withUnsafeBytes(of: storage) { raw in body(raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), length) }
    }

    /// Resolves a host name or literal to addresses, in the resolver's order.
    static func resolve(host: String, port: UInt16, family: AddressFamily) throws(FTPError) -> [SocketAddress] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = family.systemValue
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &result)
        guard status == 0, let first = result else {
            // A literal of the other family than the one allowed: say so, not "cannot resolve".
            var scratch = in6_addr()
            if family == .ipv4, inet_pton(AF_INET6, host, &scratch) == 1 {
                throw FTPError(.connectionFailed, "'\(host)' is an IPv6 address, and only IPv4 is allowed (-4)")
            }
            if family == .ipv6, inet_pton(AF_INET, host, &scratch) == 1 {
                throw FTPError(.connectionFailed, "'\(host)' is an IPv4 address, and only IPv6 is allowed (-6)")
            }
            let reason = String(cString: gai_strerror(status))
            throw FTPError(.connectionFailed, "cannot resolve host '\(host)': \(reason); check the name")
        }
        defer { freeaddrinfo(first) }
        var addresses: [SocketAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            if let sa = info.pointee.ai_addr, info.pointee.ai_family == AF_INET || info.pointee.ai_family == AF_INET6 {
                var storage = sockaddr_storage()
                withUnsafeMutableBytes(of: &storage) { dst in
                    dst.copyMemory(from: UnsafeRawBufferPointer(start: sa, count: Int(info.pointee.ai_addrlen)))
                }
                addresses.append(SocketAddress(storage: storage, length: info.pointee.ai_addrlen))
            }
            cursor = info.pointee.ai_next
        }
        return addresses
    }
}

/// Which address families a connection may use (`-4`, `-6`).
public enum AddressFamily: Sendable, Equatable {
    /// `any`: either family; `ipv4`: IPv4 only (`-4`); `ipv6`: IPv6 only (`-6`).
    case any, ipv4, ipv6
    var systemValue: Int32 {
        switch self {
        case .any: return AF_UNSPEC
        case .ipv4: return AF_INET
        case .ipv6: return AF_INET6
        }
    }
}
