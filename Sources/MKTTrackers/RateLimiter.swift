import Foundation
import MKTHTTP
import MKTStore

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
public struct RateLimiter: Sendable {
    public struct Limit: Equatable, Sendable {
        public let requests: Int
        public let window: Duration

        public init(requests: Int, window: Duration) {
            self.requests = requests
            self.window = window
        }

        /// What the sites allow (research/trackers.md §3.6, reliability.md §2.4).
        public static func defaultFor(tracker: String) -> Limit {
            switch tracker {
            case "red": Limit(requests: 10, window: .seconds(10))
            case "ops", "dic": Limit(requests: 5, window: .seconds(10))
            default: Limit(requests: 30, window: .seconds(60))
            }
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
        self.init(statePath: statePath, limit: limit, now: Self.monotonicNanoseconds, sleep: { Thread.sleep(forTimeInterval: Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18) })
    }

    init(statePath: String, limit: Limit, now: @escaping @Sendable () -> Int64, sleep: @escaping @Sendable (Duration) -> Void) {
        self.statePath = statePath
        self.limit = limit
        self.now = now
        self.sleep = sleep
    }

    /// Waits until a request may be sent, and counts it.
    /// - Returns: how long it waited, and the (monotonic) time the request was counted at.
    @discardableResult
    public func acquire() throws(StoreError) -> (waited: Duration, at: Int64) {
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
                sleep(pause)
                waited += pause
            }
        }
    }

    /// The longest a site can make mkt wait: Retry-After's clamp.
    public static let longestBlock = Duration.seconds(RetryAfter.maximum)

    /// Sends nothing more until `delay` has passed (a 429 with Retry-After, or OPS's rate-limit answer).
    public func block(for delay: Duration) throws(StoreError) {
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

    private func withState<T>(_ body: (inout State, Int64) -> T) throws(StoreError) -> T {
        try DurableFile.makeDirectories((statePath as NSString).deletingLastPathComponent)
        let lockPath = statePath + ".lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw .io(operation: "open", path: lockPath, errno: errno) }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw .io(operation: "lock", path: lockPath, errno: errno) }
        }
        // A damaged state file counts as empty: at worst one window's worth too many, never a stuck tool.
        var state = State((try? DurableFile.read(statePath)).flatMap { $0.map { String(decoding: $0, as: UTF8.self) } } ?? "")
        let result = body(&state, now())
        try DurableFile.replace(statePath, contents: Data(state.text.utf8), mode: 0o600)
        return result
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }

    @Sendable static func monotonicNanoseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
}
