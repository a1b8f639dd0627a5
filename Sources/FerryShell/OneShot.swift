import FerryClient
import FerryCore

/// The one-shot modes: `ferry ftp://host/path/file …` downloads, `ferry ftp://host/dir/` opens a session
/// there, `ferry -u ftp://host/dir/ file …` uploads. Each runs the same shell commands a user would type.
final class OneShot {
    let shell: Shell
    let options: FerryOptions
    /// A URL that cannot be used is a bad command line: exit status 2.
    private var badCommandLine = false

    /// The TLS mode the command line asked for; an ftps:// URL uses implicit TLS for itself only.
    private let askedTLS: TLSConfiguration.Mode

    init(shell: Shell, options: FerryOptions) {
        self.shell = shell
        self.options = options
        askedTLS = shell.configuration.tls.mode
    }

    func fetch(_ texts: [String]) -> Int32 {
        // Every URL is read before anything moves: a typo in the third must not leave the first two fetched.
        var urls: [FTPURL] = []
        for text in texts {
            guard let url = parse(text) else { continue }
            if options.json, url.fileName != nil {
                shell.fail("ferry: --json lists a folder; end the URL with '/' ('\(OneShot.redacted(text))' names a file)")
                badCommandLine = true
            }
            urls.append(url)
        }
        if badCommandLine { return 2 }
        // With -o -, standard output carries the files' bytes and nothing else, at every verbosity.
        if options.output == "-" { shell.console.standardOutputIsData = true }
        // The last URL's session ends with the process, as does a failed one under -e (the goodbye is then waited
        // for briefly); an earlier one may be followed by the same server.
        let endsFerry = { (index: Int) in index == urls.count - 1 || (self.options.exitOnError && self.shell.failures > 0) }
        for (index, url) in urls.enumerated() {
            if options.exitOnError, shell.failures > 0 { break }
            guard connect(url) else { continue }
            if let type = url.type { shell.perform { $0.setType(type == "a" ? .ascii : .image) } }
            guard let file = url.fileName else {
                if options.json {
                    // -o FILE takes the JSON lines as it would take a file's bytes.
                    shell.perform { $0.jsonListing(options.output.map { ["."] + ($0 == "-" ? [] : [$0]) } ?? [], command: "ls") }
                    shell.client.quit(briefly: endsFerry(index))
                    continue
                }
                // A folder: the session goes on there (interactive, or the script on standard input).
                return shell.run()
            }
            let mode: Shell.GetMode = options.restart ? .resume : .normal
            let command = options.restart ? "reget" : "get"
            // -o is what the user typed: "-" is standard output, anything else a file name taken literally.
            // Without -o the name comes from the URL's path and goes through LocalName like any server name.
            shell.perform { shell in
                switch options.output {
                case "-": return shell.fetch(file, to: .standardOutput, mode: mode, command: command)
                case let name?: return shell.fetch(file, to: .file(name), mode: mode, command: command)
                case nil: return shell.fetchIntoFolder(file, mode: mode, command: command)
                }
            }
            shell.client.quit(briefly: endsFerry(index))
        }
        return shell.exitStatus
    }

    func upload(to text: String, files: [String]) -> Int32 {
        guard let url = parse(text) else { return 2 }
        guard connect(url) else { return shell.exitStatus }
        if let type = url.type { shell.perform { $0.setType(type == "a" ? .ascii : .image) } }
        // A last segment without '/' that is a folder on the server is where the files go (curl -T's rule).
        var fileName = url.fileName
        if let name = fileName,
           case .some(.some) = try? FTPClient.unlessRefused({ () throws(FTPError) in try shell.client.changeDirectory(name) }) {
            // The session's recipe learns the folder too, so a reconnect comes back to it.
            shell.session?.moves.append(Command(.cwd, name))
            fileName = nil
        }
        for file in files {
            let remote = fileName.flatMap { files.count == 1 ? $0 : nil } ?? LocalName.lastComponent(file)
            shell.perform { $0.put([file, remote]) }
        }
        shell.client.quit(briefly: true)
        return shell.exitStatus
    }

    private func parse(_ text: String) -> FTPURL? {
        do throws(FTPURL.ParseError) {
            return try FTPURL.parse(text)
        } catch {
            shell.fail("ferry: '\(OneShot.redacted(text))' \(error.words); try 'ferry --help'")
            badCommandLine = true
            return nil
        }
    }

    /// Opens, logs in (URL credentials, .netrc, else anonymous) and changes to the URL's folder.
    private func connect(_ url: FTPURL) -> Bool {
        shell.settings.autoLogin = false
        shell.configuration.tls.mode = url.implicitTLS ? .implicit : askedTLS
        if shell.client.isConnected { shell.client.quit() }
        FerryMain.connect(shell, host: url.host.contains(":") ? "[\(url.host)]" : url.host, port: String(url.port),
                          retryWait: options.retryWait)
        guard shell.client.isConnected else { return false }
        let found = shell.credentials(for: url.host, user: url.user, password: url.password, useNetrc: !options.noAutoLogin)
        let user = found?.user ?? "anonymous"
        let password = found == nil ? shell.settings.anonymousPassword : found?.password
        let account = found?.account
        // The refusal is printed as one line whatever the verbosity (curl: "Access denied: 530").
        guard shell.perform(nil, { $0.login(user: user, password: password, account: account) }) == .success else { return false }
        if !url.directory.isEmpty {
            return shell.perform { $0.cd([url.directory]) } == .success
        }
        return true
    }

    /// The URL with any password replaced, for messages.
    static func redacted(_ text: String) -> String {
        // Any scheme (a mistyped one too), and the last '@' ends the password: a password may hold '/' or '@'.
        guard let range = EditLineReader.urlPassword(text) else { return text }
        return String(text[..<range.lowerBound]) + ":XXXX" + String(text[range.upperBound...])
    }
}
