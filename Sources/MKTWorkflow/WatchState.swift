import Foundation
import MKTStore

/// What `mkt watch` did and what waits, in `.mkt/watch.json`, rewritten
/// after every scan and every round of uploads, for `mkt status`. Small on
/// purpose: the queue and the receipts hold the truth; this says what the
/// watcher was doing with them.
public struct WatchState: Codable, Equatable, Sendable {
    public struct Settling: Codable, Equatable, Sendable {
        public var folder: String
        /// The last write seen, ISO 8601.
        public var lastChange: String

        public init(folder: String, lastChange: String) {
            self.folder = folder
            self.lastChange = lastChange
        }
    }

    public struct Pending: Codable, Equatable, Sendable {
        /// TRACKER/RELEASE.
        public var job: String
        public var state: String
        /// When the watcher takes it, ISO 8601: since it was queued, or after a failure that may be retried.
        public var due: String

        public init(job: String, state: String, due: String) {
            self.job = job
            self.state = state
            self.due = due
        }
    }

    public var pid: Int32
    public var started: String
    public var updated: String
    public var lastScan: String?
    /// Where the completion call is taken, if anywhere.
    public var listening: String?
    public var settling: [Settling] = []
    public var pending: [Pending] = []
    /// The last lines it logged (at most `recentLimit`), newest last.
    public var recent: [String] = []
    /// Set when it stopped cleanly.
    public var stopped: String?

    public static let recentLimit = 10

    public init(pid: Int32, started: String) {
        self.pid = pid
        self.started = started
        updated = started
    }

    public static func path(_ repository: Repository) -> String { "\(repository.directory)/watch.json" }

    public static func read(_ repository: Repository) throws -> WatchState? {
        guard let data = try DurableFile.read(path(repository)) else { return nil }
        do {
            return try JSONDecoder().decode(WatchState.self, from: data)
        } catch {
            throw WorkflowError.damagedWatchState(path: path(repository))
        }
    }

    public func write(_ repository: Repository) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try DurableFile.replace(Self.path(repository), contents: try encoder.encode(self) + Data("\n".utf8), mode: 0o644)
    }

    public mutating func remember(_ line: String) {
        recent.append(line)
        if recent.count > Self.recentLimit { recent.removeFirst(recent.count - Self.recentLimit) }
    }

    static func lockPath(_ repository: Repository) -> String { "\(repository.directory)/watch.lock" }

    /// The store's one watcher: `flock` on `.mkt/watch.lock` (which holds its pid), held while it
    /// runs and dropped by the kernel when it dies. Two watchers would add
    /// each folder twice over and fight for one port.
    public static func claim(_ repository: Repository) throws -> JobLock {
        let path = lockPath(repository)
        guard let lock = try JobLock.take(path) else {
            let written = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            throw WorkflowError.watchRunning(path: path, pid: written.flatMap(Int32.init).map { " (pid \($0))" } ?? "")
        }
        // The holder's pid, for the next one to name; the flock stays on the file, whatever it holds.
        try? "\(getpid())\n".write(toFile: path, atomically: false, encoding: .utf8)
        return lock
    }

    /// Whether a watcher holds the store's watch lock now.
    public static func isRunning(_ repository: Repository) -> Bool { JobLock.isHeld(lockPath(repository)) }

    /// Running, stopped, or gone without stopping: one phrase for `mkt status` and the report.
    public func standing(running: Bool) -> String {
        running ? "running (pid \(pid))"
            : stopped.map { "stopped \($0)" } ?? "not running (pid \(pid) ended without stopping, last seen \(updated))"
    }

    /// `2026-12-01T15:40:00Z`.
    public static func time(_ date: Date) -> String { date.ISO8601Format() }
}
