import Foundation

/// A sliding-window limit on requests to one tracker for one user, shared by
/// every mkt process on the machine: the requests made in the window live in
/// a small state file, read and written under an exclusive `flock` on
/// `<state>.lock`, which the kernel releases if a process dies holding it.
///
/// Times are CLOCK_MONOTONIC nanoseconds: the same in every process, and not
/// moved by changes to the wall clock. After a reboot the clock starts over;
/// entries from the future are then dropped, and so is a block that ends
/// later than any block could (another boot's, or a process under a shifted
/// clock such as faketime's).
///
/// The state file is written on every request but not fsynced: it is a
/// cache of the last minute's requests, and one lost to a crash costs at
/// most one window's worth of requests too many, as a damaged one does.
public struct RateLimiter: Sendable {
    public struct Limit: Equatable, Sendable {
        public let requests: Int
        public let window: Duration

        public init(requests: Int, window: Duration) {
            self.requests = requests
            self.window = window
        }

    }

    /// A request counted here reaches the site a little later, and the next
    /// one may travel faster: a slot is reused only this long after its
    /// request left the window, so the site never sees one request too many.
    static let arrivalMargin = Duration.milliseconds(100)

    public let statePath: String
    public let limit: Limit
    let now: @Sendable () -> Int64
    let sleep: @Sendable (Duration) -> Void

    public init(statePath: String, limit: Limit) {
        self.init(statePath: statePath, limit: limit, now: Self.monotonicNanoseconds, sleep: { Interruption.sleep(Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18) })
    }

    init(statePath: String, limit: Limit, now: @escaping @Sendable () -> Int64, sleep: @escaping @Sendable (Duration) -> Void) {
        self.statePath = statePath
        self.limit = limit
        self.now = now
        self.sleep = sleep
    }

    /// Waits until a request may be sent, and counts it.
    /// - Throws: `.interrupted` when a stop was asked for while it waited: nothing was counted.
    /// - Returns: how long it waited, and the (monotonic) time the request was counted at.
    /// - Parameter willWait: told each pause before it is taken (for a live "waiting N s" line).
    @discardableResult
    public func acquire(willWait: (Duration) -> Void = { _ in }) throws(RateLimiterError) -> (waited: Duration, at: Int64) {
        var waited = Duration.zero
        while true {
            let window = Self.nanoseconds(limit.window + Self.arrivalMargin)
            let outcome = try withState { state, now -> Outcome in
                let windowStart = now - window
                state.sent.removeAll { $0 <= windowStart || $0 > now }
                if state.blockedUntil > now + Self.nanoseconds(Self.longestBlock) { state.blockedUntil = 0 }
                if state.blockedUntil > now { return .wait(.nanoseconds(state.blockedUntil - now)) }
                if state.sent.count < limit.requests {
                    state.sent.append(now)
                    return .granted(at: now)
                }
                return .wait(.nanoseconds(state.sent.min()! + window - now))
            }
            switch outcome {
            case .granted(let at): return (waited, at)
            case .wait(let pause):
                willWait(pause)
                sleep(pause)
                waited += pause
                if Interruption.requested { throw RateLimiterError(operation: "wait for", path: statePath, errno: EINTR) }
            }
        }
    }

    /// The longest a site can make mkt wait: Retry-After's clamp.
    public static let longestBlock = Duration.seconds(RetryAfter.maximum)

    /// Sends nothing more until `delay` has passed (a 429 with Retry-After, or OPS's rate-limit answer).
    public func block(for delay: Duration) throws(RateLimiterError) {
        try withState { state, now in
            state.blockedUntil = max(state.blockedUntil, now + Self.nanoseconds(min(delay, Self.longestBlock)))
        }
    }

    private enum Outcome {
        case granted(at: Int64)
        case wait(Duration)
    }

    // MARK: - State

    struct State {
        var blockedUntil: Int64 = 0
        var sent: [Int64] = []

        init(_ text: String) {
            for line in text.split(separator: "\n") {
                let fields = line.split(separator: " ")
                if fields.count == 2, fields[0] == "blocked", let until = Int64(fields[1]) { blockedUntil = until }
                if fields.count == 2, fields[0] == "sent", let time = Int64(fields[1]) { sent.append(time) }
            }
        }

        var text: String {
            (["blocked \(blockedUntil)"] + sent.map { "sent \($0)" }).joined(separator: "\n") + "\n"
        }
    }

    private func withState<T>(_ body: (inout State, Int64) -> T) throws(RateLimiterError) -> T {
        try Self.makeDirectories((statePath as NSString).deletingLastPathComponent)
        let lockPath = statePath + ".lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw RateLimiterError(operation: "open", path: lockPath, errno: errno) }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw RateLimiterError(operation: "lock", path: lockPath, errno: errno) }
        }
        // A damaged state file counts as empty: at worst one window's worth too many, never a stuck tool.
        var state = State(Self.read(statePath) ?? "")
        let result = body(&state, now())
        try Self.write(state.text, to: statePath)
        return result
    }

    private static func makeDirectories(_ path: String) throws(RateLimiterError) {
        guard !path.isEmpty, mkdir(path, 0o700) != 0 else { return }
        switch errno {
        case EEXIST: return
        case ENOENT:
            try makeDirectories((path as NSString).deletingLastPathComponent)
            guard mkdir(path, 0o700) == 0 || errno == EEXIST else { throw RateLimiterError(operation: "create directory", path: path, errno: errno) }
        default: throw RateLimiterError(operation: "create directory", path: path, errno: errno)
        }
    }

    /// The state file's text, or nil when it is missing, not a regular file, or too large to be ours.
    private static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size <= 1 << 20 else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        let count = bytes.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
        guard count >= 0 else { return nil }
        return String(decoding: bytes.prefix(count), as: UTF8.self)
    }

    /// Replaces the state under the lock: a temporary file renamed over it (no fsync, see above).
    private static func write(_ text: String, to path: String) throws(RateLimiterError) {
        let temporary = "\(path).tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw RateLimiterError(operation: "create", path: temporary, errno: errno) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        let writeError = errno
        close(fd)
        guard written == bytes.count else {
            unlink(temporary)
            throw RateLimiterError(operation: "write", path: temporary, errno: written < 0 ? writeError : ENOSPC)
        }
        guard rename(temporary, path) == 0 else {
            let renameError = errno
            unlink(temporary)
            throw RateLimiterError(operation: "rename", path: path, errno: renameError)
        }
    }

    public static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }

    @Sendable static func monotonicNanoseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
}

/// The rate limiter's state file could not be used.
public struct RateLimiterError: Error, Equatable, CustomStringConvertible {
    public let operation: String
    public let path: String
    public let errno: Int32

    public var description: String {
        errno == EINTR ? "stopped while waiting for the rate limit; nothing was sent" : "cannot \(operation) '\(path)': \(String(cString: strerror(errno)))"
    }

    /// The wait was cut short by a stop (Ctrl-C), not by a fault.
    public var isInterruption: Bool { errno == EINTR }
}
