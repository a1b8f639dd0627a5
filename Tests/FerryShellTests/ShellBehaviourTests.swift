import FerryClient
import Testing
@testable import FerryShell

@Suite struct ShellBehaviourTests {
    @Test func togglesAndSettingsChangeTheTypedSettings() {
        let scripted = ScriptedShell(["ascii", "passive off", "epsv4 off", "verbose", "debug on", "type binary", "quit"])
        #expect(scripted.shell.run() == 0)
        let settings = scripted.shell.settings
        let client = scripted.shell.client.configuration
        #expect(settings.transferType == .image)
        #expect(client.dataMode == .active)
        #expect(!client.extendedOnIPv4)
        #expect(client.extendedOnIPv6)
        #expect(settings.verbose && settings.debug)
    }

    @Test func passiveAutoTurnsFallbackOn() {
        let scripted = ScriptedShell(["passive on", "passive auto"])
        _ = scripted.shell.run()
        #expect(scripted.shell.client.configuration.dataMode == .passive)
        #expect(scripted.shell.client.configuration.fallback)
        #expect(scripted.err.contains("fallback to active mode: on"), "a confirmation is commentary: standard error off a terminal")
    }

    @Test func badToggleArgumentsPrintUsage() {
        let scripted = ScriptedShell(["verbose maybe", "type ebcdic"])
        #expect(scripted.shell.run() == 1)
        #expect(scripted.err.contains("usage: verbose [on | off]"))
        #expect(scripted.err.contains("type: unknown type 'ebcdic'"))
    }

    @Test func helpListsCommandsAndDescribesOne() {
        let scripted = ScriptedShell(["help", "help get", "? nosuch"])
        #expect(scripted.shell.run() == 1)
        #expect(scripted.out.contains("Commands may be abbreviated."))
        #expect(scripted.out.contains("epsv4"))
        #expect(scripted.out.contains("receive file"))
        #expect(scripted.err.contains("?Invalid help command nosuch."))
    }

    @Test func shellEscapeRunsACommandAndReportsItsStatus() {
        let scripted = ScriptedShell(["!true", "!false"])
        #expect(scripted.shell.run() == 1)
        #expect(scripted.err.contains("exited with status 1"))
        #expect(scripted.shell.failures == 1)
    }

    @Test func openWithABadPortIsAFailure() {
        let scripted = ScriptedShell(["open 127.0.0.1 notaport", "open"])
        #expect(scripted.shell.run() == 1)
        #expect(scripted.err.contains("the port must be from 1 to 65535"))
        #expect(scripted.err.contains("usage: open host-name [port]"))
    }

    @Test func controlCharactersFromServersAreMadeVisible() {
        #expect(Console.sanitize("evil\u{1B}[2Jname") == "evil^[[2Jname")
        #expect(Console.sanitize("tab\tok") == "tab\tok")
        #expect(Console.sanitize("csi\u{9B}x") == "csi\\x9bx")
    }
}
