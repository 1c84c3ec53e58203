import Dispatch
import Foundation
import MKTHTTP
@testable import MKTHTTP
import MKTTestSupport
import Synchronization
import Testing

struct RateLimiterTests {
    /// Several limiters on one state file, each with its own file descriptor
    /// (flock treats them as separate processes would be), never let more than
    /// the limit through in any window.
    @Test func concurrentUsersStayWithinTheLimit() throws {
        try withTemporaryDirectory { directory in
            let limit = RateLimiter.Limit(requests: 5, window: .milliseconds(400))
            let times = Mutex<[Int64]>([])
            DispatchQueue.concurrentPerform(iterations: 4) { _ in
                let limiter = RateLimiter(statePath: "\(directory)/limits/red", limit: limit)
                for _ in 0..<4 {
                    let granted = try! limiter.acquire().at
                    times.withLock { $0.append(granted) }
                }
            }
            let sorted = times.withLock { $0 }.sorted()
            #expect(sorted.count == 16)
            let window = RateLimiter.nanoseconds(limit.window)
            for (index, start) in sorted.enumerated() {
                let inWindow = sorted[index...].prefix { $0 < start + window }.count
                #expect(inWindow <= limit.requests, "\(inWindow) requests within one window")
            }
        }
    }

    /// With a fake clock: a full window makes the next caller wait for the
    /// oldest request to age out, plus the margin for its travel to the site.
    @Test func waitsForTheOldestRequestAndHonoursRetryAfter() throws {
        try withTemporaryDirectory { directory in
            let clock = Atomic<Int64>(1_000_000_000)
            let limiter = RateLimiter(
                statePath: "\(directory)/ops", limit: .init(requests: 2, window: .seconds(10)),
                now: { clock.load(ordering: .relaxed) },
                sleep: { clock.add(RateLimiter.nanoseconds($0), ordering: .relaxed) })
            #expect(try limiter.acquire().waited == .zero)
            clock.add(3_000_000_000, ordering: .relaxed)
            #expect(try limiter.acquire().waited == .zero)
            #expect(try limiter.acquire().waited == .seconds(7) + RateLimiter.arrivalMargin)
            try limiter.block(for: .seconds(30))
            #expect(try limiter.acquire().waited == .seconds(30))
            // A block is clamped to the longest a site may ask for…
            try limiter.block(for: .seconds(86_400 * 365))
            #expect(try limiter.acquire().waited == RateLimiter.longestBlock)
        }
    }

    /// …and one that ends later still was set under another clock (a
    /// reboot, a shifted clock): it is dropped, as are requests "from the future".
    @Test func aBlockFromAnotherClockIsDropped() throws {
        try withTemporaryDirectory { directory in
            let year: Int64 = 365 * 86_400 * 1_000_000_000
            try writeFile("\(directory)/red", "blocked \(5 * year)\nsent \(4 * year)\nsent \(4 * year + 1)\n")
            let clock = Atomic<Int64>(year)
            let limiter = RateLimiter(
                statePath: "\(directory)/red", limit: .init(requests: 1, window: .seconds(10)),
                now: { clock.load(ordering: .relaxed) },
                sleep: { clock.add(RateLimiter.nanoseconds($0), ordering: .relaxed) })
            #expect(try limiter.acquire().waited == .zero)
        }
    }
}
