import Foundation
import MKTStore
import MKTTrackers

/// One receipt in the history, with the release it was for.
public struct HistoryEntry: Sendable {
    public var id: ObjectID
    public var release: String
    public var receipt: UploadReceipt
}

/// Where a release stands with one tracker, as `mkt status` says it.
public enum TrackerState: Equatable, Sendable {
    case notPushed
    case queued
    case uploading
    case uploaded(UploadReceipt)
    /// The last attempt was refused or failed and nothing is queued.
    case failed(UploadReceipt)
    /// The site may or may not have it: `mkt push --queue` looks it up.
    case needsAttention(String)
}

extension Repository {
    /// Every receipt reachable from `refs/trackers/`, newest first: each
    /// tracker ref's chain walked through `previous`, as `git log` walks commits.
    public func history(release: String? = nil, tracker: String? = nil) throws -> [HistoryEntry] {
        var entries: [HistoryEntry] = []
        var seen: Set<ObjectID> = []
        for ref in try refs.list(under: "refs/trackers") {
            let parts = ref.name.split(separator: "/", maxSplits: 3)
            guard parts.count == 4, case .success(let head) = ref.value else { continue }
            let (refTracker, refRelease) = (String(parts[2]), String(parts[3]))
            if let tracker, tracker != refTracker { continue }
            if let release, release != refRelease { continue }
            var next: ObjectID? = head
            while let id = next, seen.insert(id).inserted {
                let receipt = try UploadReceipt(objectBody: objects.read(id, as: .receipt))
                entries.append(HistoryEntry(id: id, release: refRelease, receipt: receipt))
                next = receipt.previous.flatMap(ObjectID.init(hex:))
            }
        }
        return entries.sorted { ($0.receipt.started, $0.receipt.attempt, $0.id.hex) > ($1.receipt.started, $1.receipt.attempt, $1.id.hex) }
    }

    /// Each release's state with each tracker it was pushed or queued to,
    /// and with `trackers` (the configured ones) whether or not it was.
    public func status(trackers configured: [String]) throws -> [(release: String, trackers: [(name: String, state: TrackerState)])] {
        let queue = UploadQueue(repository: self)
        var jobs: [String: QueuedJob] = [:]
        for job in try queue.jobs() { jobs["\(job.tracker)/\(job.release)"] = job }
        var pushed: [String: [String: ObjectID]] = [:]
        for ref in try refs.list(under: "refs/trackers") {
            let parts = ref.name.split(separator: "/", maxSplits: 3)
            guard parts.count == 4, case .success(let id) = ref.value else { continue }
            pushed[String(parts[3]), default: [:]][String(parts[2])] = id
        }
        return try releases().map { release in
            let names = Set(configured + (pushed[release.name]?.keys.map { $0 } ?? []) + jobs.values.filter { $0.release == release.name }.map(\.tracker)).sorted()
            return (release.name, try names.map { tracker in
                if let job = jobs["\(tracker)/\(release.name)"] {
                    switch job.state {
                    case .pending: return (tracker, .queued)
                    case .uploading:
                        return (tracker, queue.isLocked(tracker: tracker, release: release.name)
                            ? .uploading : .needsAttention("an upload was cut off; mkt push --queue looks the torrent up"))
                    case .outcomeUnknown: return (tracker, .needsAttention("outcome unknown; mkt push --queue looks the torrent up"))
                    case .success, .failed: break
                    }
                }
                guard let id = pushed[release.name]?[tracker] else { return (tracker, .notPushed) }
                let receipt = try UploadReceipt(objectBody: objects.read(id, as: .receipt))
                switch receipt.outcome {
                case .success, .recovered: return (tracker, .uploaded(receipt))
                case .outcomeUnknown: return (tracker, .needsAttention("outcome unknown; mkt push --queue looks the torrent up"))
                case .dryRun, .rejected, .failed: return (tracker, .failed(receipt))
                }
            })
        }
    }
}
