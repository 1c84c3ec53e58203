import Foundation
import Synchronization

/// The one way mkt writes files: objects, refs, reflogs, and later the queue
/// and the credential store all come through here.
///
/// A new file is written to a temp file in the target's own directory, flushed
/// with fsync, moved into place (link for create-only, rename for replace) and
/// then the directory is fsynced, so after a crash the target holds the old
/// bytes or the new ones, never a mix. Temp files are named
/// `.tmp-<pid>-<random>`: a leading dot makes them invalid object and ref
/// names, and the pid lets `mkt gc` spare a live writer's file.
public enum DurableFile {
    public static let tempPrefix = ".tmp-"

    /// Writes `contents` to `path` unless a file is already there.
    /// - Returns: false when `path` existed; its bytes are left untouched.
    @discardableResult
    public static func create(_ path: String, contents: Data, mode: mode_t) throws(StoreError) -> Bool {
        let temp = try writeTemp(beside: path, contents: contents, mode: mode)
        defer { unlink(temp) }
        DurabilitySeam.willTake(.link(from: temp, to: path))
        if link(temp, path) != 0 {
            let code = errno
            if code == EEXIST { return false }
            throw .io(operation: "create", path: path, errno: code)
        }
        try syncDirectory(of: path)
        return true
    }

    /// Writes `contents` to `path`, replacing whatever is there in one step.
    public static func replace(_ path: String, contents: Data, mode: mode_t) throws(StoreError) {
        let temp = try writeTemp(beside: path, contents: contents, mode: mode)
        CrashPoint.reached("before-rename")
        DurabilitySeam.willTake(.rename(from: temp, to: path))
        if rename(temp, path) != 0 {
            let code = errno
            unlink(temp)
            throw .io(operation: "replace", path: path, errno: code)
        }
        CrashPoint.reached("after-rename")
        try syncDirectory(of: path)
    }

    /// Appends one record to `path` and flushes it; creates the file if needed.
    /// A record that cannot be written whole is taken back.
    /// - Returns: the file's length before, nil when the append created it;
    ///   `truncate(_:to:)` takes the record back.
    @discardableResult
    public static func append(_ path: String, contents: Data, mode: mode_t) throws(StoreError) -> Int64? {
        let existed = access(path, F_OK) == 0
        if !existed { DurabilitySeam.willTake(.create(path)) }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else { throw .io(operation: "open", path: path, errno: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .io(operation: "stat", path: path, errno: errno) }
        let before: Int64? = existed ? Int64(info.st_size) : nil
        do throws(StoreError) {
            DurabilitySeam.willTake(.write(path))
            try writeAll(fd, contents, path: path)
            DurabilitySeam.willTake(.fsync(path))
            guard DurabilitySeam.fsync(fd) == 0 else { throw .io(operation: "fsync", path: path, errno: errno) }
            if !existed { try syncDirectory(of: path) }
        } catch {
            try? truncate(path, to: before)
            throw error
        }
        return before
    }

    /// Takes appended records back: cuts `path` to `length`, or removes it when nil.
    public static func truncate(_ path: String, to length: Int64?) throws(StoreError) {
        guard let length else { return try remove(path) }
        let fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw .io(operation: "open", path: path, errno: errno) }
        defer { close(fd) }
        DurabilitySeam.willTake(.truncate(path))
        guard ftruncate(fd, off_t(length)) == 0 else { throw .io(operation: "truncate", path: path, errno: errno) }
        DurabilitySeam.willTake(.fsync(path))
        guard DurabilitySeam.fsync(fd) == 0 else { throw .io(operation: "fsync", path: path, errno: errno) }
    }

    /// Creates `path` and any missing parents, fsyncing each parent that gained an entry.
    public static func makeDirectories(_ path: String, mode: mode_t = 0o755) throws(StoreError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { return }
            throw .io(operation: "create directory", path: path, errno: ENOTDIR)
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty && parent != path { try makeDirectories(parent, mode: mode) }
        DurabilitySeam.willTake(.mkdir(path))
        if mkdir(path, mode) != 0 && errno != EEXIST {
            throw .io(operation: "create directory", path: path, errno: errno)
        }
        try syncDirectory(of: path)
    }

    /// Removes `path` (gone already is fine) and makes the removal durable.
    public static func remove(_ path: String) throws(StoreError) {
        DurabilitySeam.willTake(.unlink(path))
        guard unlink(path) == 0 || errno == ENOENT else { throw .io(operation: "remove", path: path, errno: errno) }
        try syncDirectory(of: path)
    }

    public static func syncDirectory(of path: String) throws(StoreError) {
        let parent = (path as NSString).deletingLastPathComponent
        let directory = parent.isEmpty ? "." : parent
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(operation: "open directory", path: directory, errno: errno) }
        defer { close(fd) }
        DurabilitySeam.willTake(.fsyncDirectory(directory))
        guard DurabilitySeam.fsync(fd) == 0 else { throw .io(operation: "fsync directory", path: directory, errno: errno) }
    }

    /// Reads a whole regular file; nil when it does not exist. A FIFO, a
    /// device or a socket in its place (a ref, an object, a config or a job
    /// file made so by hand) is refused before a byte is read: it is opened
    /// without blocking, so a FIFO with no writer cannot hang the command,
    /// and nothing is read from a device such as /dev/zero, which never ends.
    /// - Parameter streams: also reads a pipe or a device to its end (what
    ///   `hash-object` is given, `/dev/stdin` among them).
    public static func read(_ path: String, streams: Bool = false) throws(StoreError) -> Data? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | (streams ? 0 : O_NONBLOCK))
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw .io(operation: "open", path: path, errno: errno)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .io(operation: "stat", path: path, errno: errno) }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw .io(operation: "read", path: path, errno: EISDIR)
        case _ where streams: break
        case S_IFIFO: throw .notARegularFile(path: path, kind: "FIFO")
        case S_IFSOCK: throw .notARegularFile(path: path, kind: "socket")
        default: throw .notARegularFile(path: path, kind: "device")
        }
        // Read straight into a buffer the size the file says (one byte more
        // shows a file that grew meanwhile); small reads dominate (receipts,
        // refs), so no fixed-size scratch buffer is zeroed for each.
        var data = Data(count: max(Int(info.st_size), 0) + 1)
        var filled = 0
        while true {
            if filled == data.count { data.count += max(data.count, 1 << 16) }
            let count = data.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .io(operation: "read", path: path, errno: errno)
            }
            if count == 0 {
                data.count = filled
                return data
            }
            filled += count
        }
    }

    /// The names in a directory; none when the directory does not exist.
    public static func list(_ path: String) throws(StoreError) -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: path)
        } catch let error as CocoaError where error.code == .fileReadNoSuchFile {
            return []
        } catch {
            throw .io(operation: "list", path: path, errno: (error as NSError).underlyingErrorCode ?? EIO)
        }
    }

    /// The pid in a temp file's name, if it has one.
    public static func writerPID(ofTemp name: String) -> Int32? {
        guard name.hasPrefix(tempPrefix) else { return nil }
        return Int32(name.dropFirst(tempPrefix.count).prefix { $0 != "-" })
    }

    private static func writeTemp(beside path: String, contents: Data, mode: mode_t) throws(StoreError) -> String {
        let directory = (path as NSString).deletingLastPathComponent
        var fd: Int32 = -1
        var temp = ""
        for _ in 0..<16 {
            temp = "\(directory)/\(tempPrefix)\(getpid())-\(UInt64.random(in: 0...UInt64.max) & 0xffff_ffff_ffff)"
            fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else { throw .io(operation: "create temp file in", path: directory, errno: errno) }
        do throws(StoreError) {
            // Errors name the file being written, not its temporary name.
            DurabilitySeam.willTake(.write(temp))
            try writeAll(fd, contents, path: path)
            // fchmod, not the open mode: the caller's umask must not loosen or tighten it.
            guard fchmod(fd, mode) == 0 else { throw StoreError.io(operation: "chmod", path: temp, errno: errno) }
            DurabilitySeam.willTake(.fsync(temp))
            guard DurabilitySeam.fsync(fd) == 0 else { throw StoreError.io(operation: "fsync", path: temp, errno: errno) }
            guard close(fd) == 0 else {
                fd = -1
                throw StoreError.io(operation: "close", path: temp, errno: errno)
            }
        } catch {
            if fd >= 0 { close(fd) }
            unlink(temp)
            throw error
        }
        return temp
    }

    private static func writeAll(_ fd: Int32, _ contents: Data, path: String) throws(StoreError) {
        if let injected = WriteFaults.next() { throw .io(operation: "write", path: path, errno: injected) }
        let failure: Int32? = contents.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
        if let failure { throw .io(operation: "write", path: path, errno: failure) }
    }
}

/// A fault-injection seam for crash tests: with `MKT_TEST_CRASH_POINT=NAME`
/// in the environment, the process ends at once, as `kill -9` would end it,
/// the first time it reaches the point of that name.
public enum CrashPoint {
    private static let chosen = ProcessInfo.processInfo.environment["MKT_TEST_CRASH_POINT"]

    public static func reached(_ name: String) {
        if chosen == name { _exit(137) }
    }
}

/// A fault-injection seam for the file layer, for crash and disk-full tests.
/// Every durable write is counted; with `MKT_TEST_FAIL_WRITE=N` the Nth one
/// fails with ENOSPC (`N+`: that one and every later one), and with
/// `MKT_TEST_CRASH_AT_WRITE=N` the process ends at once before the Nth, as
/// `kill -9` would end it.
enum WriteFaults {
    private static let environment = ProcessInfo.processInfo.environment
    private static let failAt = parse(environment["MKT_TEST_FAIL_WRITE"])
    private static let crashAt = parse(environment["MKT_TEST_CRASH_AT_WRITE"])?.count
    private static let counter = Mutex<Int>(0)

    private static func parse(_ text: String?) -> (count: Int, onwards: Bool)? {
        guard let text, let count = Int(text.hasSuffix("+") ? String(text.dropLast()) : text), count > 0 else { return nil }
        return (count, text.hasSuffix("+"))
    }

    /// Counts a write; the errno it must fail with, if any.
    static func next() -> Int32? {
        guard failAt != nil || crashAt != nil else { return nil }
        let number = counter.withLock { count -> Int in
            count += 1
            return count
        }
        if number == crashAt { _exit(137) }
        guard let failAt else { return nil }
        return number == failAt.count || (failAt.onwards && number > failAt.count) ? ENOSPC : nil
    }
}

extension NSError {
    /// The errno behind a Foundation file error, when Foundation kept it.
    var underlyingErrorCode: Int32? {
        (userInfo[NSUnderlyingErrorKey] as? NSError).map { Int32($0.code) }
    }
}
