import Testing
@testable import FerryCore

@Suite struct ChecksumTests {
    func digest(_ algorithm: ChecksumAlgorithm, _ text: String, pieces: Int = 1) -> String {
        var hasher = algorithm.makeHasher()
        let bytes = Array(text.utf8)
        let step = max(1, bytes.count / pieces)
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + step)
            bytes[start..<end].withUnsafeBytes { hasher.update($0) }
            start = end
        }
        return hasher.hexDigest()
    }

    @Test func sha256KnownAnswers() {
        #expect(digest(.sha256, "") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(digest(.sha256, "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        #expect(digest(.sha256, long) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        let million = String(repeating: "a", count: 1_000_000)
        #expect(digest(.sha256, million, pieces: 7) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func crc32KnownAnswers() {
        #expect(digest(.crc32, "123456789") == "cbf43926")
        #expect(digest(.crc32, "") == "00000000")
        #expect(digest(.crc32, "The quick brown fox jumps over the lazy dog", pieces: 5) == "414fa339")
    }
}
