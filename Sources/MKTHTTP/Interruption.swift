import Foundation
import Synchronization

/// A request to stop (Ctrl-C), shared by the whole process: long waits end
/// early, and workers finish what is under way and take nothing new. A
/// signal is process-wide, so this is too.
public enum Interruption {
    private static let flag = Atomic<Bool>(false)

    public static var requested: Bool { flag.load(ordering: .acquiring) }

    public static func request() { flag.store(true, ordering: .releasing) }

    /// The longest a wait goes on after a stop was asked for.
    static let slice: TimeInterval = 0.05

    /// Waits `seconds`, or less when a stop is asked for meanwhile.
    /// - Returns: false when it ended early, for a stop.
    @discardableResult
    public static func sleep(_ seconds: TimeInterval) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while !requested {
            let left = end.timeIntervalSinceNow
            if left <= 0 { return true }
            Thread.sleep(forTimeInterval: min(left, slice))
        }
        return false
    }
}
