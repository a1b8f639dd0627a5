import FerryTestSupport
import Foundation
import Testing

/// The NAT and firewall lab (NetworkLab): `ferry --diagnose` names what gets through and why on each path, its
/// advice works when followed, and plain commands get through in the default mode and fail with the cause in
/// forced ones. Nothing here is timed: what shows that a method was given up quickly is the words "within 3 s" and
/// that a later command goes straight to what worked (no second round of attempts in the -d trace).
@Suite struct NetworkLabTests {
    struct Case: Sendable, CustomStringConvertible {
        let path: NetworkLab.Path
        /// EPSV, PASV, EPRT, PORT: works, and words the reason must hold.
        let modes: [String: (works: Bool, words: String)]
        let chosen: String?
        var description: String { path.rawValue }
    }

    static let passiveOK: [String: (works: Bool, words: String)] = [
        "EPSV": (true, "a listing came through port"), "PASV": (true, "a listing came through port")]
    static let activeOK: [String: (works: Bool, words: String)] = [
        "EPRT": (true, "the server connected back"), "PORT": (true, "the server connected back")]

    static let cases: [Case] = [
        Case(path: .routed, modes: passiveOK.merging(activeOK) { a, _ in a }, chosen: "EPSV"),
        Case(path: .serverNAT, modes: [
            "EPSV": (true, "a listing came through port"),
            "PASV": (true, "the server's 227 names 10.2.0.2, a private address that differs from the address you connected to: the server is behind NAT"),
        ].merging(activeOK) { a, _ in a }, chosen: "EPSV"),
        Case(path: .clientNAT, modes: passiveOK.merging([
            "EPRT": (false, "the server refused EPRT 10.1.0.2 (500 Illegal EPRT command.): you are behind NAT"),
            "PORT": (false, "the server refused PORT 10.1.0.2 (500 Illegal PORT command.): you are behind NAT"),
        ]) { a, _ in a }, chosen: "EPSV"),
        Case(path: .clientFirewallDrop, modes: passiveOK.merging([
            "EPRT": (false, "the server did not connect back within 8 s (EPRT): a firewall drops connections to you"),
            "PORT": (false, "the server did not connect back within 8 s (PORT): a firewall drops connections to you"),
        ]) { a, _ in a }, chosen: "EPSV"),
        Case(path: .serverFirewallDrop, modes: [
            "EPSV": (false, "within 3 s (EPSV): a firewall drops the server's passive ports"),
            "PASV": (false, "within 3 s (PASV): a firewall drops the server's passive ports"),
        ].merging(activeOK) { a, _ in a }, chosen: "EPRT"),
        Case(path: .serverFirewallReject, modes: [
            "EPSV": (false, "refused the connection (EPSV): a firewall rejects the server's passive ports"),
            "PASV": (false, "refused the connection (PASV): a firewall rejects the server's passive ports"),
        ].merging(activeOK) { a, _ in a }, chosen: "EPRT"),
        Case(path: .epsvBlackHole, modes: [
            "EPSV": (false, "nothing answered on port"),
            "PASV": (true, "the address the 227 reply names (203.0.113.3) did"),
        ].merging(activeOK) { a, _ in a }, chosen: "PASV"),
        Case(path: .blocked, modes: [
            "EPSV": (false, "a firewall drops the server's passive ports"), "PASV": (false, "a firewall drops the server's passive ports"),
            "EPRT": (false, "did not connect back"), "PORT": (false, "did not connect back"),
        ], chosen: nil),
    ]

    func json(_ text: String) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw TestSupportError("not a JSON object: \(text)")
        }
        return object
    }

    @Test(arguments: cases) func diagnosisNamesWhatGetsThroughAndWhyAndItsAdviceWorks(_ expected: Case) throws {
        let lab = try NetworkLab(expected.path)
        let work = try TemporaryDirectory("ferry-lab")
        // A password from .netrc, to show that the trace masks it.
        try TestFiles.write(work.file(".netrc"), "machine \(lab.server) login anonymous password lab-secret-4711\n")
        chmod(work.file(".netrc"), 0o600)
        let trace = work.file("trace.txt")
        let result = try lab.ferry(["--diagnose", "--json", "--trace", trace, lab.server], timeout: 60, directory: work.path)
        #expect(result.status == (expected.chosen == nil ? 1 : 0), "\(result.output)")
        let report = try json(result.stdout)
        #expect(report["host"] as? String == lab.server)
        #expect(report["address"] as? String == lab.server)
        #expect(report["logged_in"] as? Bool == true, "\(result.stdout)")
        let modes = try #require(report["modes"] as? [String: [String: Any]], "\(result.stdout)")
        for (step, mode) in expected.modes {
            let found = try #require(modes[step], "\(step) missing: \(result.stdout)")
            #expect(found["works"] as? Bool == mode.works, "\(step): \(result.stdout)")
            #expect((found["reason"] as? String ?? "").contains(mode.words), "\(step): \(found["reason"] ?? "")")
            #expect(found["seconds"] is Double || found["seconds"] is Int)
        }
        #expect(report["chosen"] as? String == expected.chosen, "\(result.stdout)")
        if expected.path == .epsvBlackHole {
            #expect(modes["PASV"]?["advertised"] as? String == "203.0.113.3:\(((modes["PASV"]?["advertised"] as? String) ?? "").split(separator: ":").last ?? "")")
            #expect(modes["PASV"]?["via_offered_address"] as? Bool == true)
        }
        let advice = report["advice"] as? [String] ?? []
        #expect(!advice.isEmpty)
        // The trace: the exchange with times, the password masked.
        let traced = try String(contentsOfFile: trace, encoding: .utf8)
        #expect(traced.contains("] --> USER anonymous") && traced.contains("] --> PASS XXXX") && traced.contains("] --> EPSV"), "\(traced)")
        #expect(!traced.contains("lab-secret-4711") && !result.output.contains("lab-secret-4711"))

        // The text form says the same in words, and ends with the verdict.
        let text = try lab.ferry(["--diagnose", lab.server], timeout: 60, directory: work.path)
        #expect(text.stdout.hasPrefix("Diagnosis of \(lab.server) port 21\n"), "\(text.output)")
        #expect(text.stdout.contains("Verdict: "), "\(text.output)")
        for (step, mode) in expected.modes {
            #expect(text.stdout.contains("\n  \(step)     \(mode.works ? "works" : "fails")"), "\(step): \(text.stdout)")
        }

        // Following the advice: its flags and settings go straight to the method that works (nothing waited out).
        guard expected.chosen != nil else { return }
        let flags = report["flags"] as? [String] ?? []
        let settings = report["settings"] as? [String] ?? []
        let script = (["user anonymous x"] + settings + ["ls", "get one-mib.bin"]).joined(separator: "\n") + "\n"
        let followed = try lab.ferry(flags + ["-d", "-n", lab.server], script: script, timeout: 60, directory: work.path)
        #expect(followed.status == 0, "\(followed.output)")
        #expect(followed.stdout.contains("f5.txt"), "\(followed.output)")
        #expect(!followed.stderr.contains("trying the next method"), "the advice leads straight there: \(followed.stderr)")
        #expect(try TestFiles.read(work.file("one-mib.bin")) == TestFiles.read(lab.root.file("one-mib.bin")))
    }

    @Test(arguments: cases) func plainCommandsGetThroughInTheDefaultModeAndLaterOnesGoStraight(_ expected: Case) throws {
        let lab = try NetworkLab(expected.path)
        let work = try TemporaryDirectory("ferry-lab")
        let script = "user anonymous x\nls\nget one-mib.bin\nls\n"
        let result = try lab.ferry(["-d", "-n", lab.server], script: script, timeout: 60, directory: work.path)
        guard expected.chosen != nil else {
            // Nothing gets through: each command fails with the causes of both modes, and does not hang.
            #expect(result.status == 1)
            #expect(result.stderr.contains("nothing answered on port") && result.stderr.contains("a firewall drops the server's passive ports"), "\(result.stderr)")
            #expect(result.stderr.contains("did not connect back within 8 s"), "\(result.stderr)")
            #expect(!TestFiles.exists(work.file("one-mib.bin")))
            return
        }
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.components(separatedBy: "one-mib.bin").count == 3, "\(result.stdout)")
        #expect(try TestFiles.read(work.file("one-mib.bin")) == TestFiles.read(lab.root.file("one-mib.bin")))
        // What failed was given up within 3 s, in the first command only; later commands use what worked.
        let afterFirst = result.stderr.components(separatedBy: "---> LIST").dropFirst().joined()
        #expect(!afterFirst.contains("trying the next method"), "\(result.stderr)")
        let chosen = try #require(expected.chosen)
        #expect(afterFirst.components(separatedBy: "---> \(chosen)").count == 3, "get and the second ls use \(chosen): \(result.stderr)")
        if expected.modes.values.contains(where: { !$0.works }), chosen != "EPSV" {
            #expect(result.stderr.contains("\(chosen)\(chosen == "PASV" ? " to the address PASV offered" : "") works here: Ferry uses it for the rest of this session"), "\(result.stderr)")
        }
    }

    struct Forced: Sendable, CustomStringConvertible {
        let path: NetworkLab.Path
        let flags: [String]
        let script: String
        let succeeds: Bool
        let words: [String]
        var description: String { "\(path.rawValue) \(flags.joined(separator: " ")) \(script.split(separator: "\n").first ?? "")" }
    }

    static let forced: [Forced] = [
        Forced(path: .serverFirewallDrop, flags: ["-p"], script: "ls\n", succeeds: false,
               words: ["ls: no data connection could be made: nothing answered on port", "within 3 s (PASV): a firewall drops the server's passive ports; the server's administrator must open them, or use active mode"]),
        Forced(path: .serverFirewallDrop, flags: ["-p"], script: "set firewall-wait 1\nls\n", succeeds: false,
               words: ["nothing answered on port", "within 1 s (PASV): a firewall drops"]),
        Forced(path: .serverFirewallReject, flags: ["-p"], script: "ls\n", succeeds: false,
               words: ["refused the connection (PASV): a firewall rejects the server's passive ports"]),
        Forced(path: .epsvBlackHole, flags: ["-p"], script: "ls\n", succeeds: true, words: ["trying the address PASV offered, 203.0.113.3"]),
        // -A behind a client firewall: given up in 3 s with the cause; the next command reconnects and works.
        Forced(path: .clientFirewallDrop, flags: ["-A"], script: "ls\npassive on\npwd\nls\n", succeeds: false,
               words: ["ls: no data connection could be made: the server did not connect back within 8 s (EPRT): a firewall drops connections to you",
                       "The server was still trying to connect back, so the connection was closed; reconnecting.", "Remote directory: /"]),
        // -A where the server refuses PORT: passive, said once (a refusal, not a failed connection).
        Forced(path: .clientNAT, flags: ["-A"], script: "ls\nls\n", succeeds: true,
               words: ["the server refused EPRT and PORT: using passive mode for the rest of this session"]),
        Forced(path: .clientNAT, flags: ["-A"], script: "set fallback off\nls\n", succeeds: false,
               words: ["the server refused PORT 10.1.0.2 (500 Illegal PORT command.): you are behind NAT, and 10.1.0.2 is your private address; use passive mode, or set active-address"]),
        // -p where passive works stays passive: the failed active attempts of a firewall never switch it.
        Forced(path: .clientFirewallDrop, flags: ["-p"], script: "ls\nls\n", succeeds: true, words: []),
        Forced(path: .serverFirewallDrop, flags: ["-A"], script: "ls\nget one-mib.bin\n", succeeds: true, words: []),
    ]

    /// Every path in each forced mode: `ls` and `get` get through exactly when a method of that mode does (or, with
    /// -A, when the server refuses active mode outright and passive works), and otherwise fail naming the cause.
    @Test(arguments: cases.flatMap { path in ["-p", "-A"].map { (path, $0) } })
    func eachPathInEachForcedMode(_ expected: Case, _ flag: String) throws {
        let lab = try NetworkLab(expected.path)
        let work = try TemporaryDirectory("ferry-lab")
        let passive = expected.modes["EPSV"]!.works || expected.modes["PASV"]!.works
        let active = expected.modes["EPRT"]!.works || expected.modes["PORT"]!.works
        let refusedActive = expected.modes["PORT"]!.words.contains("the server refused")
        let works = flag == "-p" ? passive : active || (refusedActive && passive)
        let result = try lab.ferry([flag, "-n", lab.server], script: "user anonymous x\nls\nget one-mib.bin\n",
                                   timeout: 60, directory: work.path)
        #expect(result.status == (works ? 0 : 1), "\(result.output)")
        if works {
            #expect(result.stdout.contains("one-mib.bin"), "\(result.output)")
            #expect(try TestFiles.read(work.file("one-mib.bin")) == TestFiles.read(lab.root.file("one-mib.bin")))
        } else {
            #expect(result.stderr.contains("ls: no data connection could be made: "), "\(result.stderr)")
            let cause = flag == "-p" ? "a firewall" : "did not connect back within 8 s"
            #expect(result.stderr.contains(cause), "\(result.stderr)")
            #expect(!TestFiles.exists(work.file("one-mib.bin")))
        }
        // A forced mode is kept: a failed connection never switches it.
        #expect(!result.stderr.contains(flag == "-p" ? "using active mode" : "using passive mode") || refusedActive, "\(result.stderr)")
    }

    @Test(arguments: forced) func forcedModesGetThroughOrFailWithTheCause(_ forced: Forced) throws {
        let lab = try NetworkLab(forced.path)
        let work = try TemporaryDirectory("ferry-lab")
        let result = try lab.ferry(forced.flags + ["-n", lab.server], script: "user anonymous x\n" + forced.script,
                                   timeout: 60, directory: work.path)
        #expect(result.status == (forced.succeeds ? 0 : 1), "\(result.output)")
        for words in forced.words {
            #expect(result.output.contains(words), "\(words): \(result.output)")
        }
        if forced.succeeds { #expect(result.stdout.contains("f5.txt"), "\(result.output)") }
        #expect(!result.stderr.contains("timed out after 60 s"), "\(result.stderr)")
        #expect(!result.stderr.contains("using active mode for the rest of this session"), "\(result.stderr)")
    }

    @Test func ftpsThroughTheServersNATNeedsNoAddressRewriting() throws {
        let lab = try NetworkLab(.serverNAT, tls: true)
        let work = try TemporaryDirectory("ferry-lab")
        let cert = try #require(lab.certificatePath)
        let result = try lab.ferry(["--diagnose", "--json", "--tls", "--cacert", cert, lab.server], timeout: 60, directory: work.path)
        #expect(result.status == 0, "\(result.output)")
        let report = try json(result.stdout)
        let tls = try #require(report["tls"] as? [String: Any], "\(result.stdout)")
        #expect(tls["used"] as? Bool == true && tls["verified"] as? Bool == true, "\(tls)")
        #expect(tls["data_protected"] as? Bool == true && tls["data_session_reused"] as? Bool == true, "\(tls)")
        #expect((tls["version"] as? String ?? "").hasPrefix("TLS"), "\(tls)")
        #expect(tls["offered"] as? Bool == true && tls["chain"] as? [String] == ["/CN=ferry-lab (issued by /CN=ferry-lab)"], "\(tls)")
        let modes = try #require(report["modes"] as? [String: [String: Any]])
        #expect(modes.values.allSatisfy { $0["works"] as? Bool == true }, "\(result.stdout)")
        #expect((modes["PASV"]?["reason"] as? String ?? "").contains("10.2.0.2, a private address"), "\(result.stdout)")
        let text = try lab.ferry(["--diagnose", "--tls", "--cacert", cert, lab.server], timeout: 60, directory: work.path)
        #expect(text.stdout.contains("PROT P (data encrypted); data connections resume the TLS session"), "\(text.stdout)")
        let session = try lab.ferry(["--tls", "--cacert", cert, "-n", lab.server],
                                    script: "user anonymous x\nls\nget one-mib.bin\n", timeout: 60, directory: work.path)
        #expect(session.status == 0, "\(session.output)")
        #expect(try TestFiles.read(work.file("one-mib.bin")) == TestFiles.read(lab.root.file("one-mib.bin")))
    }

    @Test func theShellsDiagnoseCommandDiagnosesTheOpenSessionsServerAndLeavesTheSessionAsItWas() throws {
        let lab = try NetworkLab(.serverFirewallDrop)
        let work = try TemporaryDirectory("ferry-lab")
        let result = try lab.ferry(["-n", lab.server], script: "user anonymous x\ndiagnose\nls\n", timeout: 60, directory: work.path)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.contains("Diagnosis of \(lab.server) port 21\n"), "\(result.stdout)")
        #expect(result.stdout.contains("  EPSV     fails") && result.stdout.contains("  EPRT     works"), "\(result.stdout)")
        #expect(result.stdout.contains("to go straight to it: ferry -A \(lab.server)"), "\(result.stdout)")
        #expect(result.stdout.contains("one-mib.bin"), "the session goes on: \(result.stdout)")
    }

    @Test func openingAPortThatDropsEverythingSaysWhatItIsWaitingFor() throws {
        let lab = try NetworkLab(.serverFirewallDrop)
        let work = try TemporaryDirectory("ferry-lab")
        // Port 2121 of the server: its firewall drops the SYN, so nothing answers until the timeout or Ctrl-C.
        let result = try lab.pty(["-n"], ["expect ftp> ", "send open \(lab.server):2121",
                                          "expect Connecting to \(lab.server) port 2121 (timeout 30 s)…", "interrupt",
                                          "expect ftp> ", "send quit"], directory: work.path)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.stdout.contains("open: interrupted"), "\(result.stdout)")
    }

    @Test func aLabRemovesEveryNamespaceItMade() throws {
        let lab = try NetworkLab(.blocked)
        #expect(lab.namespaces.count == 3, "\(lab.namespaces)")
        lab.stop()
        #expect(lab.namespaces.isEmpty, "\(lab.namespaces)")
        // A lab that cannot be built leaves nothing behind, and a name that is not fl<pid>x<n> is refused.
        let script = TestPaths.fixtures.appendingPathComponent("netlab.sh").path
        let name = "fl\(getpid())x999"
        let bogus = try ProcessRunner.run("/bin/sh", [script, "up", name, "no-such-path", lab.root.path])
        #expect(bogus.status == 2 && bogus.stderr.contains("unknown path"), "\(bogus.output)")
        let left = try ProcessRunner.run("/usr/sbin/ip", ["netns", "list"]).stdout
        #expect(!left.contains(name), "\(left)")
        let badName = try ProcessRunner.run("/bin/sh", [script, "up", "fl1x1;x", "routed", lab.root.path])
        #expect(badName.status == 2 && badName.stderr.contains("the name must be fl<pid>x<n>"), "\(badName.output)")
    }
}
