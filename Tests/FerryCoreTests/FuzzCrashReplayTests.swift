import Foundation
import Testing
@testable import FerryCore

/// Every input `make fuzz` ever crashed on stays in Tests/Fixtures/fuzz-crashes and must now pass through
/// FuzzTargets.exercise, the very code the fuzzer drives (a crash fails the run).
@Suite struct FuzzCrashReplayTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/fuzz-crashes")

    @Test func keptCrashInputsParseWithoutCrashing() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter { $0 != "README" }
        for name in names {
            FuzzTargets.exercise(Array(try Data(contentsOf: Self.folder.appendingPathComponent(name))))
        }
        #expect(FileManager.default.fileExists(atPath: Self.folder.appendingPathComponent("README").path))
        // The inputs found for issue 9 at least: a replay over an empty folder would prove nothing.
        #expect(names.filter { $0.hasPrefix("crash-") }.count >= 4, "\(names)")
    }
}
