import Foundation

/// pyftpdlib started from Tests/Fixtures/servers/pyftpd.py on 127.0.0.1, a fresh root folder, port chosen by the server.
public final class PyFTPServer: TestServer, @unchecked Sendable {
    public let kind = ServerKind.pyftpdlib
    public let host: String
    public let port: UInt16
    public let user = "tester"
    public let password = "secret"
    public var root: String { sharedRoot ?? directory.path }
    private let sharedRoot: String?
    private let directory: TemporaryDirectory
    private let server: PythonServer

    public init(options: ServerOptions = ServerOptions()) throws {
        directory = try TemporaryDirectory("ferry-pyftpd")
        sharedRoot = options.root
        host = options.host
        var arguments = ["--root", options.root ?? directory.path, "--user", user, "--password", password, "--watch-stdin",
                         "--host", options.host]
        for verb in options.refuse { arguments += ["--refuse", verb] }
        if let masquerade = options.masquerade { arguments += ["--masquerade", masquerade] }
        if let cut = options.cutRetrieveAfter { arguments += ["--cut-retr", String(cut)] }
        if let cut = options.cutStoreAfter { arguments += ["--cut-stor", String(cut)] }
        if options.hash { arguments.append("--hash") }
        if options.epsvBlackHole { arguments.append("--epsv-black-hole") }
        if let bytes = options.dropControlAfterRetrieve { arguments += ["--drop-control-after-retr", String(bytes)] }
        if let verb = options.reply421On { arguments += ["--reply-421-on", verb] }
        if let bytes = options.stallRetrieveAfter { arguments += ["--stall-retr", String(bytes)] }
        if options.corruptRetrieve { arguments.append("--corrupt-retr") }
        if let reply = options.mdtmReply { arguments += ["--mdtm-reply", reply] }
        if let reply = options.sizeReply { arguments += ["--size-reply", reply] }
        if let verb = options.endlessPreliminaryOn { arguments += ["--endless-preliminary", verb] }
        if let late = options.lateReply { arguments += ["--late-reply", "\(late.verb):\(late.seconds)"] }
        if options.silentGreeting { arguments.append("--silent-greeting") }
        if options.rateLimit > 0 { arguments += ["--rate-limit", String(options.rateLimit)] }
        if let size = options.mlsdSize { arguments += ["--mlsd-size", String(size)] }
        if let sessions = options.muteAfterSessions { arguments += ["--mute-after-sessions", String(sessions)] }
        if let log = options.transferLog { arguments += ["--transfer-log", log] }
        if options.syntheticEntries > 0 { arguments += ["--synthetic-entries", String(options.syntheticEntries)] }
        if options.noUnique { arguments.append("--no-unique") }
        if options.listOnly { arguments.append("--list-only") }
        if let hours = options.listUTCOffsetHours { arguments += ["--list-utc-offset-hours", String(hours)] }
        for line in options.extraListLines { arguments += ["--extra-list-line", line] }
        for line in options.extraMLSDLines { arguments += ["--extra-mlsd-line", line] }
        if options.refuseDotStore { arguments.append("--refuse-dot-stor") }
        if options.refuseRename { arguments.append("--refuse-rename") }
        if options.storeElsewhere { arguments.append("--stor-elsewhere") }
        if let port = options.port { arguments += ["--port", String(port)] }
        if let cut = options.cutListingsAt { arguments += ["--cut-listings", String(cut)] }
        if options.otherCutWording { arguments += ["--cut-wording", "other"] }
        if options.dropControlOnStore > 0 { arguments += ["--drop-control-on-stor", String(options.dropControlOnStore)] }
        if let bytes = options.dropControlDuringStore { arguments += ["--drop-control-during-stor", String(bytes)] }
        server = try PythonServer(script: "pyftpd.py", arguments: arguments)
        port = server.port
    }

    public func stop() { server.stop() }

    deinit { stop() }
}
