import Foundation

/// Which real server a test talks to.
public enum ServerKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case pyftpdlib, vsftpd, proftpd, pureftpd = "pure-ftpd"
    public var description: String { rawValue }
    /// Serves files as a system account (the tests' own): what a test puts in its root must be that account's.
    public var runsAsAccount: Bool { self != .pyftpdlib }
    /// Offers MLSD (every server here but vsftpd).
    public var hasMLSD: Bool { self != .vsftpd }
}

/// A real FTP server on loopback that a test started; it stops when released.
public protocol TestServer: AnyObject {
    var kind: ServerKind { get }
    var host: String { get }
    var port: UInt16 { get }
    /// The folder the test user sees as its login directory.
    var root: String { get }
    var user: String { get }
    var password: String { get }
    func stop()
}

extension TestServer {
    /// A file path inside the server's root.
    public func path(_ name: String) -> String { (root as NSString).appendingPathComponent(name) }
}

/// Options for the pyftpdlib server's fault injection (ignored by vsftpd).
public struct ServerOptions: Sendable {
    /// The address to listen on: 127.0.0.1 or ::1.
    public var host = "127.0.0.1"
    public var refuse: [String] = []
    public var masquerade: String?
    public var cutRetrieveAfter: Int?
    public var cutStoreAfter: Int?
    /// Offer HASH (with RANG), XSHA256 and XCRC.
    public var hash = false
    /// Answer EPSV with a port whose SYNs go unanswered.
    public var epsvBlackHole = false
    /// Drop the control and data connections, without a reply, after this many RETR bytes.
    public var dropControlAfterRetrieve: Int?
    /// Answer this verb with 421 and hang up.
    public var reply421On: String?
    /// Stop sending RETR data after this many bytes, leaving the connection open.
    public var stallRetrieveAfter: Int?
    /// Flip a byte of every RETR (same size, different content).
    public var corruptRetrieve = false
    /// Every MLSD line says this size.
    public var mlsdSize: Int?
    /// Sessions after this many never answer FEAT (extra logins that hang).
    public var muteAfterSessions: Int?
    /// Bytes per second at most on each RETR data connection (0: no limit).
    public var rateLimit = 0
    /// Answer MDTM with this reply line.
    public var mdtmReply: String?
    /// Answer SIZE with this reply line.
    public var sizeReply: String?
    /// Answer this verb with "150 Still working" lines forever.
    public var endlessPreliminaryOn: String?
    /// Answer this verb only after this many seconds.
    public var lateReply: (verb: String, seconds: Double)?
    /// Accept connections but never send the greeting.
    public var silentGreeting = false
    /// Raw lines added to every LIST / MLSD listing.
    public var extraListLines: [String] = []
    public var extraMLSDLines: [String] = []
    /// Append `RETR path` / `STOR path` to this file for every finished transfer.
    public var transferLog: String?
    /// Offer neither MLST, MLSD nor MFMT: LIST only, as vsftpd.
    public var listOnly = false
    /// LIST shows times on a clock this many hours east of UTC (MDTM stays UTC).
    public var listUTCOffsetHours: Int?
    /// Made-up files added to every listing of the top folder (memory tests).
    public var syntheticEntries = 0
    /// Serve this folder (another server's root) instead of a fresh one.
    public var root: String?
    /// Listen on this port (a server started again where the previous one was); nil: any free one.
    public var port: UInt16?
    /// MLSD without the `unique` fact.
    public var noUnique = false
    /// LIST and MLSD send at most this many entries and say so in their 226 (pyftpdlib); the listing cap (-L) of
    /// pure-ftpd.
    public var cutListingsAt: Int?
    /// The 226 of a cut listing in another server's words ("Listing truncated: too many files", then "226 Transfer
    /// complete.") instead of pure-ftpd's.
    public var otherCutWording = false
    /// The first this many STORs hang up the control connection before the server opens the file.
    public var dropControlOnStore = 0
    /// Hang up the control connection once this many bytes of the first STOR arrived.
    public var dropControlDuringStore: Int?
    /// STOR writes to `.pureftpd-upload.NAME` and puts it over NAME only when complete (pure-ftpd's -0).
    public var storeElsewhere = false
    /// STOR of a name starting with '.' is answered 553; RNFR is answered 550.
    public var refuseDotStore = false
    public var refuseRename = false
    public init() {}
}

public enum TestServers {
    public static func start(_ kind: ServerKind, options: ServerOptions = ServerOptions()) throws -> TestServer {
        switch kind {
        case .pyftpdlib: return try PyFTPServer(options: options)
        case .vsftpd: return try VsftpdServer()
        case .proftpd: return try ProftpdServer()
        case .pureftpd: return try PureFTPdServer()
        }
    }
}

/// TCP on 127.0.0.1 for the test helpers: free ports, listeners, readiness checks.
public enum FreePort {
    /// A free TCP port on 127.0.0.1, found by binding port 0.
    public static func allocate() throws -> UInt16 {
        let fd = try listener(port: 0, backlog: 0)
        defer { close(fd) }
        return localPort(fd)
    }

    /// A socket bound to 127.0.0.1:port and listening (port 0: any).
    public static func listener(port: UInt16, backlog: Int32 = 4) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = loopback(port)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard fd >= 0, bound == 0, listen(fd, backlog) == 0 else {
            close(fd)
            throw TestSupportError("cannot listen on 127.0.0.1:\(port)")
        }
        return fd
    }

    public static func localPort(_ fd: Int32) -> UInt16 {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return UInt16(bigEndian: address.sin_port)
    }

    /// A connected socket to 127.0.0.1:port, or -1.
    static func connectLoopback(_ port: UInt16) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = loopback(port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if connected != 0 { close(fd); return -1 }
        return fd
    }

    static func loopback(_ port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
        return address
    }

    /// Waits until 127.0.0.1:port accepts connections (an implicit-TLS server sends nothing in clear).
    static func waitForListener(port: UInt16, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let fd = connectLoopback(port)
            if fd >= 0 { close(fd); return true }
            usleep(50_000)
        }
        return false
    }

    /// Waits until something on 127.0.0.1:port sends a line starting with "220".
    static func waitForGreeting(port: UInt16, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let fd = connectLoopback(port)
            if fd >= 0 {
                var timeoutValue = timeval(tv_sec: 2, tv_usec: 0)
                setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeoutValue, socklen_t(MemoryLayout<timeval>.size))
                var buffer = [UInt8](repeating: 0, count: 512)
                let count = read(fd, &buffer, buffer.count)
                _ = write(fd, "QUIT\r\n", 6)
                close(fd)
                if count >= 3, buffer[0] == UInt8(ascii: "2"), buffer[1] == UInt8(ascii: "2"), buffer[2] == UInt8(ascii: "0") {
                    return true
                }
            }
            usleep(50_000)
        }
        return false
    }
}
