import Foundation

public enum TestFiles {
    /// Writes `size` random bytes to `path`.
    public static func writeRandom(_ path: String, size: Int) throws {
        var generator = SystemRandomNumberGenerator()
        var data = Data(count: size)
        data.withUnsafeMutableBytes { raw in
            let words = raw.bindMemory(to: UInt64.self)
            for index in words.indices { words[index] = generator.next() }
            for index in (words.count * 8)..<size { raw[index] = UInt8.random(in: 0...255) }
        }
        try data.write(to: URL(fileURLWithPath: path))
    }

    public static func write(_ path: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    public static func read(_ path: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: path))
    }

    /// The sha256 of a file, by sha256sum (coreutils).
    public static func sha256(_ path: String) throws -> String {
        let result = try ProcessRunner.run("/usr/bin/sha256sum", [path], timeout: 60)
        guard result.status == 0, let hash = result.stdout.split(separator: " ").first else {
            throw TestSupportError("sha256sum failed for \(path): \(result.stderr)")
        }
        return String(hash)
    }

    public static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    /// Names in a folder, hidden ones included, sorted.
    public static func names(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }
}
