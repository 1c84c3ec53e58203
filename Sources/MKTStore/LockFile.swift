import Foundation

/// `X.lock`, created with O_EXCL: whoever creates it may change X. It holds
/// the owner's pid so a lock left by a killed process can be told apart from
/// a live one. Dropping the lock removes the file.
public final class LockFile {
    public let path: String
    private var held = true

    private init(path: String) {
        self.path = path
    }

    deinit { release() }

    /// Creates `path`, retrying with jittered backoff for up to `timeout`
    /// while another process holds it.
    public static func acquire(_ path: String, for name: String, timeout: Duration) throws(StoreError) -> LockFile {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var pauseMicroseconds = 500.0
        while true {
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
            if fd >= 0 {
                let pid = Array("\(getpid())\n".utf8)
                _ = pid.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                close(fd)
                return LockFile(path: path)
            }
            let code = errno
            guard code == EEXIST else { throw .io(operation: "create lock", path: path, errno: code) }
            guard clock.now < deadline else { throw .lockHeld(name, lockPath: path, holder: holder(of: path)) }
            usleep(UInt32(pauseMicroseconds * Double.random(in: 0.75...1.25)))
            pauseMicroseconds = min(pauseMicroseconds * 2, 50_000)
        }
    }

    public func release() {
        guard held else { return }
        held = false
        unlink(path)
    }

    /// Who wrote the lock file, judged from the pid inside it.
    public static func holder(of path: String) -> LockHolder {
        guard let data = FileManager.default.contents(atPath: path),
            let pid = Int32(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
            pid > 0
        else { return .unknown }
        return isRunning(pid) ? .running(pid: pid) : .gone(pid: pid)
    }

    /// True when a process with this pid exists on this machine.
    public static func isRunning(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }
}

/// `flock` on `<file>.lock`: serialises the writers of one file between
/// processes, and the kernel lets go when the holder dies, so no stale lock
/// is ever left behind (the config files, the credential file).
public enum FileLock {
    public static func withLock<T>(for path: String, _ body: () throws -> T) throws -> T {
        let fd = try lock(path + ".lock")
        defer { close(fd) }
        return try body()
    }

    /// Opens `lockPath` (made if need be) and waits for its lock; closing the descriptor lets go.
    public static func lock(_ lockPath: String) throws(StoreError) -> Int32 {
        let fd = open(lockPath, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .io(operation: "open", path: lockPath, errno: errno) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else {
                let code = errno
                close(fd)
                throw .io(operation: "lock", path: lockPath, errno: code)
            }
        }
        return fd
    }
}
