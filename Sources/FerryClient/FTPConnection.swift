import FerryCore
import Synchronization

/// FerryClient for async code: one ``FTPClient`` session on a thread of its own, driven with `await`.
///
/// Every call runs on the session's thread, one after another, so a slow server never blocks Swift's cooperative
/// thread pool. Cancelling the calling `Task` ends the call as Ctrl-C would: a transfer is aborted with ABOR and
/// the session stays usable; a job's extra sessions stop too. Errors are ``FTPError``s: a code, the server's reply
/// when there was one, and advice.
///
/// ```swift
/// let ftp = FTPConnection()
/// try await ftp.connect(host: "ftp.example.org")
/// try await ftp.login(user: "anonymous", password: "guest@")
/// for try await entry in ftp.entries(in: "/pub") { print(entry.name) }
/// try await ftp.download("/pub/README", toPath: "README")
/// await ftp.quit()
/// ```
public final class FTPConnection: Sendable {
    private let session: SessionThread
    /// How to open the session again (a job's extra sessions, a reconnect): recorded as the session is opened.
    private let recipe = Mutex<SessionRecipe?>(nil)

    /// Creates a connection with its own session thread; nothing is sent until `connect(host:port:)`.
    public init(configuration: ClientConfiguration = ClientConfiguration()) {
        session = SessionThread(FTPClient(configuration: configuration))
    }

    /// Opens the control connection and reads the greeting (TLS first when the configuration asks for it).
    @discardableResult
    public func connect(host: String, port: UInt16 = 21) async throws(FTPError) -> Reply {
        let reply = try await session.perform { client throws(FTPError) in try client.connect(host: host, port: port) }
        let protected = await session.perform { client in client.isProtected }
        recipe.withLock { $0 = SessionRecipe(host: host, port: port, protected: protected) }
        return reply
    }

    /// USER, then PASS (and ACCT) as the server asks.
    @discardableResult
    public func login(user: String, password: String?, account: String? = nil) async throws(FTPError) -> Reply {
        let reply = try await session.perform { client throws(FTPError) in
            try client.login(user: user, password: password, account: account)
        }
        recipe.withLock { recipe in
            recipe?.user = user
            recipe?.password = password
            recipe?.account = account
        }
        return reply
    }

    /// Runs `body` with the session's blocking ``FTPClient`` on its thread: any command this type does not wrap.
    public func withClient<T: Sendable>(_ body: @escaping @Sendable (FTPClient) throws(FTPError) -> T) async throws(FTPError) -> T {
        try await session.perform(body)
    }

    /// CWD, remembered for a job's extra sessions.
    public func changeDirectory(_ path: String) async throws(FTPError) {
        _ = try await session.perform { client throws(FTPError) in try client.changeDirectory(path) }
        recipe.withLock { $0?.moves.append(Command(.cwd, path)) }
    }

    /// The entries of `directory` as the listing arrives (MLSD where the server has it, else LIST, parsed); `.`
    /// and `..` left out. Stopping the iteration early cancels the listing.
    public func entries(in directory: String? = nil) -> AsyncThrowingStream<ListingEntry, any Error> {
        AsyncThrowingStream { continuation in
            // Run on the session's thread, fed from there: no task of the caller's pool is needed meanwhile.
            let cancellation = Interruption.Cancellation()
            continuation.onTermination = { _ in cancellation.cancel() }
            session.submit(cancellation: cancellation) { client in
                do throws(FTPError) {
                    try client.eachEntry(in: directory) { entry in continuation.yield(entry) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
        }
    }

    /// Downloads `remote` to the file at `localPath` through a hidden `.part` that is renamed into place only when
    /// the bytes are proven whole (see ``FTPClient/download(_:toPath:type:options:expectedSize:)``), resuming and
    /// retrying after cuts and drops. `progress` is called on the session's thread.
    @discardableResult
    public func download(_ remote: String, toPath localPath: String, type: TransferType = .image,
                         options: FTPClient.DownloadOptions = FTPClient.DownloadOptions(), retries: Int = 3,
                         progress: (@Sendable (TransferProgress) -> Void)? = nil) async throws(FTPError) -> FTPClient.DownloadReport {
        try await withEngine(retries: retries, progress: progress) { engine throws(FTPError) in
            try engine.download(remote, toPath: localPath, type: type, options: options)
        }
    }

    /// Downloads `remote` into an open descriptor (a pipe, a socket, standard output): no `.part`, no retries.
    @discardableResult
    public func download(_ remote: String, to descriptor: Int32, type: TransferType = .image) async throws(FTPError) -> TransferResult {
        try await session.perform { client throws(FTPError) in try client.retrieve(remote, to: descriptor, type: type) }
    }

    /// Uploads the file at `localPath` as `remote`: through a temporary name renamed into place where the server
    /// allows it, so an interrupted upload leaves the server's old file as it was; resumed after a cut.
    @discardableResult
    public func upload(_ localPath: String, as remote: String, type: TransferType = .image, retries: Int = 3,
                       progress: (@Sendable (TransferProgress) -> Void)? = nil) async throws(FTPError) -> TransferResult {
        try await withEngine(retries: retries, progress: progress) { engine throws(FTPError) in
            try engine.uploadKeepingTheOriginal(localPath, as: remote, type: type)
        }
    }

    /// Runs `body` on the session's thread with a transfer engine (the recorded recipe for reconnecting, `retries`)
    /// and `progress` told of every step.
    private func withEngine<T: Sendable>(retries: Int, progress: (@Sendable (TransferProgress) -> Void)?,
                                         _ body: @escaping @Sendable (TransferEngine) throws(FTPError) -> T) async throws(FTPError) -> T {
        let recipe = self.recipe.withLock { $0 }
        return try await session.perform { client throws(FTPError) in
            try client.reportingProgress(progress) { () throws(FTPError) in
                var policy = TransferEngine.Policy()
                policy.retries = retries
                return try body(TransferEngine(client: client, recipe: recipe, policy: policy))
            }
        }
    }

    /// Uploads from an open descriptor: no temporary name, no retries.
    @discardableResult
    public func upload(from descriptor: Int32, as remote: String, type: TransferType = .image) async throws(FTPError) -> TransferResult {
        try await session.perform { client throws(FTPError) in try client.store(remote, from: descriptor, type: type) }
    }

    /// Starts `job` (see ``FTPClient/run(_:recipe:onEvent:)``) on this session and as many more as its policy
    /// asks, all in the folder this session is in. Its events arrive on ``JobRun/events``; its results from
    /// ``JobRun/results()``. Cancelling the task that awaits the results, or ``JobRun/cancel()``, stops the job.
    public func start(_ job: TransferJob) -> JobRun {
        let (events, continuation) = AsyncStream<TransferJob.Event>.makeStream()
        let cancellation = Interruption.Cancellation()
        let outcome = JobOutcome()
        let recipe = self.recipe.withLock { $0 }
        // The job runs on the session's thread (and its crew), not on a task of the caller's pool.
        session.submit(cancellation: cancellation) { client in
            let results: [Result<TransferResult, FTPError>]
            if let recipe {
                do throws(FTPError) {
                    let pinned = try client.pinned(recipe)
                    results = client.run(job, recipe: pinned) { continuation.yield($0) }
                } catch {
                    results = job.items.map { _ in .failure(error) }
                }
            } else {
                let error = FTPError(.notConnected, "connect and log in before starting a job")
                results = job.items.map { _ in .failure(error) }
            }
            continuation.finish()
            outcome.fulfil(results)
        }
        return JobRun(events: events, outcome: outcome, cancellation: cancellation)
    }

    /// QUIT, then the connection closes.
    public func quit() async {
        await session.perform { client in client.quit() }
    }
}

/// A job started by ``FTPConnection/start(_:)``.
public struct JobRun: Sendable {
    /// What the job does, as it does it (progress, retries, each file's end); finishes with the job.
    public let events: AsyncStream<TransferJob.Event>
    let outcome: JobOutcome
    let cancellation: Interruption.Cancellation

    /// Each file's result, in the order of the job's items. Cancelling the task that waits here stops the job.
    public func results() async -> [Result<TransferResult, FTPError>] {
        await withTaskCancellationHandler { await outcome.value() } onCancel: { cancellation.cancel() }
    }

    /// Stops the job: transfers under way are aborted, files not started fail as interrupted.
    public func cancel() { cancellation.cancel() }
}

/// A job's results, once: awaited by any number of callers, given by the session's thread.
final class JobOutcome: Sendable {
    private struct State {
        var results: [Result<TransferResult, FTPError>]?
        var waiting: [CheckedContinuation<[Result<TransferResult, FTPError>], Never>] = []
    }
    private let state = Mutex(State())

    func fulfil(_ results: [Result<TransferResult, FTPError>]) {
        let waiting = state.withLock { state in
            state.results = results
            defer { state.waiting = [] }
            return state.waiting
        }
        for continuation in waiting { continuation.resume(returning: results) }
    }

    func value() async -> [Result<TransferResult, FTPError>] {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> [Result<TransferResult, FTPError>]? in
                if let results = state.results { return results }
                state.waiting.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}

extension FTPClient {
    /// Runs `body` with progress events passed to `progress` (the client's own event callback restored after).
    func reportingProgress<T>(_ progress: (@Sendable (TransferProgress) -> Void)?, _ body: () throws(FTPError) -> T) throws(FTPError) -> T {
        guard let progress else { return try body() }
        let saved = onEvent
        onEvent = { event in
            if case .progress(let step) = event { progress(step) }
            saved(event)
        }
        defer { onEvent = saved }
        return try body()
    }
}

/// One FTPClient on a thread of its own; work is handed to it and run there in order.
/// @unchecked: the client is touched only on the session's thread (every closure runs there).
final class SessionThread: @unchecked Sendable {
    private final class Queue: Sendable {
        let work = Mutex<[@Sendable () -> Void]>([])
        let bell = Doorbell()
        let closed = Atomic<Bool>(false)
    }

    private let client: FTPClient
    private let queue = Queue()
    private var thread: WorkerThread?

    init(_ client: FTPClient) {
        self.client = client
        let queue = self.queue
        thread = WorkerThread {
            while true {
                let seen = queue.bell.rings
                let next = queue.work.withLock { work -> (@Sendable () -> Void)? in work.isEmpty ? nil : work.removeFirst() }
                if let next {
                    next()
                } else if queue.closed.load(ordering: .relaxed) {
                    return
                } else {
                    queue.bell.wait(after: seen, seconds: 3600)
                }
            }
        }
    }

    deinit {
        queue.closed.store(true, ordering: .relaxed)
        queue.bell.ring()
        thread?.join()
    }

    /// Runs `body` on the session's thread. With a `cancellation`, the calling task's cancellation cancels it, and
    /// it is installed on the thread meanwhile (a cancelled one ends the work as Ctrl-C would).
    func perform<T: Sendable>(cancellation: Interruption.Cancellation?,
                              _ body: @escaping @Sendable (FTPClient) throws(FTPError) -> T) async -> Result<T, FTPError> {
        let client = UncheckedClient(client)
        let queue = self.queue
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, FTPError>, Never>) in
                queue.work.withLock { $0.append {
                    if cancellation?.isCancelled == true {
                        continuation.resume(returning: .failure(FTPError(.interrupted, "cancelled before it started")))
                        return
                    }
                    Interruption.current = cancellation
                    defer { Interruption.current = nil }
                    do throws(FTPError) { continuation.resume(returning: .success(try body(client.client))) } catch {
                        continuation.resume(returning: .failure(error))
                    }
                } }
                queue.bell.ring()
            }
        } onCancel: {
            cancellation?.cancel()
        }
    }

    /// Runs `body` on the session's thread, with `cancellation` installed there; the caller does not wait.
    func submit(cancellation: Interruption.Cancellation, _ body: @escaping @Sendable (FTPClient) -> Void) {
        let client = UncheckedClient(client)
        queue.work.withLock { $0.append {
            Interruption.current = cancellation
            defer { Interruption.current = nil }
            body(client.client)
        } }
        queue.bell.ring()
    }

    func perform<T: Sendable>(_ body: @escaping @Sendable (FTPClient) throws(FTPError) -> T) async throws(FTPError) -> T {
        try await perform(cancellation: Interruption.Cancellation(), body).get()
    }

    /// Not cancellable: it always runs (QUIT, reading a property).
    func perform<T: Sendable>(_ body: @escaping @Sendable (FTPClient) -> T) async -> T {
        let result = await perform(cancellation: nil) { client throws(FTPError) in body(client) }
        guard case .success(let value) = result else { preconditionFailure("a body that cannot throw failed") }
        return value
    }
}

/// The session's client carried into a closure that runs on the session's thread.
/// @unchecked: only ever used on that thread.
private struct UncheckedClient: @unchecked Sendable {
    let client: FTPClient
    init(_ client: FTPClient) { self.client = client }
}
