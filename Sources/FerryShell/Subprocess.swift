#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Local commands: `!`, pagers, `get file |command`.
enum Subprocess {
    /// Starts `argv` (argv[0] is a path), optionally with `input` as its standard input.
    /// Returns the process id, or the reason it could not start.
    static func spawn(_ argv: [String], input: Int32? = nil, closing: [Int32] = []) -> Result<pid_t, SpawnError> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let input { posix_spawn_file_actions_adddup2(&actions, input, 0) }
        for fd in closing { posix_spawn_file_actions_addclose(&actions, fd) }
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) }
        cArgs.append(nil)
        defer { cArgs.forEach { free($0) } }
        // Ferry ignores SIGPIPE and SIGINT has its handler; the command gets the defaults back.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        sigaddset(&defaults, SIGINT)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))
        var pid = pid_t()
        let status = posix_spawn(&pid, argv[0], &actions, &attributes, &cArgs, environ)
        guard status == 0 else { return .failure(SpawnError(message: "cannot run \(argv[0]): \(String(cString: strerror(status)))")) }
        return .success(pid)
    }

    /// Waits for `pid`; returns its exit status (128 + signal when killed).
    static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        if status & 0x7F != 0 { return 128 + (status & 0x7F) }
        return (status >> 8) & 0xFF
    }

    /// Runs a command line with /bin/sh and waits.
    static func shell(_ command: String) -> Result<Int32, SpawnError> {
        spawn(["/bin/sh", "-c", command]).map(wait)
    }

    struct SpawnError: Error { let message: String }
}
