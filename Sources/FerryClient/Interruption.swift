import Synchronization

/// The Ctrl-C flag. A signal handler sets it; every wait in the client checks it when poll() is interrupted.
public enum Interruption {
    private static let flag = Atomic<Bool>(false)

    /// Safe to call from a signal handler.
    public static func request() { flag.store(true, ordering: .relaxed) }
    public static func clear() { flag.store(false, ordering: .relaxed) }
    public static var isRequested: Bool { flag.load(ordering: .relaxed) }
}
