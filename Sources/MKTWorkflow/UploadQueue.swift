import Foundation
import MKTStore

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

    public init(repository: Repository) {
        directory = "\(repository.directory)/queue"
    }

    func path(_ tracker: String, _ release: String) -> String { "\(directory)/\(tracker)/\(release).json" }

    public func job(tracker: String, release: String) throws -> QueuedJob? {
        guard let data = try DurableFile.read(path(tracker, release)) else { return nil }
        do {
            return try JSONDecoder().decode(QueuedJob.self, from: data)
        } catch {
            throw WorkflowError.damagedJob(path: path(tracker, release))
        }
    }

    /// Every job, in the order workers take them: priority, then age.
    public func jobs() throws -> [QueuedJob] {
        var found: [QueuedJob] = []
        for tracker in try DurableFile.list(directory).sorted() {
            for name in try DurableFile.list("\(directory)/\(tracker)") where name.hasSuffix(".json") {
                if let job = try job(tracker: tracker, release: String(name.dropLast(".json".count))) { found.append(job) }
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
        try DurableFile.makeDirectories("\(directory)/\(job.tracker)")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try DurableFile.replace(path(job.tracker, job.release), contents: try encoder.encode(job) + Data("\n".utf8), mode: 0o644)
    }

    public func remove(_ job: QueuedJob) throws {
        try DurableFile.remove(path(job.tracker, job.release))
    }

    /// Takes the job's lock without waiting; nil when another process holds it.
    public func claim(tracker: String, release: String) throws -> JobLock? {
        try DurableFile.makeDirectories("\(directory)/\(tracker)")
        let lockPath = "\(directory)/\(tracker)/\(release).lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw StoreError.io(operation: "open lock", path: lockPath, errno: errno) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            return nil
        }
        return JobLock(fd: fd)
    }

    /// Whether some process holds the job's lock now.
    public func isLocked(tracker: String, release: String) -> Bool {
        let fd = open("\(directory)/\(tracker)/\(release).lock", O_RDWR | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return flock(fd, LOCK_EX | LOCK_NB) != 0
    }
}

/// A held job lock; dropping it (or the process dying) releases it.
public final class JobLock: @unchecked Sendable {
    private var fd: Int32

    init(fd: Int32) { self.fd = fd }

    deinit { release() }

    public func release() {
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
    }
}
