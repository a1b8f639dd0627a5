/// Ferry's commands, in groups. Adding a command means adding one entry to one of these lists.
extension CommandTable {
    public static let standard = CommandTable(
        sessionCommands + navigationCommands + transferCommands + remoteFileCommands + settingCommands + localCommands)

    static let sessionCommands: [CommandSpec] = [
        CommandSpec("open", aliases: ["ftp"], arguments: [.word("host-name"), .optional([.word("port")])],
                    help: "connect to remote ftp server (also [user@]host:port, or an ftp:// URL of a folder)") { $0.open($1) },
        CommandSpec("user", arguments: [.word("username"), .optional([.word("password"), .optional([.word("account")])])], help: "send new user information",
                    needsConnection: true, secretsAfter: 1) { $0.user($1) },
        CommandSpec("account", arguments: [.optional([.word("password")])], help: "send account command to remote server",
                    needsConnection: true, secretsAfter: 0) { $0.account($1) },
        CommandSpec("close", aliases: ["disconnect"], help: "terminate ftp session", needsConnection: true) { $0.close($1) },
        CommandSpec("quit", aliases: ["bye", "exit"], help: "terminate ftp session and exit") { $0.quit($1) },
        CommandSpec("reset", help: "clear queued command replies", needsConnection: true) { $0.reset($1) },
        CommandSpec("prot", arguments: [.optional([.oneOf("private", "clear")])], help: "protect the data connections with TLS (PROT P) or not (PROT C)") {
            $0.prot($1)
        },
        CommandSpec("ccc", help: "clear the command channel: the control connection leaves TLS (CCC)", needsConnection: true) {
            $0.ccc($1)
        },
        CommandSpec("status", help: "show current status") { $0.status($1) }.showingReplies(),
        CommandSpec("system", help: "show remote system type", needsConnection: true) { $0.system($1) }.showingReplies(),
        CommandSpec("features", help: "show features supported by remote system", needsConnection: true) { $0.features($1) }.showingReplies(),
        CommandSpec("diagnose", options: [.flag("--json", help: "one JSON object on standard output"),
                                      .valued("--trace", value: "file", help: "the whole exchange with timestamps, passwords masked, written to file (0600)")],
                    arguments: [.optional([.word("[user@]host[:port]")])],
                    help: "find which data-connection methods (EPSV, PASV, EPRT, PORT) get through, and why") { $0.diagnose($1) }
,
        CommandSpec("rstatus", arguments: [.optional([.remote("remote-file")])], help: "show status of remote machine",
                    needsConnection: true) { $0.rstatus($1) }.showingReplies(),
        CommandSpec("rhelp", arguments: [.optional([.command("command")])], help: "get help from remote server", needsConnection: true) { $0.rhelp($1) }.showingReplies(),
        CommandSpec("remopts", arguments: [.command("command"), .optional([.word("options")])], help: "set options of remote server commands (OPTS)",
                    needsConnection: true) { $0.remopts($1) }.showingReplies(),
        CommandSpec("idle", arguments: [.optional([.word("seconds")])], help: "get (set) idle timer on remote side",
                    needsConnection: true) { $0.idle($1) }.showingReplies(),
        CommandSpec("quote", aliases: ["literal"], arguments: [.word("line-to-send")], help: "send arbitrary ftp command",
                    needsConnection: true) { $0.quote($1) }.sendingRawLine(),
        CommandSpec("site", arguments: [.word("arguments")], help: "send site specific command to remote server",
                    needsConnection: true) { $0.site($1) }.showingReplies(),
    ]

    static let navigationCommands: [CommandSpec] = [
        CommandSpec("cd", aliases: ["cwd"], arguments: [.remoteFolder("remote-directory")], help: "change remote working directory",
                    needsConnection: true) { $0.cd($1) },
        CommandSpec("cdup", help: "change remote working directory to parent directory", needsConnection: true) { $0.cdup($1) },
        CommandSpec("pwd", help: "print working directory on remote machine", needsConnection: true) { $0.pwd($1) }.showingReplies(),
        CommandSpec("ls", options: [.flag("--json", help: "the parsed listing, one JSON object per entry")],
                    arguments: [.optional([.remote("remote-path"), .optional([.local("local-file")])])], help: "list contents of remote path",
                    needsConnection: true) { $0.listing($1, verb: .list, command: $2.name) }
,
        CommandSpec("dir", options: [.flag("--json", help: "the parsed listing, one JSON object per entry")],
                    arguments: [.optional([.remote("remote-path"), .optional([.local("local-file")])])], help: "list contents of remote path",
                    needsConnection: true) { $0.listing($1, verb: .list, command: $2.name) },
        CommandSpec("nlist", arguments: [.optional([.remote("remote-path"), .optional([.local("local-file")])])], help: "nlist contents of remote path",
                    needsConnection: true) { $0.listing($1, verb: .nlst, command: $2.name) },
        CommandSpec("mlsd", arguments: [.optional([.remote("remote-path"), .optional([.local("local-file")])])], help: "list contents of remote path (machine-readable)",
                    needsConnection: true) { $0.listing($1, verb: .mlsd, command: $2.name) },
        CommandSpec("mlst", arguments: [.optional([.remote("remote-path")])], help: "list remote path (machine-readable)",
                    needsConnection: true) { $0.mlst($1) }.showingReplies(),
        CommandSpec("mls", arguments: [.repeating(.remoteFiles("remote-files")), .local("local-file")], help: "nlist contents of multiple remote directories",
                    needsConnection: true) { $0.multipleListing($1, verb: .nlst, command: $2.name) },
        CommandSpec("mdir", arguments: [.repeating(.remoteFiles("remote-files")), .local("local-file")], help: "list contents of multiple remote directories",
                    needsConnection: true) { $0.multipleListing($1, verb: .list, command: $2.name) },
        CommandSpec("pdir", arguments: [.optional([.remote("remote-path")])], help: "list contents of remote path through your pager",
                    needsConnection: true) { $0.pagedListing($1, verb: .list, command: $2.name) },
        CommandSpec("pls", arguments: [.optional([.remote("remote-path")])], help: "list contents of remote path through your pager",
                    needsConnection: true) { $0.pagedListing($1, verb: .list, command: $2.name) },
        CommandSpec("pmlsd", arguments: [.optional([.remote("remote-path")])], help: "list contents of remote path (machine-readable) through your pager",
                    needsConnection: true) { $0.pagedListing($1, verb: .mlsd, command: $2.name) },
        CommandSpec("page", aliases: ["more", "less"], arguments: [.remote("remote-file")], help: "view a remote file through your pager",
                    needsConnection: true) { $0.page($1) },
    ]

    static let transferCommands: [CommandSpec] = [
        CommandSpec("get", aliases: ["recv"], arguments: [.remote("remote-file"), .optional([.local("local-file")])], help: "receive file",
                    needsConnection: true) { $0.get($1) },
        CommandSpec("reget", arguments: [.remote("remote-file"), .optional([.local("local-file")])], help: "get file restarting at end of local file",
                    needsConnection: true) { $0.get($1, mode: .resume, command: $2.name) },
        CommandSpec("newer", arguments: [.remote("remote-file"), .optional([.local("local-file")])], help: "get file if remote file is newer than local file",
                    needsConnection: true) { $0.get($1, mode: .newer, command: $2.name) },
        CommandSpec("pget", options: [.valued("-n", value: "segments", help: "download over this many connections at once (1 to 16; default 4, or set pget-segments)")],
                    arguments: [.remote("remote-file"), .optional([.local("local-file")])],
                    help: "get one file over several connections at once (segmented; continues after an interruption)",
                    needsConnection: true) { $0.pget($1) },
        CommandSpec("mget", options: [.valued("-P", value: "n", help: "move the files on n sessions at once (1 to 16; default: set parallel)", inUsage: false)],
                    arguments: [.remoteFiles("remote-files")], help: "get multiple files", needsConnection: true) { $0.mget($1) },
        CommandSpec("mreget", options: [.valued("-P", value: "n", help: "continue the files on n sessions at once (1 to 16)", inUsage: false)],
                    arguments: [.remoteFiles("remote-files")], help: "get multiple files restarting at end of local file",
                    needsConnection: true) { $0.mget($1, mode: .resume, command: $2.name) },
        CommandSpec("fget", arguments: [.local("local-file")], help: "get files using a localfile as a source of names",
                    needsConnection: true) { $0.fget($1) },
        CommandSpec("put", aliases: ["send"], arguments: [.local("local-file"), .optional([.remote("remote-file")])], help: "send one file",
                    needsConnection: true) { $0.put($1) },
        CommandSpec("append", arguments: [.local("local-file"), .optional([.remote("remote-file")])], help: "append to a file",
                    needsConnection: true) { $0.put($1, mode: .append, command: $2.name) },
        CommandSpec("mput", aliases: ["msend"], options: [.valued("-P", value: "n", help: "send the files on n sessions at once (1 to 16; default: set parallel)", inUsage: false)],
                    arguments: [.localFiles("local-files")], help: "send multiple files",
                    needsConnection: true) { $0.mput($1) },
        CommandSpec("mirror", options: CommandTable.mirrorOptions, arguments: [.optional([.remoteFolder("source"), .optional([.localFolder("target")])])],
                    help: "make a local folder like a remote one (-R: the other way), copying only what changed",
                    needsConnection: true) { $0.mirror($1, spec: $2) }
            .completing { Shell.mirrorCompletion(words: $0, position: $1) },
        CommandSpec("restart", arguments: [.word("byte-offset")], help: "restart the next get or put at byte-offset") { $0.restart($1) },
    ]

    /// mirror's options, lftp's spelling; the usage line shows the first name of each.
    static let mirrorOptions: [OptionSpec] = [
        .flag("-R", "--reverse", help: "upload: make the remote folder like the local one"),
        .valued("-P", "--parallel", value: "n", help: "copy on n sessions at once (1 to 16)"),
        .flag("--delete", "-e", help: "delete what the source does not have (never after an incomplete listing or a failure; asked at a terminal)"),
        .flag("--dry-run", help: "say what would be done, do nothing"),
        .flag("-n", "--only-newer", help: "copy only files newer than the copy"),
        .valued("-X", "--exclude-glob", value: "glob", help: "leave out matching names"),
        .valued("-I", "--include-glob", value: "glob", help: "take only matching names"),
        .valued("--max-delete", value: "n", help: "delete nothing when more than n deletions are planned"),
        .valued("--plan-budget", value: "size", help: "stop planning (and delete nothing) past this much memory for the plan (default 1g)"),
        .flag("--verify", help: "check every copied file against the server's checksum"),
        .valued("--use-pget-n", value: "n", help: "copy big files in n segments"),
        .flag("--no-symlinks", help: "skip symbolic links instead of copying what they point to"),
        .flag("--json", help: "one JSON object per action on standard output"),
    ]

    static let remoteFileCommands: [CommandSpec] = [
        CommandSpec("delete", arguments: [.remote("remote-file")], help: "delete remote file", needsConnection: true) { $0.delete($1) },
        CommandSpec("mdelete", arguments: [.remoteFiles("remote-files")], help: "delete multiple files",
                    needsConnection: true) { $0.mdelete($1) },
        CommandSpec("rename", arguments: [.remote("from-name"), .remote("to-name")], help: "rename file", needsConnection: true) { $0.rename($1) },
        CommandSpec("mkdir", arguments: [.remoteFolder("directory-name")], help: "make directory on the remote machine",
                    needsConnection: true) { $0.mkdir($1) },
        CommandSpec("rmdir", arguments: [.remoteFolder("directory-name")], help: "remove directory on the remote machine",
                    needsConnection: true) { $0.rmdir($1) },
        CommandSpec("size", arguments: [.remote("remote-file")], help: "show size of remote file", needsConnection: true) { $0.size($1) }.showingReplies(),
        CommandSpec("modtime", arguments: [.remote("remote-file")], help: "show last modification time of remote file",
                    needsConnection: true) { $0.modtime($1) }.showingReplies(),
        CommandSpec("chmod", arguments: [.word("mode"), .remote("remote-file")], help: "change file permissions of remote file",
                    needsConnection: true) { $0.chmod($1) },
        CommandSpec("umask", arguments: [.optional([.word("umask")])], help: "get (set) umask on remote side", needsConnection: true) { $0.umask($1) }.showingReplies(),
    ]

    static let localCommands: [CommandSpec] = [
        CommandSpec("lcd", arguments: [.optional([.localFolder("local-directory")])], help: "change local working directory") { $0.lcd($1) },
        CommandSpec("lpwd", help: "print local working directory") { $0.lpwd($1) },
        CommandSpec("lpage", arguments: [.local("local-file")], help: "view a local file through your pager") { $0.lpage($1) },
        CommandSpec("!", arguments: [.optional([.word("command")])], help: "execute a command with the local shell") { $0.shellEscape($1) },
        CommandSpec("macdef", arguments: [.word("macro-name")], help: "define a macro (its lines follow, up to an empty line)") { $0.macdef($1) },
        CommandSpec("$", arguments: [.word("macro-name"), .optional([.repeating(.word("arguments"))])], help: "execute macro") { $0.runMacro($1) },
        CommandSpec("history", help: "show the command history (kept between sessions at a terminal)") { shell, arguments in
            guard arguments.isEmpty else { return .usage }
            let lines = shell.reader.historyLines
            let width = String(lines.count).count
            for (index, line) in lines.enumerated() {
                let number = String(index + 1)
                shell.console.line(String(repeating: " ", count: width - number.count + 2) + number + "  " + Console.sanitize(line))
            }
            return .success
        },
        CommandSpec("help", aliases: ["?"], arguments: [.optional([.repeating(.command("command"))])], help: "print local help information") { $0.help($1) },
        CommandSpec("usage", arguments: [.command("command")], help: "show command usage") { $0.usage($1) },
    ]
}
