@preconcurrency import COpenSSL
import FerryCore
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Asking the server for a file's checksum (HASH with RANG, XSHA256 or XCRC), and computing the same locally.
extension FTPClient {
    /// A checksum the server computed of a file, and how it was asked for.
    public struct RemoteChecksum: Sendable, Equatable {
        /// The checksum's algorithm.
        public var algorithm: ChecksumAlgorithm
        /// The checksum, lower-case hex.
        public var hex: String
        /// The command that gave it ("HASH", "XSHA256", "XCRC").
        public var command: String
    }

    /// The server can checksum a byte range (HASH with RANG, XSHA256, XCRC): what `remoteChecksum(of:length:)` asks.
    public var offersRangeChecksum: Bool {
        (features.supports("HASH") && features.supports("RANG")) || features.supports("XSHA256") || features.supports("XCRC")
    }

    /// The checksum the server offers for `path` — its first `length` bytes, or all of it — or nil when it
    /// offers none. Preference: HASH (draft-bryan-ftp-hash, SHA-256 then CRC32, ranges by RANG), XSHA256, XCRC.
    public func remoteChecksum(of path: String, length: Int64? = nil) throws(FTPError) -> RemoteChecksum? {
        if let offered = features.parameters(of: "HASH") {
            let names = offered.split(separator: ";").map { $0.filter { $0 != "*" }.uppercased() }
            let selected = offered.split(separator: ";").first { $0.hasSuffix("*") }.map { $0.dropLast().uppercased() }
            for algorithm in [ChecksumAlgorithm.sha256, .crc32] where names.contains(algorithm.rawValue) {
                if selected != algorithm.rawValue {
                    guard try execute(Command(.opts, "HASH \(algorithm.rawValue)")).code.isSuccess else { continue }
                }
                if let length {
                    if length == 0 { return RemoteChecksum(algorithm: algorithm, hex: emptyDigest(algorithm), command: "HASH") }
                    let range = try execute(Command(Verb("RANG"), "0 \(length - 1)"))
                    guard range.code == .pendingFurtherInformation else { break }
                }
                let reply = try execute(Command(Verb("HASH"), path))
                // 213 SHA-256 0-49 169cd22282da7f147cb491e559e9dd filename
                let words = reply.firstLineText.split(separator: " ")
                guard reply.code == .fileStatus, words.count >= 3 else { return nil }
                return RemoteChecksum(algorithm: algorithm, hex: words[2].lowercased(), command: "HASH")
            }
        }
        for (verb, algorithm) in [("XSHA256", ChecksumAlgorithm.sha256), ("XCRC", .crc32)] where features.supports(verb) {
            let quoted = path.contains(" ") ? "\"\(path)\"" : path
            let argument = length.map { "\(quoted) 0 \($0)" } ?? quoted
            let reply = try execute(Command(Verb(verb), argument))
            guard reply.code.isSuccess, let word = reply.firstLineText.split(separator: " ").first,
                  word.allSatisfy(\.isHexDigit) else { continue }
            let hex = word.lowercased()
            return RemoteChecksum(algorithm: algorithm, hex: String(repeating: "0", count: max(0, 8 - hex.count)) + hex,
                                  command: verb)
        }
        return nil
    }

    /// The checksum of the first `length` bytes of a local file (all of it when nil).
    public static func localChecksum(of path: String, algorithm: ChecksumAlgorithm, length: Int64? = nil) throws(FTPError) -> String {
        let fd = WireText.withCString(path) { open($0, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else { throw FTPError(.localFile, "cannot read '\(path)': \(FTPError.systemMessage(errno))") }
        defer { Glibc.close(fd) }
        var hasher: any StreamingChecksum = algorithm == .sha256 ? OpenSSLSHA256.make() : algorithm.makeHasher()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 4096)
        defer { buffer.deallocate() }
        var remaining = length ?? Int64.max
        while remaining > 0 {
            let count = read(fd, buffer.baseAddress, Int(min(Int64(buffer.count), remaining)))
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { throw FTPError(.localFile, "cannot read '\(path)': \(FTPError.systemMessage(errno))") }
            if count == 0 { break }
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            remaining -= Int64(count)
        }
        return hasher.hexDigest()
    }

    private func emptyDigest(_ algorithm: ChecksumAlgorithm) -> String { algorithm.makeHasher().hexDigest() }
}

extension Character {
    var isHexDigit: Bool { ("0"..."9").contains(self) || ("a"..."f").contains(self) || ("A"..."F").contains(self) }
}


/// SHA-256 through OpenSSL's EVP interface, which uses the CPU's SHA instructions where it has them
/// (about 10× FerryCore's portable implementation on this machine).
final class OpenSSLSHA256: StreamingChecksum {
    /// OpenSSL's SHA-256 when libcrypto can be loaded, else FerryCore's (slower, the same digest).
    static func make() -> any StreamingChecksum {
        ferry_crypto_available() == 1 ? OpenSSLSHA256() : ChecksumAlgorithm.sha256.makeHasher()
    }

    private let context: OpaquePointer?

    private init() {
        context = ferry_EVP_MD_CTX_new()
        ferry_EVP_DigestInit_ex(context, ferry_EVP_sha256(), nil)
    }

    deinit { ferry_EVP_MD_CTX_free(context) }

    func update(_ bytes: UnsafeRawBufferPointer) {
        if let base = bytes.baseAddress { ferry_EVP_DigestUpdate(context, base, bytes.count) }
    }

    func hexDigest() -> String {
        guard let copy = ferry_EVP_MD_CTX_new() else { return "" }
        defer { ferry_EVP_MD_CTX_free(copy) }
        ferry_EVP_MD_CTX_copy_ex(copy, context)
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        ferry_EVP_DigestFinal_ex(copy, &digest, &length)
        return digest.prefix(Int(length)).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
