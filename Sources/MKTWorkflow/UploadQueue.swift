import Foundation
import MKTStore
import Synchronization

/// One (tracker, release) upload waiting, running or done, kept in
/// `.mkt/queue/<tracker>/<release>.json`. The job file is rewritten durably
/// at every step, so a restart finds each job where it was.
public struct QueuedJob: Codable, Equatable, Sendable {
    public enum State: String, Codable, Sendable, CaseIterable {
        case pending, uploading, success, failed
        case outcomeUnknown = "outcome-unknown"
    }

    public var tracker: String
    /// The release's name: `refs/releases/<release>`.
    public var release: String
    public var meta: String
    public var torrent: String
    public var state: State
    /// Higher goes first; then older first.
    public var priority: Int
    /// Milliseconds since the epoch.
    public var queued: Int64
    /// The newest receipt of this job's chain, if any attempt was made.
    public var receipt: String?
    /// The last outcome in words, for `mkt queue` and `mkt status`.
    public var message: String?

    public init(tracker: String, release: String, meta: String, torrent: String, queued: Int64, previousReceipt: String? = nil) {
        self.tracker = tracker
        self.release = release
        self.meta = meta
        self.torrent = torrent
        state = .pending
        priority = 0
        self.queued = queued
        receipt = previousReceipt
    }

    /// Waiting for a worker: new, or stopped with its outcome unknown.
    public var isWaiting: Bool { state == .pending || state == .outcomeUnknown }
}

/// The queue's directory, with one lock per job: `flock` on
/// `<tracker>/<release>.lock` while a process works on it. The kernel drops
/// the lock when that process dies, so a job marked `uploading` whose lock is
/// free was cut off mid-attempt: its outcome is unknown.
public struct UploadQueue: Sendable {
    public let directory: String
    /// Told once of each job file that is damaged or names another job; such a job is skipped.
    private let damaged: ReportedOnce?

    public init(repository: Repository, damaged report: (@Sendable (WorkflowError) -> Void)? = nil) {
        directory = "\(repository.directory)/queue"
        damaged = report.map(ReportedOnce.init)
    }

    func path(_ tracker: String, _ release: String) -> String { "\(directory)/\(tracker)/\(release).json" }

    /// A name that may stand in a job's path: one valid ref name component
    /// (as in `refs/trackers/TRACKER/RELEASE`), so that no job file or lock
    /// is ever outside `<queue>/<tracker>/`.
    public static func isJobName(_ name: String) -> Bool {
        !name.contains("/") && RefName.isValid("refs/releases/\(name)")
    }

    /// The job file's path, for names that may stand in one.
    private func checkedPath(_ tracker: String, _ release: String, suffix: String = ".json") throws(WorkflowError) -> String {
        for name in [tracker, release] where !Self.isJobName(name) {
            throw .badJobName(name, path: "\(directory)/\(tracker)/\(release)\(suffix)")
        }
        return "\(directory)/\(tracker)/\(release)\(suffix)"
    }

    /// The job in `<tracker>/<release>.json`, checked: it must name that very
    /// tracker and release, and hold object ids where ids go.
    public func job(tracker: String, release: String) throws -> QueuedJob? {
        let path = try checkedPath(tracker, release)
        guard let data = try DurableFile.read(path) else { return nil }
        let job: QueuedJob
        do {
            job = try JSONDecoder().decode(QueuedJob.self, from: data)
        } catch {
            throw WorkflowError.damagedJob(path: path, reason: "not a queued job")
        }
        if job.tracker != tracker { throw WorkflowError.damagedJob(path: path, reason: "it names tracker '\(job.tracker)', not '\(tracker)'") }
        if job.release != release { throw WorkflowError.damagedJob(path: path, reason: "it names release '\(job.release)', not '\(release)'") }
        for (field, value) in [("meta", job.meta), ("torrent", job.torrent), ("receipt", job.receipt)] where value.map({ ObjectID(hex: $0) == nil }) ?? false {
            throw WorkflowError.damagedJob(path: path, reason: "its \(field) is not an object id")
        }
        return job
    }

    /// Every sound job, in the order workers take them: priority, then age.
    /// A damaged one is reported (once) and left out: it is never used.
    public func jobs() throws -> [QueuedJob] {
        var found: [QueuedJob] = []
        for tracker in try DurableFile.list(directory).sorted() {
            for name in try DurableFile.list("\(directory)/\(tracker)").sorted() where name.hasSuffix(".json") {
                do {
                    if let job = try job(tracker: tracker, release: String(name.dropLast(".json".count))) { found.append(job) }
                } catch let error as WorkflowError {
                    // A damaged job is skipped, never used; a read error stops the reading.
                    switch error {
                    case .damagedJob, .badJobName: damaged?.report(error)
                    default: throw error
                    }
                }
            }
        }
        return found.sorted { ($0.priority, -$0.queued, $0.tracker, $0.release) > ($1.priority, -$1.queued, $1.tracker, $1.release) }
    }

    /// Every job file with the objects it names, for fsck; a file that does
    /// not parse, or names something that is not an id, comes back damaged.
    public func linkingFiles() throws -> [LinkingFile] {
        var files: [LinkingFile] = []
        for tracker in try DurableFile.list(directory).sorted() {
            for name in try DurableFile.list("\(directory)/\(tracker)").sorted() where name.hasSuffix(".json") {
                let path = "\(directory)/\(tracker)/\(name)"
                let job = "\(tracker)/\(name.dropLast(".json".count))"
                files.append(LinkingFile(path: "queue/\(tracker)/\(name)", links: Self.links(in: try DurableFile.read(path) ?? Data(), job: job)))
            }
        }
        return files
    }

    static func links(in data: Data, job name: String) -> Result<[ObjectLink], LinkingFile.Damage> {
        let remedy = "'mkt queue cancel \(name)' drops it"
        let job: QueuedJob
        do {
            job = try JSONDecoder().decode(QueuedJob.self, from: data)
        } catch let error as DecodingError {
            return .failure(.init(reason: Self.reason(error), remedy: remedy))
        } catch {
            return .failure(.init(reason: "\(error)", remedy: remedy))
        }
        var links: [ObjectLink] = []
        for (field, text, type) in [("meta", job.meta, ObjectType.meta), ("torrent", job.torrent, .torrent)] + (job.receipt.map { [("receipt", $0, .receipt)] } ?? []) {
            guard ObjectID.isLowerHex(text), let id = ObjectID(hex: text) else {
                return .failure(.init(reason: "\(field): '\(text.prefix(80))' is not an object id", remedy: remedy))
            }
            links.append(ObjectLink(field, id, type))
        }
        return .success(links)
    }

    /// One line: which key is wrong and how.
    private static func reason(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String { context.codingPath.map(\.stringValue).joined(separator: ".") }
        switch error {
        case .keyNotFound(let key, _): return "\(key.stringValue): missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "\(path(context)): wrong type"
        case .dataCorrupted(let context): return context.codingPath.isEmpty ? "not JSON" : "\(path(context)): not a valid value"
        @unknown default: return "not a queued job"
        }
    }

    /// Removes the job file of `tracker`/`release` if it is one the queue
    /// holds, it does not parse (`mkt queue cancel` drops it so) and no
    /// process holds its lock; false otherwise.
    public func removeDamaged(tracker: String, release: String) throws -> Bool {
        // Only names listed in the queue: a TRACKER/RELEASE typed with `..` reaches nothing outside it.
        guard try DurableFile.list(directory).contains(tracker), try DurableFile.list("\(directory)/\(tracker)").contains("\(release).json"),
            let data = try DurableFile.read(path(tracker, release)), case .failure = Self.links(in: data, job: "\(tracker)/\(release)"),
            let lock = try claim(tracker: tracker, release: release)
        else { return false }
        defer { lock.release() }
        try DurableFile.remove(path(tracker, release))
        return true
    }

    public func save(_ job: QueuedJob) throws {
        let path = try checkedPath(job.tracker, job.release)
        try DurableFile.makeDirectories("\(directory)/\(job.tracker)")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try DurableFile.replace(path, contents: try encoder.encode(job) + Data("\n".utf8), mode: 0o644)
    }

    public func remove(_ job: QueuedJob) throws {
        try DurableFile.remove(checkedPath(job.tracker, job.release))
    }

    /// Takes the job's lock without waiting; nil when another process holds it.
    public func claim(tracker: String, release: String) throws -> JobLock? {
        let lockPath = try checkedPath(tracker, release, suffix: ".lock")
        try DurableFile.makeDirectories("\(directory)/\(tracker)")
        return try JobLock.take(lockPath)
    }

    /// Whether some process holds the job's lock now.
    public func isLocked(tracker: String, release: String) -> Bool {
        guard let lockPath = try? checkedPath(tracker, release, suffix: ".lock") else { return false }
        return JobLock.isHeld(lockPath)
    }
}

/// A held job lock; dropping it (or the process dying) releases it.
public final class JobLock: @unchecked Sendable {
    private var fd: Int32

    init(fd: Int32) { self.fd = fd }

    /// Takes the lock at `path` without waiting; nil when another process holds it.
    static func take(_ path: String) throws -> JobLock? {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw StoreError.io(operation: "open lock", path: path, errno: errno) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            return nil
        }
        return JobLock(fd: fd)
    }

    /// Whether some process holds the lock at `path` now.
    static func isHeld(_ path: String) -> Bool {
        let fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return flock(fd, LOCK_EX | LOCK_NB) != 0
    }

    deinit { release() }

    public func release() {
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
    }
}

/// Passes each error on the first time it is seen: a push reads the queue
/// several times, and a damaged job is one line, not one per reading.
final class ReportedOnce: Sendable {
    private let report: @Sendable (WorkflowError) -> Void
    private let seen = Mutex<Set<String>>([])

    init(_ report: @escaping @Sendable (WorkflowError) -> Void) { self.report = report }

    func report(_ error: WorkflowError) {
        if seen.withLock({ $0.insert(error.description).inserted }) { report(error) }
    }
}
