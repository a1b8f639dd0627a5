/// Ferry's commands. Adding a command means adding one entry here.
extension CommandTable {
    public static let standard = CommandTable([
        // session
        CommandSpec("open", aliases: ["ftp"], arguments: "host [port]", help: "connect to remote ftp server") { $0.open($1) },
        CommandSpec("user", arguments: "user-name [password [account]]", help: "send new user information",
                    needsConnection: true) { $0.user($1) },
        CommandSpec("close", aliases: ["disconnect"], help: "terminate ftp session", needsConnection: true) { $0.close($1) },
        CommandSpec("quit", aliases: ["bye", "exit"], help: "terminate ftp session and exit") { $0.quit($1) },
        // remote navigation and listings
        CommandSpec("cd", aliases: ["cwd"], arguments: "remote-directory", help: "change remote working directory",
                    needsConnection: true) { $0.cd($1) },
        CommandSpec("cdup", help: "change remote working directory to parent directory", needsConnection: true) { $0.cdup($1) },
        CommandSpec("pwd", help: "print working directory on remote machine", needsConnection: true) { $0.pwd($1) },
        CommandSpec("ls", arguments: "[remote-path [local-file]]", help: "list contents of remote path",
                    needsConnection: true) { $0.listing($1, namesOnly: false, command: "ls") },
        CommandSpec("dir", arguments: "[remote-path [local-file]]", help: "list contents of remote path",
                    needsConnection: true) { $0.listing($1, namesOnly: false, command: "dir") },
        CommandSpec("nlist", arguments: "[remote-path [local-file]]", help: "nlist contents of remote path",
                    needsConnection: true) { $0.listing($1, namesOnly: true, command: "nlist") },
        // local
        CommandSpec("lcd", arguments: "[local-directory]", help: "change local working directory") { $0.lcd($1) },
        CommandSpec("lpwd", help: "print local working directory") { $0.lpwd($1) },
        CommandSpec("!", arguments: "[command]", help: "execute a command with the local shell") { $0.shellEscape($1) },
        // transfers
        CommandSpec("get", aliases: ["recv"], arguments: "remote-file [local-file]", help: "receive file",
                    needsConnection: true) { $0.get($1) },
        CommandSpec("put", aliases: ["send"], arguments: "local-file [remote-file]", help: "send one file",
                    needsConnection: true) { $0.put($1) },
        CommandSpec("binary", aliases: ["image"], help: "set binary transfer type") { shell, args in
            args.isEmpty ? shell.setType(.image) : .usage
        },
        CommandSpec("ascii", help: "set ascii transfer type") { shell, args in
            args.isEmpty ? shell.setType(.ascii) : .usage
        },
        CommandSpec("type", arguments: "[ascii | binary | image]", help: "set file transfer type") { $0.type($1) },
        // data channel
        CommandSpec("passive", arguments: "[on | off | auto]", help: "enter passive transfer mode") { $0.passive($1) },
        CommandSpec("epsv", arguments: "[on | off]", help: "toggle use of EPSV/EPRT on both IPv4 and IPV6 ftp") {
            $0.extended($1, v4: true, v6: true, label: "IPv4 and IPv6")
        },
        CommandSpec("epsv4", arguments: "[on | off]", help: "toggle use of EPSV/EPRT on IPv4 ftp") {
            $0.extended($1, v4: true, v6: false, label: "IPv4")
        },
        CommandSpec("epsv6", arguments: "[on | off]", help: "toggle use of EPSV/EPRT on IPv6 ftp") {
            $0.extended($1, v4: false, v6: true, label: "IPv6")
        },
        // output
        CommandSpec("verbose", arguments: "[on | off]", help: "toggle verbose mode") { $0.verbose($1) },
        CommandSpec("debug", arguments: "[on | off | level]", help: "toggle/set debugging mode") { $0.debug($1) },
        CommandSpec("help", aliases: ["?"], arguments: "[command ...]", help: "print local help information") { $0.help($1) },
    ])
}
