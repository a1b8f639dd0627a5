import FerryClient
import FerryCore

/// A diagnosis in the shell's words: the verdict, the method Ferry uses, and the flags and `set` lines that make
/// it stick; as text for a person or one JSON object for a program.
struct DiagnosisReport {
    let diagnosis: ConnectionDiagnosis
    /// The mode Ferry starts with (passive unless -A / `passive off`).
    let mode: DataChannelPlan.Mode
    let probeWait: Double

    /// The order Ferry tries the methods in, by default, for this mode.
    private var order: [DataChannelPlan.Step] {
        mode == .passive ? [.extendedPassive, .passive, .extendedActive, .active] : [.extendedActive, .active, .extendedPassive, .passive]
    }

    private var working: [ConnectionDiagnosis.ModeResult] { diagnosis.modes.filter(\.works) }

    /// The method Ferry ends up with for this server: the first that works, in its order.
    var chosen: ConnectionDiagnosis.ModeResult? {
        order.lazy.compactMap { step in diagnosis.modes.first { $0.step == step && $0.works } }.first
    }

    /// Command-line flags that go straight to the chosen method.
    var flags: [String] {
        guard let chosen, chosen.step != order.first else { return [] }
        return chosen.step.mode != mode ? [mode == .passive ? "-A" : "-p"] : []
    }

    /// `set`-style lines (for a script or a .netrc `macdef init`) that go straight to the chosen method.
    var settings: [String] {
        guard let chosen, chosen.step != order.first else { return [] }
        var lines: [String] = []
        if chosen.step.mode != mode { lines.append(mode == .passive ? "passive off" : "passive on") }
        if chosen.step == .passive || chosen.step == .active { lines.append("epsv4 off") }
        if chosen.viaOfferedAddress { lines.append("set trust-pasv on") }
        return lines
    }

    var verdict: String {
        guard diagnosis.loggedIn else {
            return "the session did not get as far as data connections: \(diagnosis.stages.last?.detail ?? "no connection")"
        }
        let passive = diagnosis.modes.filter { $0.step.isPassive && $0.works }.map(\.step.rawValue)
        let active = diagnosis.modes.filter { !$0.step.isPassive && $0.works }.map(\.step.rawValue)
        func say(_ steps: [String], _ name: String) -> String {
            steps.isEmpty ? "\(name) mode fails" : "\(name) mode works (\(steps.joined(separator: ", ")))"
        }
        return "\(say(passive, "passive")); \(say(active, "active"))"
    }

    var advice: [String] {
        guard diagnosis.loggedIn else { return ["check the host, the port and the login; then run the diagnosis again"] }
        guard let chosen else {
            var lines = ["no data connection works through this path"]
            let failures = diagnosis.modes.flatMap(\.failures)
            if failures.contains(where: { if case .noAnswer = $0 { true } else if case .connectionRefused = $0 { true } else { false } }) {
                lines.append("passive mode: the server's administrator must open its passive port range in the firewall (and forward it, behind NAT)")
            }
            lines.append("active mode: let the server's connections in (open your firewall to it), or if you are behind NAT, set active-address to your public address and forward the active port range (set active-port-range)")
            return lines
        }
        let step = chosen.step.rawValue
        if chosen.step == order.first {
            return ["\(step) works at once: Ferry's defaults need no change"]
        }
        let before = order.prefix { $0 != chosen.step }.map(\.rawValue)
        let quick = diagnosis.modes.filter { before.contains($0.step.rawValue) }.allSatisfy { $0.seconds < 1 }
        let each = (before.count > 1 ? "each fails" : "it fails") + (quick ? " at once" : " within \(Seconds.text(probeWait)) s")
        var lines = ["Ferry uses \(step) here: it tries \(before.joined(separator: " and ")) first (\(each)), then \(step), and keeps \(step) for the rest of the session"]
        if !flags.isEmpty {
            lines.append("to go straight to it: ferry \(flags.joined(separator: " ")) \(diagnosis.host)")
        }
        if !settings.isEmpty {
            lines.append("or give these commands at the start of a session (or in a .netrc 'macdef init' for this host): \(settings.joined(separator: "; "))")
        }
        return lines
    }

    // MARK: text

    var text: String {
        var out = "Diagnosis of \(diagnosis.host) port \(diagnosis.port)\n"
        for stage in diagnosis.stages {
            out += row(stage.name, stage.ok ? "ok" : "FAILS", stage.seconds, stage.detail)
        }
        if diagnosis.loggedIn {
            out += row("TLS", "", nil, tlsLine)
            for (index, certificate) in (diagnosis.tls?.chain ?? []).enumerated() {
                out += row("", "", nil, "certificate \(index + 1): \(certificate)")
            }
            out += "Data connections, each method by itself (\(Seconds.text(probeWait)) s wait for a silent port):\n"
            for result in diagnosis.modes {
                var reason = result.reason
                if result.step == .passive, let advertised = result.advertised { reason += " [227 named \(advertised)]" }
                out += row(result.step.rawValue, result.works ? "works" : "fails", result.seconds, reason)
            }
        }
        // Server words reach the verdict (a failed login's reply): made harmless like every other line.
        out += "Verdict: \(Console.sanitize(verdict)).\n"
        for line in advice { out += "  \(Console.sanitize(line))\n" }
        if !settings.isEmpty {
            out += "  In ~/.netrc, for every session with this host:\n    machine \(diagnosis.host)\n    macdef init\n"
            for line in settings { out += "    \(line)\n" }
            out += "    (an empty line ends the macro)\n"
        }
        return out
    }

    private var tlsLine: String {
        if let tls = diagnosis.tls {
            var parts = ["\(tls.version ?? "TLS") on the control connection"]
            if let fingerprint = tls.fingerprint { parts.append("certificate SHA-256 \(fingerprint)") }
            parts.append(tls.certificateProblem.map { "not verified: \($0)" } ?? "certificate verified")
            parts.append(tls.dataProtected ? "PROT P (data encrypted)" : "PROT C (data in clear text)")
            if let reused = tls.dataSessionReused {
                parts.append(reused ? "data connections resume the TLS session" : "data connections do NOT resume the TLS session")
            }
            return parts.joined(separator: "; ")
        }
        switch diagnosis.tlsOffered {
        case true?: return "offered (AUTH TLS), not used: add --tls to use it"
        case false?: return "not offered: FEAT lists no AUTH TLS (nor PBSZ and PROT); the password went in clear text"
        case nil: return "unknown: the server did not answer FEAT"
        }
    }

    private func row(_ name: String, _ status: String, _ seconds: Double?, _ detail: String) -> String {
        let time = seconds.map { String(Seconds.milliseconds($0)) + " s" } ?? ""
        return "  " + pad(name, 9) + pad(status, 6) + pad(time, 10) + Console.sanitize(detail) + "\n"
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    // MARK: JSON

    var json: String {
        var fields: [(String, String)] = [
            ("host", JSONLines.string(diagnosis.host)),
            ("port", String(diagnosis.port)),
            ("address", diagnosis.address.map(JSONLines.string) ?? "null"),
            ("family", diagnosis.family.map(JSONLines.string) ?? "null"),
            ("local_address", diagnosis.localAddress.map(JSONLines.string) ?? "null"),
            ("logged_in", String(diagnosis.loggedIn)),
        ]
        let stages = diagnosis.stages.map { stage in
            object([("name", JSONLines.string(stage.name)), ("ok", String(stage.ok)),
                    ("seconds", stage.seconds.map(Seconds.milliseconds) ?? "null"), ("detail", JSONLines.string(stage.detail))])
        }
        fields.append(("stages", "[" + stages.joined(separator: ",") + "]"))
        var tls: [(String, String)] = [("offered", diagnosis.tlsOffered.map { String($0) } ?? "null"),
                                       ("used", String(diagnosis.tls != nil))]
        if let facts = diagnosis.tls {
            tls += [("version", facts.version.map(JSONLines.string) ?? "null"),
                    ("fingerprint", facts.fingerprint.map(JSONLines.string) ?? "null"),
                    ("chain", "[" + facts.chain.map(JSONLines.string).joined(separator: ",") + "]"),
                    ("verified", String(facts.certificateProblem == nil)),
                    ("data_protected", String(facts.dataProtected)),
                    ("data_session_reused", facts.dataSessionReused.map { String($0) } ?? "null")]
        }
        fields.append(("tls", object(tls)))
        let modes = diagnosis.modes.map { result in
            var mode: [(String, String)] = [("works", String(result.works)), ("seconds", Seconds.milliseconds(result.seconds)),
                                            ("reason", JSONLines.string(result.reason))]
            if let advertised = result.advertised { mode.append(("advertised", JSONLines.string(advertised))) }
            if result.step == .passive { mode.append(("via_offered_address", String(result.viaOfferedAddress))) }
            return (result.step.rawValue, object(mode))
        }
        fields.append(("modes", object(modes)))
        fields.append(("chosen", chosen.map { JSONLines.string($0.step.rawValue) } ?? "null"))
        fields.append(("verdict", JSONLines.string(verdict)))
        fields.append(("advice", "[" + advice.map(JSONLines.string).joined(separator: ",") + "]"))
        fields.append(("flags", "[" + flags.map(JSONLines.string).joined(separator: ",") + "]"))
        fields.append(("settings", "[" + settings.map(JSONLines.string).joined(separator: ",") + "]"))
        return object(fields) + "\n"
    }

    private func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { "\(JSONLines.string($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }
}
