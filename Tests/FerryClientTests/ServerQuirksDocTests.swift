import FerryClient
import FerryCore
import FerryTestSupport
import Foundation
import Testing

/// Docs/Servers.md's table is what the four servers answer now: each is started, asked the same questions, and the
/// table rendered from the answers must be the one in the document (FERRY_UPDATE_FIXTURES=1 writes it anew).
@Suite struct ServerQuirksDocTests {
    static let document = TestPaths.packageRoot.appendingPathComponent("Docs/Servers.md")
    static let begin = "<!-- table: written by ServerQuirksDocTests; FERRY_UPDATE_FIXTURES=1 swift test --filter ServerQuirksDocTests -->"
    static let end = "<!-- end of table -->"

    /// The questions, in the table's order.
    static let rows = [
        "Listing Ferry reads", "Bare NLST", "OPTS UTF8 ON", "MFMT", "SITE UTIME", "MDTM YYYYMMDDHHMMSS name",
        "SIZE in ASCII mode", "REST in ASCII mode", "LIST of a missing name", "Listing cap (3 of 5 files)",
        "Ferry on that cap",
    ]

    static func start(_ kind: ServerKind) throws -> TestServer {
        switch kind {
        case .pyftpdlib: return try PyFTPServer()
        case .vsftpd: return try VsftpdServer()
        case .proftpd: return try ProftpdServer(maxFiles: 3)
        case .pureftpd: return try PureFTPdServer(listingCap: 3)
        }
    }

    /// A reply, as one table cell.
    static func cell(_ body: () throws(FTPError) -> Reply) -> String {
        do throws(FTPError) { return "`\(try body().summary)`" } catch {
            return error.reply.map { "`\($0.summary)`" } ?? "(\(error.code))"
        }
    }

    static func answers(_ kind: ServerKind) throws -> [String] {
        let server = try start(kind)
        for index in 0..<5 { try TestFiles.write(server.path("f\(index).txt"), "\(index)\n") }
        // The daemons' sessions run as the tests' account: its files, as an upload would have made them.
        if kind.runsAsAccount { _ = try ProcessRunner.run("/bin/chown", ["-R", TestAccount.name, server.root]) }
        let client = try loggedInClient(server)
        defer { client.quit() }
        var answers: [String] = []
        answers.append(client.features.supports("MLST") ? "MLSD" : "LIST (no MLSD)")
        let local = try TemporaryDirectory("ferry-quirks")
        let fd = open(local.file("nlst"), O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        _ = try? client.list(nil, namesOnly: true, to: fd)
        close(fd)
        let names = String(decoding: try TestFiles.read(local.file("nlst")), as: UTF8.self).split(separator: "\n")
        answers.append(names.contains(".") ? "names `.` and `..` (nlist drops them)" : "files only")
        answers.append(cell { () throws(FTPError) in try client.raw("OPTS UTF8 ON") })
        answers.append(cell { () throws(FTPError) in try client.raw("MFMT 20200101000000 f0.txt") })
        answers.append(cell { () throws(FTPError) in try client.raw("SITE UTIME 20200101000000 f1.txt") })
        answers.append(cell { () throws(FTPError) in try client.raw("MDTM 20200101000000 f2.txt") })
        try client.setType(.ascii)
        answers.append(cell { () throws(FTPError) in try client.raw("SIZE f3.txt") })
        answers.append(cell { () throws(FTPError) in try client.raw("REST 1") })
        try client.setType(.image)
        let out = open(local.file("list"), O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        answers.append(cell { () throws(FTPError) in try client.list("nothere", to: out).reply })
        close(out)
        // What a listing of the five files gives, LIST and (where offered) MLSD, and what Ferry makes of it.
        var counts: [String] = []
        var detected = false
        for verb in client.features.supports("MLST") ? [Verb.list, .mlsd] : [.list] {
            var count = 0
            var final = ""
            do throws(FTPError) {
                let reply = try client.eachListingLine(verb, nil) { line throws(FTPError) in
                    let text = String(decoding: line, as: UTF8.self).lowercased()
                    if text != ".", text != "..", !text.hasPrefix("total "), !text.contains("type=cdir"), !text.contains("type=pdir") {
                        count += 1
                    }
                }
                final = reply.lines.last ?? ""
            } catch {
                detected = detected || error.code == .listingIncomplete
                final = error.reply?.lines.last ?? "\(error.code)"
            }
            counts.append("\(verb.rawValue) \(count) (`\(final)`)")
        }
        answers.append(counts.joined(separator: ", "))
        answers.append(detected ? "sees it: no deletion, exit 1" : "nothing cut where Ferry reads")
        return answers
    }

    static func table(_ answers: [ServerKind: [String]]) -> String {
        var lines = ["| | " + ServerKind.allCases.map(\.description).joined(separator: " | ") + " |",
                     "|---|" + String(repeating: "---|", count: ServerKind.allCases.count)]
        for (index, row) in rows.enumerated() {
            let cells = ServerKind.allCases.map { answers[$0]?[index].replacingOccurrences(of: "|", with: "\\|") ?? "" }
            lines.append("| \(row) | " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n")
    }

    @Test func theDocumentSaysWhatTheServersDo() throws {
        var answers: [ServerKind: [String]] = [:]
        for kind in ServerKind.allCases { answers[kind] = try ServerQuirksDocTests.answers(kind) }
        let table = ServerQuirksDocTests.table(answers)
        let text = try String(contentsOf: ServerQuirksDocTests.document, encoding: .utf8)
        guard let start = text.range(of: ServerQuirksDocTests.begin), let stop = text.range(of: ServerQuirksDocTests.end) else {
            Issue.record("Docs/Servers.md has no table markers")
            return
        }
        let current = text[start.upperBound..<stop.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
        if ProcessInfo.processInfo.environment["FERRY_UPDATE_FIXTURES"] == "1" {
            let updated = String(text[..<start.upperBound]) + "\n" + table + "\n" + String(text[stop.lowerBound...])
            try updated.write(to: ServerQuirksDocTests.document, atomically: true, encoding: .utf8)
        }
        #expect(current == table, "Docs/Servers.md is stale; the servers say:\n\(table)")
    }
}
