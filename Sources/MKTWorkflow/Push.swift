import Foundation
import MKTCatalog
import MKTHTTP
import MKTHooks
import MKTMetadata
import MKTObjects
import MKTStore
import MKTTorrent
import MKTTrackers
import Synchronization

/// How one (release, tracker) ended in a push.
public struct PushResult: Sendable {
    public var tracker: String
    public var release: String
    public var receiptID: ObjectID?
    public var receipt: UploadReceipt?
    /// Set when no attempt was made: why (a rule the release breaks, a missing key…).
    public var refusal: String?
    public var upToDate = false
    /// The site took it, but mkt could not record that (a full disk on the ref or reflog): why.
    public var unrecorded: String?
    /// A dry run's form, one line per field (`MultipartField.preview`): what the upload would send.
    public var form: [String] = []
    /// A dry run's torrent description, as the site would get it (nil: none is sent).
    public var torrentDescription: String?

    /// Done as far as mkt can take it: uploaded, checked, up to date, or prepared for a site without an upload API.
    public var succeeded: Bool { unrecorded == nil && (upToDate || receipt?.succeeded == true || receipt?.outcome == .dryRun || receipt?.outcome == .prepared) }

    /// How a push's summary line counts it.
    public enum Kind: String, CaseIterable, Sendable {
        case uploaded, adopted, prepared, checked, upToDate = "up to date", refused, rejected, failed, unknown = "outcome unknown"
    }

    public var kind: Kind {
        if upToDate { return .upToDate }
        if refusal != nil { return .refused }
        switch receipt?.outcome {
        case .success?, .recovered?: return unrecorded == nil ? .uploaded : .unknown
        case .adopted?: return unrecorded == nil ? .adopted : .unknown
        case .dryRun?: return .checked
        case .prepared?: return .prepared
        case .rejected? where receipt?.category == .local: return .refused
        case .rejected?: return .rejected
        case .outcomeUnknown?: return .unknown
        case .failed?, nil: return .failed
        }
    }

    /// `3 uploaded, 1 failed, 2 up to date`: each kind that occurred, in a fixed order.
    public static func tally(_ results: [PushResult]) -> String {
        let counts = Dictionary(grouping: results, by: \.kind).mapValues(\.count)
        return Kind.allCases.compactMap { kind in counts[kind].map { "\($0) \(kind.rawValue)" } }.joined(separator: ", ")
    }
    public var summary: String {
        let summary = upToDate ? "up to date" : refusal.map { "refused (local): \($0)" } ?? receipt?.summary ?? ""
        return unrecorded.map { "\(summary); but mkt could not record it: \($0); 'mkt push --queue' records it without sending anything" } ?? summary
    }
}

/// What a push is doing while it works, for its live lines and --verbose:
/// facts only; the command renders them.
public struct PushEvent: Sendable {
    public enum Kind: Sendable {
        /// A job's attempt begins.
        case uploading
        /// The connection's wait, sending, or exchange.
        case connection(ConnectionEvent)
        /// The attempt failed and may be retried: the pause and why.
        case retrying(seconds: Double, attempt: Int, reason: String)
    }

    public var tracker: String
    public var release: String
    public var kind: Kind
}

/// `mkt push`: the pre-push hook, the rules, one torrent per tracker from
/// the stored pieces, a job per (release, tracker) in the persistent queue,
/// one worker per tracker (each within its rate limit), receipts, the
/// tracker refs, and the post-push hook.
public struct Pusher: Sendable {
    public struct Settings: Sendable {
        public var retries = 3
        public var policy = RetryPolicy()
        public var dryRun = false
        /// Hands each uploaded torrent to this BitTorrent client, when one is configured.
        public var seed: (client: String, action: SeedAction)?
        /// The announce URL (with the passkey) a site's torrent gets when it
        /// leaves mkt in an upload kit (a site without an upload API); nil when the passkey is not known.
        public var announce: (@Sendable (TrackerSite) -> String?)?
        /// Each release's spectrogram links for its torrent description (`push.spectrals`), asked when its first upload is made.
        public var spectrograms: (@Sendable (String) -> SpectrogramLinks)?
        public init() {}
    }

    public let repository: Repository
    public let queue: UploadQueue
    public let settings: Settings
    /// Makes the uploader for a site (the credential is the caller's business).
    let uploader: @Sendable (TrackerSite) throws -> Uploader
    /// Told of each result as it comes, and of each retry.
    let report: @Sendable (PushResult) -> Void
    let notice: @Sendable (String) -> Void
    /// Told what each worker is doing as it happens (nothing by default).
    public var onEvent: @Sendable (PushEvent) -> Void = { _ in }

    public init(
        repository: Repository, settings: Settings, uploader: @escaping @Sendable (TrackerSite) throws -> Uploader,
        report: @escaping @Sendable (PushResult) -> Void, notice: @escaping @Sendable (String) -> Void
    ) {
        self.repository = repository
        queue = UploadQueue(repository: repository) { notice("warning: \($0)") }
        self.settings = settings
        self.uploader = uploader
        self.report = report
        self.notice = notice
    }

    static let zeroID = String(repeating: "0", count: ObjectID.hexLength)

    static func trackerRef(_ tracker: String, _ release: String) -> String { "refs/trackers/\(tracker)/\(release)" }

    // MARK: - Hooks

    /// `pre-push TRACKER URL`, stdin `<local ref> <meta> <remote ref> <receipt or zeros>` per release.
    /// A refusal is recorded (but for a dry run): each release the tracker
    /// does not have yet gets a `rejected` receipt saying that nothing was sent.
    /// - Returns: the first tracker whose hook refused, with its exit status.
    public func runPrePush(trackers: [String], releases: [(name: String, meta: ObjectID)]) throws -> (tracker: String, status: Int32)? {
        for tracker in trackers {
            if case .ran(let status) = try runHook("pre-push", tracker: tracker, lines: try hookLines(tracker: tracker, releases: releases)), status != 0 {
                if !settings.dryRun { try recordRefusal(tracker: tracker, releases: releases, status: status) }
                return (tracker, status)
            }
        }
        return nil
    }

    private func recordRefusal(tracker: String, releases: [(name: String, meta: ObjectID)], status: Int32) throws {
        let site = try repository.config.tracker(tracker)
        for release in releases {
            let snapshot = try repository.objects.readMeta(release.meta)
            let stored = try repository.release(named: snapshot.pieces.hex)
            let torrentID = try repository.writeTorrents(for: stored, options: [TorrentOptions(source: site.source, isPrivate: true)])[0]
            if try upToDate(tracker: tracker, release: release.name, torrent: torrentID) != nil { continue }
            try recordLocalRefusal(
                site: site, release: release, torrentID: torrentID,
                message: "the pre-push hook refused (exit status \(status)); nothing was sent", refMessage: "push: refused by pre-push")
        }
    }

    /// A `rejected` receipt of category `local`: mkt refused before asking the
    /// site, so `status` and `log` show why and what fixes it. The same
    /// refusal of the same snapshot is recorded once, not on every push.
    private func recordLocalRefusal(site: TrackerSite, release: (name: String, meta: ObjectID), torrentID: ObjectID, message: String, refMessage: String) throws {
        let tracker = site.name
        let lock = try queue.claim(tracker: tracker, release: release.name)
        defer { lock?.release() }
        guard lock != nil else { return }  // another mkt is uploading it right now
        let job = try queue.job(tracker: tracker, release: release.name)
        let previousID = try job.map { $0.receipt.flatMap(ObjectID.init(hex:)) } ?? repository.refs.read(Self.trackerRef(tracker, release.name))
        let previous = try previousID.map { try repository.objects.readReceipt($0) }
        if let previous, previous.category == .local, previous.meta == release.meta.hex, previous.message == message { return }
        let torrent = try TorrentFile.parse(Array(repository.objects.read(torrentID, as: .torrent)), label: "torrent \(torrentID)")
        var receipt = UploadReceipt(
            tracker: tracker, site: site.origin, torrent: torrentID.hex, infohash: torrent.infoHashHex,
            attempt: previous?.nextAttempt ?? 1, started: Self.now())
        receipt.meta = release.meta.hex
        receipt.previous = previousID?.hex
        receipt.outcome = .rejected
        receipt.category = .local
        receipt.message = message
        let id = try repository.objects.write(type: .receipt, body: try receipt.objectBody())
        try repository.update([RefUpdate(name: Self.trackerRef(tracker, release.name), action: .set(id))], message: refMessage)
        if var job {
            // The queued job's next attempt follows this one in the chain.
            job.receipt = id.hex
            try queue.save(job)
        }
    }

    /// The tracker's current receipt when it already holds this very torrent.
    private func upToDate(tracker: String, release: String, torrent: ObjectID) throws -> (id: ObjectID, receipt: UploadReceipt)? {
        guard let current = try repository.refs.read(Self.trackerRef(tracker, release)),
            let receipt = try? repository.objects.readReceipt(current),
            receipt.succeeded, receipt.torrent == torrent.hex else { return nil }
        return (current, receipt)
    }

    /// `post-push TRACKER URL`, the same lines with the new receipts; its exit status is ignored.
    public func runPostPush(_ results: [PushResult]) throws {
        for tracker in Set(results.map(\.tracker)).sorted() {
            let lines = results.filter { $0.tracker == tracker && $0.receiptID != nil }.map { result in
                let meta = (try? repository.refs.read("refs/releases/\(result.release)"))??.hex ?? Self.zeroID
                return "refs/releases/\(result.release) \(meta) \(Self.trackerRef(tracker, result.release)) \(result.receiptID!.hex)\n"
            }
            _ = try runHook("post-push", tracker: tracker, lines: lines)
        }
    }

    func hookLines(tracker: String, releases: [(name: String, meta: ObjectID)]) throws -> [String] {
        try releases.map { release in
            let remote = try repository.refs.read(Self.trackerRef(tracker, release.name))
            return "refs/releases/\(release.name) \(release.meta.hex) \(Self.trackerRef(tracker, release.name)) \(remote?.hex ?? Self.zeroID)\n"
        }
    }

    private func runHook(_ name: String, tracker: String, lines: [String]) throws -> Hook.Outcome {
        let hook = Hook(name: name, directory: "\(repository.directory)/hooks")
        let url = (try? repository.config.tracker(tracker).url) ?? ""
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("MKT_") }
        environment["MKT_DIR"] = repository.directory
        let outcome = try hook.run(
            arguments: [tracker, url], input: Data(lines.joined().utf8),
            directory: (repository.directory as NSString).deletingLastPathComponent, environment: environment)
        switch outcome {
        case .skipped(let why): notice("hint: \(why)")
        // pre-push guards the push: one that cannot run refuses it; post-push only reports.
        case .broken(let why) where name == "pre-push": throw HookError.broken(why)
        case .broken(let why): notice("warning: \(why)")
        case .missing, .ran: break
        }
        return outcome
    }

    // MARK: - Queueing

    /// Queues a job per (release, tracker) unless the tracker has this very
    /// torrent already, or the release breaks the tracker's rules.
    /// - Returns: the results (also reported) of pairs that will not be uploaded.
    public func enqueue(trackers: [String], releases: [(name: String, meta: ObjectID)]) throws -> [PushResult] {
        var settled: [PushResult] = []
        func settle(_ result: PushResult) {
            settled.append(result)
            report(result)
        }
        for release in releases {
            let snapshot = try repository.objects.readMeta(release.meta)
            let stored = try repository.release(named: snapshot.pieces.hex)
            var facts: (facts: FileMap<AudioFacts>, failures: FileMap<MetadataError>)?
            for tracker in trackers {
                let site = try repository.config.tracker(tracker)
                let torrentID = try repository.writeTorrents(for: stored, options: [TorrentOptions(source: site.source, isPrivate: true)])[0]
                if let (current, receipt) = try upToDate(tracker: tracker, release: release.name, torrent: torrentID) {
                    settle(PushResult(tracker: tracker, release: release.name, receiptID: current, receipt: receipt, upToDate: true))
                    continue
                }
                let read = try facts ?? ReleaseAudio.facts(of: stored.tree, root: stored.knownFolder())
                facts = read
                // The files' facts (formats, bit depths, logs) and the snapshot (edits included): what the form will send.
                var errors = read.failures.keys.sorted().map { "\($0): \(read.failures[$0].map { "\($0)" } ?? "")" }
                errors += ReleaseCheck.check(name: stored.tree.name, files: stored.tree.files.map(\.path), facts: read.facts, description: snapshot.description, rules: site.releaseRules)
                    .filter { $0.severity == .error }.map { $0.path.isEmpty ? $0.message : "\($0.path): \($0.message)" }
                if let first = errors.first {
                    let refusal = first + (errors.count > 1 ? " (and \(errors.count - 1) more; mkt check-release --tracker \(tracker) \(release.name))" : "")
                    settle(PushResult(tracker: tracker, release: release.name, refusal: refusal))
                    if !settings.dryRun {
                        try dropStaleJob(tracker: tracker, release: release.name, meta: release.meta)
                        try recordLocalRefusal(site: site, release: release, torrentID: torrentID, message: refusal, refMessage: "push: refused by mkt's checks")
                    }
                    continue
                }
                if let lineage = snapshot.derived, site.family != .unit3d, try repository.sourceGroup(of: lineage, tracker: tracker) == nil {
                    settle(PushResult(tracker: tracker, release: release.name, refusal: "\(WorkflowError.noSourceGroup(release: release.name, source: lineage.source, tracker: tracker))"))
                    continue
                }
                if !site.family.takesUploads {
                    settle(try prepareKit(site: site, release: release, torrentID: torrentID, facts: read.facts))
                    continue
                }
                if settings.dryRun { continue }
                try queueJob(tracker: tracker, release: release.name, meta: release.meta, torrent: torrentID)
            }
        }
        return settled
    }

    /// A site without an upload API gets the upload kit and a `prepared`
    /// receipt instead of a job; a dry run says where the kit would go.
    private func prepareKit(site: TrackerSite, release: (name: String, meta: ObjectID), torrentID: ObjectID, facts: FileMap<AudioFacts>) throws -> PushResult {
        if settings.dryRun {
            let torrent = try TorrentFile.parse(Array(repository.objects.read(torrentID, as: .torrent)), label: "torrent \(torrentID)")
            var receipt = UploadReceipt(tracker: site.name, site: site.origin, torrent: torrentID.hex, infohash: torrent.infoHashHex, attempt: 1, started: Self.now())
            receipt.meta = release.meta.hex
            receipt.outcome = .dryRun
            receipt.message = "\(site.name) has no upload API; the upload kit would go to \(repository.kitDirectory(tracker: site.name, release: release.name))"
            return PushResult(tracker: site.name, release: release.name, receipt: receipt)
        }
        let (id, receipt) = try repository.prepareManualUpload(site: site, release: release, torrent: torrentID, facts: facts, announce: settings.announce?(site))
        return PushResult(tracker: site.name, release: release.name, receiptID: id, receipt: receipt)
    }

    /// A job waiting for a pair that a check just refused would upload what
    /// the current snapshot says must not go: it goes. One that may have
    /// reached the site (outcome unknown, uploading) stays for its lookup.
    private func dropStaleJob(tracker: String, release: String, meta: ObjectID) throws {
        let lock = try queue.claim(tracker: tracker, release: release)
        defer { lock?.release() }
        guard lock != nil, let job = try queue.job(tracker: tracker, release: release), job.state == .pending || job.state == .failed else { return }
        try queue.remove(job)
        let older = job.meta == meta.hex ? "" : " with an older snapshot (\(job.meta.prefix(12)))"
        notice("\(tracker) \(release): the job queued\(older) is dropped; fix the release and push again")
    }

    /// Jobs queued before the release was edited are checked and sent with
    /// its current snapshot, never the one they were queued with.
    private func retargetStaleJobs(_ jobs: [QueuedJob]) {
        guard let current = try? Dictionary(repository.releases().map { ($0.name, $0.meta) }, uniquingKeysWith: { first, _ in first }) else { return }
        for job in jobs where job.state == .pending || job.state == .failed {
            guard let meta = current[job.release], meta.hex != job.meta else { continue }
            notice("\(job.tracker) \(job.release): changed since it was queued (\(job.meta.prefix(12)) -> \(meta.hex.prefix(12))); checking and sending the current snapshot")
            do {
                _ = try enqueue(trackers: [job.tracker], releases: [(job.release, meta)])
            } catch {
                report(PushResult(tracker: job.tracker, release: job.release, refusal: "\(error)"))
            }
        }
    }

    private func queueJob(tracker: String, release: String, meta: ObjectID, torrent: ObjectID) throws {
        let lock = try queue.claim(tracker: tracker, release: release)
        defer { lock?.release() }
        guard lock != nil else { return }  // another mkt is uploading it right now
        if var job = try queue.job(tracker: tracker, release: release) {
            // A job whose outcome is unknown keeps its torrent: the lookup must ask for the one that was sent.
            guard job.state != .outcomeUnknown && job.state != .uploading else { return }
            job.meta = meta.hex
            job.torrent = torrent.hex
            job.state = .pending
            try queue.save(job)
            return
        }
        let previous = try repository.refs.read(Self.trackerRef(tracker, release))
        try queue.save(QueuedJob(tracker: tracker, release: release, meta: meta.hex, torrent: torrent.hex, queued: Self.now(), previousReceipt: previous?.hex))
    }

    /// The releases waiting in the queue, by tracker: what `pre-push` is told
    /// before `mkt push --queue` works through them. A job that will be
    /// retargeted to its release's newer snapshot is named with that snapshot,
    /// so the hook judges what will be sent.
    public func waitingReleases(trackers: [String]?) throws -> [String: [(name: String, meta: ObjectID)]] {
        let current = Dictionary(try repository.releases().map { ($0.name, $0.meta) }, uniquingKeysWith: { first, _ in first })
        var waiting: [String: [(name: String, meta: ObjectID)]] = [:]
        for job in try queue.jobs() where (job.isWaiting || job.state == .uploading) && (trackers?.contains(job.tracker) ?? true) {
            let retargeted = job.state == .pending || job.state == .failed ? current[job.release] : nil
            if let meta = retargeted ?? ObjectID(hex: job.meta) { waiting[job.tracker, default: []].append((job.release, meta)) }
        }
        return waiting
    }

    /// Puts failed jobs back in line (`mkt push --retry`).
    public func requeueFailed(trackers: [String]?) throws -> Int {
        var count = 0
        for var job in try queue.jobs() where job.state == .failed && (trackers?.contains(job.tracker) ?? true) {
            job.state = .pending
            try queue.save(job)
            count += 1
        }
        return count
    }

    // MARK: - Uploading

    /// Works through the waiting jobs of `trackers` (all when nil), one
    /// worker thread per tracker, so that every tracker progresses at once
    /// whatever the core count, and one that waits (rate limit, backoff)
    /// holds up no other. After a stop (Ctrl-C) each worker finishes the
    /// attempt under way and takes no new job; the rest stay queued.
    /// - Parameter isDue: whether a waiting job is to be taken now (`mkt watch` holds back one whose retry is not due).
    public func run(trackers: [String]?, isDue: @escaping @Sendable (QueuedJob) -> Bool = { _ in true }) throws -> [PushResult] {
        let waiting = try queue.jobs().filter { ($0.isWaiting || $0.state == .uploading) && (trackers?.contains($0.tracker) ?? true) && isDue($0) }
        return Self.onThreadPerItem(Array(Set(waiting.map(\.tracker))).sorted()) { work(tracker: $0, isDue: isDue) }
    }

    /// Runs `body` for each item on a thread of its own and waits for all:
    /// unlike `concurrentPerform`, not limited to one item per core, since
    /// workers spend their time waiting on sites, not computing.
    static func onThreadPerItem<Item: Sendable>(_ items: [Item], _ body: @escaping @Sendable (Item) -> [PushResult]) -> [PushResult] {
        let results = Mutex<[[PushResult]]>(Array(repeating: [], count: items.count))
        let done = DispatchGroup()
        for (index, item) in items.enumerated() {
            done.enter()
            let thread = Thread {
                let found = body(item)
                results.withLock { $0[index] = found }
                done.leave()
            }
            thread.name = "mkt push worker \(index)"
            thread.start()
        }
        done.wait()
        return results.withLock { $0 }.flatMap { $0 }
    }

    private func work(tracker: String, isDue: @Sendable (QueuedJob) -> Bool) -> [PushResult] {
        var results: [PushResult] = []
        func finish(_ result: PushResult) {
            results.append(result)
            report(result)
        }
        let site: TrackerSite
        let worker: Uploader
        do {
            site = try repository.config.tracker(tracker)
            worker = try uploader(site)
        } catch {
            for job in (try? queue.jobs().filter { $0.tracker == tracker && $0.isWaiting }) ?? [] {
                finish(PushResult(tracker: tracker, release: job.release, refusal: "\(error)"))
            }
            return results
        }
        retargetStaleJobs(((try? queue.jobs()) ?? []).filter { $0.tracker == tracker && $0.isWaiting })
        // The list is read once; each job is read again under its lock, where it counts.
        let waiting = ((try? queue.jobs()) ?? []).filter { $0.tracker == tracker && ($0.isWaiting || $0.state == .uploading) && isDue($0) }
        for (index, next) in waiting.enumerated() {
            if Interruption.requested { break }
            do {
                guard let lock = try queue.claim(tracker: tracker, release: next.release) else { continue }
                defer { lock.release() }
                guard var job = try queue.job(tracker: tracker, release: next.release), job.isWaiting || job.state == .uploading else { continue }
                guard let result = try upload(&job, site: site, with: worker) else { continue }
                finish(result)
                // A refused key refuses every job: one line and the fix, not the same failure per release.
                if result.receipt?.category == .auth, index + 1 < waiting.count {
                    notice("\(tracker): the site refused the API key or cookie; \(waiting.count - index - 1) more job(s) stay queued. "
                        + "Set the right one (mkt credential set \(tracker)), check it (mkt doctor), then mkt push --queue")
                    break
                }
            } catch {
                finish(PushResult(tracker: tracker, release: next.release, refusal: "\(error)"))
            }
        }
        return results
    }

    /// One job to its end, under its lock.
    private func upload(_ job: inout QueuedJob, site: TrackerSite, with worker: Uploader) throws -> PushResult? {
        let uploadJob = try repository.uploadJob(site: site, torrent: job.torrent, meta: job.meta, dryRun: false, spectrals: settings.spectrograms?(job.release) ?? .off)
        if job.state == .uploading, let last = job.receipt.flatMap(ObjectID.init(hex:)),
            let receipt = try? repository.objects.readReceipt(last), receipt.succeeded, receipt.torrent == job.torrent {
            // The site took it and the receipt was stored, but the ref did not move: record it, send nothing.
            return record(&job, id: last, receipt: receipt)
        }
        if job.state == .uploading {
            // The process that was uploading it is gone: whether the site took it is unknown.
            job.receipt = try interruptedReceipt(job, site: site, infohash: uploadJob.torrent.infoHashHex).hex
        }
        job.state = .uploading
        try queue.save(job)
        var saved = job
        let release = job.release
        let (tracker, onEvent) = (job.tracker, self.onEvent)
        onEvent(PushEvent(tracker: tracker, release: release, kind: .uploading))
        worker.observe { onEvent(PushEvent(tracker: tracker, release: release, kind: .connection($0))) }
        let seed = settings.seed.map { client, action in
            { (siteCopy: [UInt8]?, receipt: UploadReceipt) -> SeedReport? in
                do {
                    return action(try repository.seedJob(for: receipt, release: release, siteCopy: siteCopy))
                } catch {
                    return (client, "\(error)", nil)
                }
            }
        }
        let (id, receipt) = try repository.push(
            uploadJob, with: worker, previous: job.receipt.flatMap(ObjectID.init(hex:)), retries: settings.retries, policy: settings.policy, seed: seed
        ) { id, receipt, pause in
            saved.receipt = id.hex
            saved.message = receipt.summary
            try? queue.save(saved)
            if let pause {
                onEvent(PushEvent(tracker: tracker, release: release, kind: .retrying(seconds: pause, attempt: receipt.attempt, reason: receipt.summary)))
                notice("\(saved.tracker) \(saved.release): attempt \(receipt.attempt): \(receipt.summary); trying again in \(String(format: "%.1f", pause)) s")
            }
        }
        job = saved
        return record(&job, id: id, receipt: receipt)
    }

    /// Moves the tracker ref to the attempt's receipt and settles the job. A
    /// failure here (a full disk) loses nothing: the receipt is stored and the
    /// job stays `uploading` with it, so the next push records it without sending.
    private func record(_ job: inout QueuedJob, id: ObjectID, receipt: UploadReceipt) -> PushResult {
        var result = PushResult(tracker: job.tracker, release: job.release, receiptID: id, receipt: receipt)
        do {
            let ref = Self.trackerRef(job.tracker, job.release)
            // An mkt killed while moving this ref left its lock behind. Under the
            // job's lock no other push can be moving it, and its writer is dead.
            let refLock = repository.refs.path(of: ref) + ".lock"
            if case .gone = LockFile.holder(of: refLock) { unlink(refLock) }
            if try repository.refs.read(ref) != id {
                try repository.update([RefUpdate(name: ref, action: .set(id))], message: "push: \(receipt.outcome.rawValue)")
            }
            if let client = receipt.seedClient, receipt.seedError == nil, receipt.seedHandedTo == nil {
                try repository.recordSeeding(tracker: job.tracker, release: job.release, receipt: id, client: client)
            }
            if receipt.succeeded {
                try queue.remove(job)
            } else {
                // A job stopped (Ctrl-C) while it could still be retried waits for the next push.
                let stopped = Interruption.requested && receipt.isRetryable
                job.state = receipt.outcome == .outcomeUnknown ? .outcomeUnknown : stopped ? .pending : .failed
                try queue.save(job)
            }
        } catch {
            result.unrecorded = "\(error)"
        }
        return result
    }

    private func interruptedReceipt(_ job: QueuedJob, site: TrackerSite, infohash: String) throws -> ObjectID {
        let previous = try job.receipt.flatMap(ObjectID.init(hex:)).map { try repository.objects.readReceipt($0) }
        var receipt = UploadReceipt(
            tracker: job.tracker, site: site.origin, torrent: job.torrent,
            infohash: infohash, attempt: previous?.nextAttempt ?? 1, started: Self.now())
        receipt.meta = job.meta
        receipt.previous = job.receipt
        receipt.category = .outcomeUnknown
        receipt.message = "the mkt process making this attempt stopped before it ended"
        return try repository.objects.write(type: .receipt, body: try receipt.objectBody())
    }

    /// A dry run of every (release, tracker): no queue, no refs.
    public func dryRun(trackers: [String], releases: [(name: String, meta: ObjectID)]) throws -> [PushResult] {
        Self.onThreadPerItem(trackers) { tracker in
            var results: [PushResult] = []
            for release in releases {
                if Interruption.requested { break }
                var result = PushResult(tracker: tracker, release: release.name)
                do {
                    let site = try repository.config.tracker(tracker)
                    let snapshot = try repository.objects.readMeta(release.meta)
                    let torrent = try repository.writeTorrents(for: repository.release(named: snapshot.pieces.hex), options: [TorrentOptions(source: site.source, isPrivate: true)])[0]
                    let job = try repository.uploadJob(site: site, torrent: torrent.hex, meta: release.meta.hex, dryRun: true, spectrals: settings.spectrograms?(release.name) ?? .off)
                    result.torrentDescription = job.torrentDescription
                    let worker = try uploader(site)
                    let (name, onEvent) = (release.name, self.onEvent)
                    worker.observe { onEvent(PushEvent(tracker: tracker, release: name, kind: .connection($0))) }
                    var form: [String] = []
                    (result.receiptID, result.receipt) = try repository.push(
                        job, with: worker, previous: nil, retries: settings.retries, policy: settings.policy,
                        dryRunForm: { form = MultipartField.preview($0) })
                    result.form = form
                } catch {
                    result.refusal = "\(error)"
                }
                report(result)
                results.append(result)
            }
            return results
        }
    }

    static func now() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
}
