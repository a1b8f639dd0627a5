import FerryCore
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// A local file's modification (and access) time, set to a server's time: preserve, mirror, stamped `.part`s.
public enum LocalFileTime {
    /// Sets the modification and access times of `path` to `seconds` since the Unix epoch; returns whether it worked.
    /// `followingLinks`: false sets the times of a symbolic link itself.
    @discardableResult
    public static func set(_ path: String, to seconds: Int64, followingLinks: Bool = true) -> Bool {
        var times = [timespec(tv_sec: Int(seconds), tv_nsec: 0), timespec(tv_sec: Int(seconds), tv_nsec: 0)]
        return WireText.withCString(path) { utimensat(AT_FDCWD, $0, &times, followingLinks ? 0 : AT_SYMLINK_NOFOLLOW) } == 0
    }
}
