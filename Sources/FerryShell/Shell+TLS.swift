import FerryClient
import FerryCore

/// FTPS in the shell: trust on first use, `prot`, `ccc`, and what `status` and the prompt say.
extension Shell {
    /// Before connecting: the fingerprints this user trusted for host:port.
    func prepareTLS(host: String, port: UInt16) {
        guard configuration.tls.mode != .off, let store = KnownHosts.standard() else { return }
        let key = "\(host):\(port)"
        configuration.tls.pinnedFingerprints = store.fingerprints(for: key)
        client.certificateDecision = { [unowned self] _, check in
            self.clearConnectingLine()
            let known = store.fingerprints(for: key)
            if !known.isEmpty {
                return .refuse("it CHANGED since you trusted it (stored \(FTPClient.colonHex(known[0]).prefix(23))…); if you expect that, remove the line for \(key) from \(store.path)")
            }
            guard self.interactive else { return .refuse("") }
            self.console.line("The certificate of \(key) cannot be verified: \(check.problem ?? "unknown reason").")
            self.console.line("SHA-256 fingerprint: \(FTPClient.colonHex(check.fingerprint))")
            guard case .line(let answer) = self.reader.readLine(prompt: "Trust it and remember it in \(store.path)? [y/N] "),
                  answer.lowercased().hasPrefix("y") else { return .refuse("you did not accept it") }
            if !store.remember(check.fingerprint, for: key) {
                self.console.error("ferry: could not write \(store.path); trusting it for this session only")
            }
            return .accept
        }
    }

    /// prot [private | clear]: PROT P or PROT C.
    func prot(_ args: [String]) -> CommandOutcome {
        guard args.count <= 1 else { return .usage }
        guard let word = args.first else {
            console.line("Data protection: \(client.dataProtected ? "private (PROT P)" : "clear (PROT C)").")
            return .success
        }
        let protect: Bool
        switch word.lowercased() {
        case "private", "p", "on": protect = true
        case "clear", "c", "off": protect = false
        default: return .usage
        }
        configuration.tls.protectData = protect
        if client.isConnected {
            do throws(FTPError) { try client.setDataProtection(protect) } catch { return failure("prot", error) }
        }
        console.line("Data protection: \(protect ? "private (PROT P)" : "clear (PROT C)").")
        return .success
    }

    func ccc(_ args: [String]) -> CommandOutcome {
        guard args.isEmpty else { return .usage }
        do throws(FTPError) { try client.clearCommandChannel() } catch { return failure("ccc", error) }
        console.line("The control connection is in clear text from here on; data protection is unchanged.")
        return .success
    }

    /// The prompt says when the session is protected: `ftps> `.
    var currentPrompt: String {
        if settings.promptText == "ftp> " { return client.isProtected ? "ftps> " : "ftp> " }
        return expandPrompt(settings.promptText)
    }

    /// tnftp's prompt escapes: %/ the remote folder, %c (or %.) its last component, %M the host, %m the host up to
    /// its first dot, %n the user, %% a percent sign. Server text is sanitized before it reaches the terminal.
    func expandPrompt(_ text: String) -> String {
        guard text.contains("%") else { return text }
        var result = ""
        var characters = text.makeIterator()
        while let character = characters.next() {
            guard character == "%", let code = characters.next() else { result.append(character); continue }
            switch code {
            case "/": result += Console.sanitize(remoteFolderForPrompt() ?? "")
            case "c", ".": result += Console.sanitize(remoteFolderForPrompt().map { LocalName.lastComponent($0) } ?? "")
            case "M": result += session?.host ?? ""
            case "m": result += String((session?.host ?? "").prefix { $0 != "." })
            case "n": result += Console.sanitize(session?.user ?? "")
            case "%": result += "%"
            default: result += "%" + String(code)
            }
        }
        return result
    }

    /// The remote folder, asked with PWD once per change of folder.
    private func remoteFolderForPrompt() -> String? {
        guard client.isConnected else { return nil }
        if let cached = promptFolder, cached.generation == client.directoryGeneration { return cached.path }
        guard let path = try? client.currentDirectory() else { return nil }
        promptFolder = (client.directoryGeneration, path)
        return path
    }
}
