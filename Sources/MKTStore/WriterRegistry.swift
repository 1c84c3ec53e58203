import Foundation
import Synchronization

/// Keeps gc off the objects of a command still running, as git keeps a
/// running command's objects until its refs land: before its first object
/// write, a process registers in `.mkt/running/<pid>` (the file's
/// modification time is when), and removes the file as it exits. gc keeps
/// every object modified since the oldest registration whose process is
/// running, and removes the others (their process died). A pid reused by
/// another process only keeps more: never less.
enum WriterRegistry {
    /// The registration file of each store this process wrote to, by store directory.
    private static let registered = Mutex<[String: String]>([:])

    static func directory(ofStore store: String) -> String { "\(store)/running" }

    /// Registers this process as a writer of `store`, once.
    static func register(store: String) throws(StoreError) {
        try registered.withLock { (files: inout [String: String]) throws(StoreError) in
            guard files[store] == nil else { return }
            let running = directory(ofStore: store)
            if mkdir(running, 0o755) != 0 && errno != EEXIST { throw .io(operation: "create", path: running, errno: errno) }
            let path = "\(running)/\(getpid())"
            let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
            guard fd >= 0 else { throw .io(operation: "create", path: path, errno: errno) }
            // A dead process's file under the same pid gets a fresh time: the registration is ours now.
            let touched = futimens(fd, nil) == 0
            let error = errno
            close(fd)
            guard touched else { throw .io(operation: "touch", path: path, errno: error) }
            files[store] = path
            _ = removeAtExit
        }
    }

    /// A process that ends normally takes its registrations with it; gc removes those of one that died.
    private static let removeAtExit: Void = {
        atexit { WriterRegistry.registered.withLock { files in for path in files.values { unlink(path) } } }
    }()

    /// When the oldest running writer of `store` registered (nil: none is
    /// running); the registrations of writers gone are removed.
    static func oldestLiveWriter(store: String) -> timespec? {
        let running = directory(ofStore: store)
        var oldest: timespec?
        for name in (try? DurableFile.list(running)) ?? [] {
            guard let pid = Int32(name), pid > 0 else { continue }
            let path = "\(running)/\(name)"
            guard LockFile.isRunning(pid) else {
                unlink(path)
                continue
            }
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            if oldest.map({ info.st_mtim < $0 }) ?? true { oldest = info.st_mtim }
        }
        return oldest
    }
}

func < (left: timespec, right: timespec) -> Bool {
    (left.tv_sec, left.tv_nsec) < (right.tv_sec, right.tv_nsec)
}

/// A pause for the tests of gc beside a running add: with
/// `MKT_TEST_PAUSE_AFTER_RELEASE_WRITE=FILE`, the process creates FILE after
/// writing a `release` object and waits until FILE is removed (60 s at most).
/// Off unless set, and not for users.
public enum WriterPauseSeam {
    private static let signal = ProcessInfo.processInfo.environment["MKT_TEST_PAUSE_AFTER_RELEASE_WRITE"]

    public static func releaseWritten() {
        guard let signal else { return }
        _ = FileManager.default.createFile(atPath: signal, contents: nil)
        for _ in 0..<6000 where FileManager.default.fileExists(atPath: signal) { usleep(10_000) }
    }
}
