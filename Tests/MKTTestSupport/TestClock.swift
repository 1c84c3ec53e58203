import Synchronization

/// A clock for tests of code that waits: sleeping moves it on at once and is
/// recorded, so a backoff or a rate-limit pause takes no real time.
public final class TestClock: Sendable {
    private let state: Mutex<(now: Int64, slept: [Duration])>

    /// - Parameter start: nanoseconds, as CLOCK_MONOTONIC counts.
    public init(start: Int64 = 1_000_000_000_000) {
        state = Mutex((start, []))
    }

    /// Monotonic nanoseconds.
    public func now() -> Int64 { state.withLock { $0.now } }

    public func sleep(_ duration: Duration) {
        state.withLock { state in
            state.now += duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
            state.slept.append(duration)
        }
    }

    public func sleep(seconds: Double) { sleep(.nanoseconds(Int64(seconds * 1e9))) }

    /// Every pause taken, in order.
    public var slept: [Duration] { state.withLock { $0.slept } }
}

extension Duration {
    /// Seconds as a Double, for comparisons in tests.
    public var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
