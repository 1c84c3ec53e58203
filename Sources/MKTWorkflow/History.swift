import Foundation
import MKTObjects
import MKTStore
import MKTTrackers
import Synchronization

/// One receipt in the history, with the release it was for.
public struct HistoryEntry: Sendable {
    public var id: ObjectID
    public var release: String
    public var receipt: UploadReceipt

    public init(id: ObjectID, release: String, receipt: UploadReceipt) {
        self.id = id
        self.release = release
        self.receipt = receipt
    }
}

/// Where a release stands with one tracker, as `mkt status` says it.
public enum TrackerState: Equatable, Sendable {
    case notPushed
    case queued
    case uploading
    /// With whether a client seeds it (the seeding ref names this receipt).
    case uploaded(UploadReceipt, seeding: Bool)
    /// The last attempt was refused or failed and nothing is queued.
    case failed(UploadReceipt)
    /// The site may or may not have it: `mkt push --queue` looks it up.
    case needsAttention(String)
    /// The tracker ref names a receipt that cannot be read: what is wrong, and the fix.
    case damaged(String)
}

extension Repository {
    /// Every receipt reachable from `refs/trackers/`, newest first: each
    /// tracker ref's chain walked through `previous`, as `git log` walks
    /// commits. With a `limit`, only as many receipts are read as are shown
    /// (a merge of the chains by start time); without, the chains are read
    /// on all cores.
    ///
    /// A receipt that cannot be read ends its chain there and is told to
    /// `damaged` (once, with what refers to it and the fix); the others are
    /// all still shown. Without `damaged`, it is an error.
    public func history(release: String? = nil, tracker: String? = nil, limit: Int? = nil, damaged: (@Sendable (String) -> Void)? = nil) throws -> [HistoryEntry] {
        var heads: [(release: String, id: ObjectID)] = []
        for ref in try refs.list(under: "refs/trackers") {
            let parts = ref.name.split(separator: "/", maxSplits: 3)
            guard parts.count == 4, case .success(let head) = ref.value else { continue }
            if let tracker, tracker != parts[2] { continue }
            if let release, release != parts[3] { continue }
            heads.append((String(parts[3]), head))
        }
        if let limit { return try newest(limit, of: heads, damaged: damaged) }
        let starts = heads
        let chains = Mutex<[Result<[HistoryEntry], any Error>]>([])
        DispatchQueue.concurrentPerform(iterations: heads.count) { index in
            let chain = Result { try self.chain(from: starts[index].id, release: starts[index].release, damaged: damaged) }
            chains.withLock { $0.append(chain) }
        }
        return Self.merge(try chains.withLock { $0 }.map { try $0.get() })
    }

    /// Chains (each newest first, as `previous` links them) merged newest
    /// first by start time. Within a chain the links decide, not the clock:
    /// a clock set back between two attempts does not reorder them.
    static func merge(_ chains: [[HistoryEntry]]) -> [HistoryEntry] {
        // A binary max-heap of (chain, position), ordered by the entry there.
        var heap: [(chain: Int, position: Int)] = []
        func newer(_ a: (chain: Int, position: Int), _ b: (chain: Int, position: Int)) -> Bool {
            isNewer(chains[a.chain][a.position], chains[b.chain][b.position])
        }
        func push(_ item: (chain: Int, position: Int)) {
            heap.append(item)
            var child = heap.count - 1
            while child > 0, newer(heap[child], heap[(child - 1) / 2]) {
                heap.swapAt(child, (child - 1) / 2)
                child = (child - 1) / 2
            }
        }
        func pop() -> (chain: Int, position: Int)? {
            guard let top = heap.first else { return nil }
            heap[0] = heap[heap.count - 1]
            heap.removeLast()
            var parent = 0
            while true {
                let (left, right) = (2 * parent + 1, 2 * parent + 2)
                var largest = parent
                if left < heap.count, newer(heap[left], heap[largest]) { largest = left }
                if right < heap.count, newer(heap[right], heap[largest]) { largest = right }
                if largest == parent { break }
                heap.swapAt(parent, largest)
                parent = largest
            }
            return top
        }
        for (index, chain) in chains.enumerated() where !chain.isEmpty { push((index, 0)) }
        var merged: [HistoryEntry] = []
        merged.reserveCapacity(chains.reduce(0) { $0 + $1.count })
        // The same receipt can head two chains only if refs were set by hand: keep it once.
        var seen: Set<ObjectID> = []
        while let next = pop() {
            let entry = chains[next.chain][next.position]
            if seen.insert(entry.id).inserted { merged.append(entry) }
            if next.position + 1 < chains[next.chain].count { push((next.chain, next.position + 1)) }
        }
        return merged
    }

    private func chain(from head: ObjectID, release: String, damaged: (@Sendable (String) -> Void)?) throws -> [HistoryEntry] {
        var entries: [HistoryEntry] = []
        var seen: Set<ObjectID> = []
        var next: ObjectID? = head
        while let id = next, seen.insert(id).inserted {
            guard let entry = try historyEntry(id, release: release, referrer: entries.last, damaged: damaged) else { break }
            entries.append(entry)
            next = entry.receipt.previous.flatMap(ObjectID.init(hex:))
        }
        return entries
    }

    /// The receipt, or nil when it is damaged and `damaged` takes the news.
    private func historyEntry(_ id: ObjectID, release: String, referrer: HistoryEntry? = nil, damaged: (@Sendable (String) -> Void)? = nil) throws -> HistoryEntry? {
        do {
            return HistoryEntry(id: id, release: release, receipt: try objects.readReceipt(id))
        } catch {
            guard let damaged else { throw error }
            let by = referrer.map { "receipt \($0.id.hex.prefix(12))'s previous" } ?? "the ref of \(release)"
            damaged("receipt \(id.hex) (\(by)) cannot be read: \(error); its history stops there (mkt fsck tells what else is damaged)")
            return nil
        }
    }

    /// The `limit` newest receipts: each chain's newest is its head, so the
    /// newest of all heads comes next, and its `previous` takes its place.
    private func newest(_ limit: Int, of heads: [(release: String, id: ObjectID)], damaged: (@Sendable (String) -> Void)?) throws -> [HistoryEntry] {
        var fronts = try heads.compactMap { try historyEntry($0.id, release: $0.release, damaged: damaged) }
        var seen: Set<ObjectID> = []
        var entries: [HistoryEntry] = []
        while entries.count < limit, let index = fronts.indices.max(by: { Self.isNewer(fronts[$1], fronts[$0]) }) {
            let entry = fronts[index]
            if seen.insert(entry.id).inserted { entries.append(entry) }
            if let previous = entry.receipt.previous.flatMap(ObjectID.init(hex:)), !seen.contains(previous),
                let older = try historyEntry(previous, release: entry.release, referrer: entry, damaged: damaged) {
                fronts[index] = older
            } else {
                fronts.remove(at: index)
            }
        }
        return entries
    }

    static func isNewer(_ a: HistoryEntry, _ b: HistoryEntry) -> Bool {
        if a.receipt.started != b.receipt.started { return a.receipt.started > b.receipt.started }
        if a.receipt.attempt != b.receipt.attempt { return a.receipt.attempt > b.receipt.attempt }
        return a.id.hex > b.id.hex
    }

    /// Each release's state with each tracker it was pushed or queued to,
    /// and with `trackers` (the configured ones) whether or not it was.
    /// - Parameter damaged: told once of each job file that cannot be read (it is skipped; the rest is shown).
    public func status(trackers configured: [String], damaged: (@Sendable (WorkflowError) -> Void)? = nil) throws -> [(release: String, trackers: [(name: String, state: TrackerState)])] {
        let queue = UploadQueue(repository: self, damaged: damaged)
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
                let receipt: UploadReceipt
                do {
                    receipt = try objects.readReceipt(id)
                } catch {
                    return (tracker, .damaged("receipt \(id.hex.prefix(12)) cannot be read (\(error)); mkt fsck; mkt push \(tracker) \(release.name) records a new attempt"))
                }
                switch receipt.outcome {
                case .success, .recovered, .adopted: return (tracker, .uploaded(receipt, seeding: try seeding(tracker: tracker, release: release.name) == id))
                case .outcomeUnknown: return (tracker, .needsAttention("outcome unknown; mkt push --queue looks the torrent up"))
                case .dryRun, .rejected, .failed: return (tracker, .failed(receipt))
                // Written for a site without an upload API: the person's move is next.
                case .prepared: return (tracker, .needsAttention(receipt.summary))
                }
            })
        }
    }
}
