import FerryTestSupport
import Foundation
import Testing

@Suite struct CommandLineTests {
    @Test func helpListsTheFlagsAndExitsZero() throws {
        let result = try Ferry.run(["--help"])
        #expect(result.status == 0)
        for flag in ["-4", "-6", "-A", "-a", "-d", "-i", "-n", "-p", "-v", "-V", "-P <port>"] {
            #expect(result.stdout.contains(flag), "missing \(flag)")
        }
    }

    @Test func versionPrintsAndExitsZero() throws {
        let result = try Ferry.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("ferry "))
    }

    @Test func badFlagsExitTwoWithOneHint() throws {
        let unknown = try Ferry.run(["-Z"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("ferry --help"))
        let conflicting = try Ferry.run(["-4", "-6", "localhost"])
        #expect(conflicting.status == 2)
        let badPort = try Ferry.run(["-P", "99999", "localhost"])
        #expect(badPort.status == 2)
    }

    @Test func endOfInputQuitsCleanly() throws {
        let result = try Ferry.run([], script: "")
        #expect(result.status == 0)
        #expect(result.output.isEmpty, "no prompt and no chatter on a pipe: \(result.output)")
    }
}
