import ArgumentParser
import CFerrySys
import FerryClient
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// From argv to an exit status: parse the flags, build the settings and the shell, run it.
public enum FerryMain {
    public static let version = "0.1.0"

    public static func run(_ arguments: [String]) -> Int32 {
        let options: FerryOptions
        do {
            options = try FerryOptions.parse(arguments)
        } catch {
            let code = FerryOptions.exitCode(for: error)
            let message = FerryOptions.fullMessage(for: error)
            if code == .success {
                Console.write(1, message + "\n")
                return 0
            }
            Console.write(2, "ferry: \(message)\nTry 'ferry --help' for the options.\n")
            return 2
        }
        if options.version {
            Console.write(1, "ferry \(version)\n")
            return 0
        }
        if options.commandReference {
            Console.write(1, CommandTable.standard.markdownReference())
            return 0
        }
        let interactive = isatty(0) == 1
        let console = Console.standard()
        let shell = Shell(settings: settings(from: options, interactive: interactive, console: console),
                          console: console, reader: reader(interactive: interactive), interactive: interactive)
        if interactive { installInterruptHandler() }
        if let host = options.host {
            let port = options.hostPort ?? options.port
            shell.execute(command: "open", arguments: [host] + (port.map { [String($0)] } ?? []))
        }
        return shell.run()
    }

    static func settings(from options: FerryOptions, interactive: Bool, console: Console) -> Settings {
        var settings = Settings()
        settings.verbose = options.verbose || (!options.quiet && console.outputIsTerminal)
        settings.progress = !options.quiet && console.outputIsTerminal
        settings.debug = options.debug
        settings.autoLogin = !options.noAutoLogin
        settings.anonymous = options.anonymous
        if options.ipv4 { settings.client.addressFamily = .ipv4 }
        if options.ipv6 { settings.client.addressFamily = .ipv6 }
        if options.active {
            settings.client.dataMode = .active
            settings.client.fallback = false
        }
        if options.passive {
            settings.client.dataMode = .passive
            settings.client.fallback = false
        }
        return settings
    }

    static func reader(interactive: Bool) -> LineReader {
        if interactive, let editor = EditLineReader() { return editor }
        return PlainLineReader()
    }

    /// Ctrl-C sets the interruption flag; blocking waits return instead of restarting.
    static func installInterruptHandler() {
        Interruption.clear()   // initialise the flag before a signal can touch it
        _ = ferry_install_interrupt_handler { _ in Interruption.request() }
    }
}
