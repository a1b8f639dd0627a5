import Foundation
import Synchronization

/// A task executor on a thread of its own. The test run's other tests block the cooperative pool's threads (two
/// on two cores) for seconds at a time, and an async test's resumed continuations would queue behind every test not
/// yet started: with `withTaskExecutorPreference(ThreadExecutor())` an async test runs on this thread instead.
public final class ThreadExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: `thread` is written once in init; the queue is under its own lock.
    private let jobs = Mutex<[UnownedJob]>([])
    private let ready = NSCondition()
    private var thread: Thread?

    public init() {
        let thread = Thread { [unowned self] in self.loop() }
        thread.stackSize = 1 << 20
        self.thread = thread
        thread.start()
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        jobs.withLock { $0.append(unowned) }
        ready.lock()
        ready.signal()
        ready.unlock()
    }

    private func loop() {
        while true {
            let next = jobs.withLock { $0.isEmpty ? nil : $0.removeFirst() }
            if let next {
                next.runSynchronously(on: asUnownedTaskExecutor())
                continue
            }
            ready.lock()
            if jobs.withLock({ $0.isEmpty }) { _ = ready.wait(until: Date(timeIntervalSinceNow: 0.5)) }
            ready.unlock()
        }
    }
}
