import Foundation
import MKTHTTP
import MKTMetadata
import MKTObjects
import MKTStore
import Synchronization

/// `mkt watch`: release folders noticed in the watch folders once they
/// settle (or handed over by a completion call), added as `mkt add --yes`
/// adds them, queued for the configured trackers; and the queue worked
/// continuously through the same Pusher `mkt push` uses. A stop (SIGTERM)
/// ends the attempts under way and starts none; every job stays resumable.
public final class Watcher: Sendable {
    public struct Settings: Sendable {
        public var folders: [String] = []
        public var trackers: [String] = []
        public var settle: Double = 60
        /// `watch.meta`: FIELD=VALUE for every release added.
        public var edits: [String] = []
        /// `add.release-type`.
        public var releaseType: String?
        public var retryAfter: Double = 900
        public init() {}
    }

    let repository: Repository
    let settings: Settings
    let pusher: Pusher
    /// One line, without its time (the caller stamps and prints it).
    let log: @Sendable (String) -> Void
    /// Every result as `mkt push` would count it: for the notifications.
    let results: @Sendable ([PushResult]) -> Void
    private let state: Mutex<WatchState>
    /// Folders handed over by completion calls, taken by the folder loop.
    private let handed = Mutex<[String]>([])

    public init(
        repository: Repository, settings: Settings, pusher: Pusher,
        log: @escaping @Sendable (String) -> Void, results: @escaping @Sendable ([PushResult]) -> Void
    ) {
        self.repository = repository
        self.settings = settings
        self.pusher = pusher
        self.log = log
        self.results = results
        state = Mutex(WatchState(pid: getpid(), started: WatchState.time(Date())))
    }

    /// Runs until a stop is asked for: the folder loop here, the queue and
    /// the endpoint on threads of their own, all ended before it returns.
    public func run(endpoint: CompletionEndpoint?, token: String?) throws {
        let events = try FolderEvents(roots: settings.folders)
        state.withLock { $0.listening = endpoint?.address }
        let done = DispatchGroup()
        func spawn(_ name: String, _ body: @escaping @Sendable () -> Void) {
            done.enter()
            let thread = Thread {
                body()
                done.leave()
            }
            thread.name = name
            thread.start()
        }
        spawn("mkt watch queue") { self.workQueue() }
        if let endpoint, let token {
            spawn("mkt watch endpoint") { endpoint.serve(token: token) { self.hand($0) } }
        }
        watchFolders(events)
        done.wait()
        state.withLock { $0.stopped = WatchState.time(Date()) }
        saveState()
    }

    // MARK: - Folders

    private func watchFolders(_ events: FolderEvents) {
        var settling = FolderSettling(settle: settings.settle)
        let now = { Date().timeIntervalSince1970 }
        for root in settings.folders {
            events.watchTree(root)
            for folder in Self.subfolders(of: root) { settling.changed(folder, at: now()) }
        }
        if events.limitReached { log("warning: the inotify watch limit (fs.inotify.max_user_watches) is reached: new folders are still seen, but a write inside some folders already there may go unnoticed") }
        var nextScan = 0.0
        var lastSaved = 0.0
        while !Interruption.requested {
            var wanted = pollfd(fd: events.descriptor, events: Int16(POLLIN), revents: 0)
            _ = poll(&wanted, 1, 200)
            // A folder added is looked at again only when something is written in it.
            for folder in events.drain() { settling.changed(folder, at: now()) }
            for folder in handed.withLock({ list in defer { list = [] }; return list }) {
                settling.forget(folder)
                add(folder)
            }
            guard now() >= nextScan else { continue }
            for folder in settling.waiting.keys.sorted() {
                let signature = FolderSignature.scan(folder)
                if settling.scanned(folder, signature, at: now()) {
                    add(folder)
                    if Interruption.requested { break }
                }
            }
            nextScan = now() + settling.scanInterval
            let waiting = settling.waiting.sorted { $0.key < $1.key }.map {
                WatchState.Settling(folder: $0.key, lastChange: WatchState.time(Date(timeIntervalSince1970: $0.value.lastChange)))
            }
            let changed = state.withLock { state in
                state.lastScan = WatchState.time(Date())
                defer { state.settling = waiting }
                return state.settling != waiting
            }
            // The file is rewritten when what waits changed, and at least every half minute for the time of the last scan.
            if changed || now() - lastSaved >= 30 {
                saveState()
                lastSaved = now()
            }
        }
    }

    static func subfolders(of root: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).sorted().compactMap { name in
            var info = stat()
            guard !name.hasPrefix("."), lstat("\(root)/\(name)", &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { return nil }
            return "\(root)/\(name)"
        }
    }

    /// A completion call's folder: taken when it is a folder, added by the folder loop.
    private func hand(_ folder: String) -> (status: Int, text: String) {
        var info = stat()
        guard stat(folder, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { return (422, "\(folder): not a folder") }
        handed.withLock { $0.append(folder) }
        note("handed over: \(folder)")
        return (202, "taken: \(folder)")
    }

    /// Adds one release folder with the configured defaults and queues it;
    /// one line says what came of it.
    private func add(_ folder: String) {
        do {
            let prepared = try repository.prepareAdd(folder: folder)
            guard prepared.tree.files.contains(where: { ReleaseRules.isAudio($0.path) }) else {
                return note("\(folder): no audio files; not a release, not added")
            }
            let edits = Repository.withReleaseType(settings.releaseType, edits: settings.edits, for: prepared.description)
            let added = try repository.commitAdd(prepared, edits: edits)
            note("\(added.unchanged ? "unchanged" : added.parent == nil ? "added" : "updated") \(added.name)")
            try queue(added)
        } catch {
            note("error: \(folder): \(error)")
        }
    }

    /// Queued for each configured tracker that does not have it yet: no
    /// receipt and no job. A job already queued is sent with the current
    /// snapshot when taken. A release the site already has, changed since
    /// (retagged, say), is not sent again unattended: that is the user's call,
    /// and one line says how. Only mkt's own refusal (a rule, before asking
    /// the site) is tried again once the release changed. So a restart sends
    /// nothing twice.
    private func queue(_ added: AddedRelease) throws {
        var trackers: [String] = []
        var uploaded: [String] = []
        for tracker in settings.trackers where try pusher.queue.job(tracker: tracker, release: added.name) == nil {
            guard let id = try repository.refs.read("refs/trackers/\(tracker)/\(added.name)") else {
                trackers.append(tracker)
                continue
            }
            guard !added.unchanged else { continue }
            if (try? repository.objects.readReceipt(id))?.category == .local {
                trackers.append(tracker)
            } else {
                uploaded.append(tracker)
            }
        }
        for tracker in uploaded {
            note("\(tracker) \(added.name): the site was sent an earlier snapshot; 'mkt push \(tracker) \(added.name)' sends this one")
        }
        guard !trackers.isEmpty else { return }
        let settled = try pusher.enqueue(trackers: trackers, releases: [(added.name, added.metaID)])
        finished(settled)
    }

    // MARK: - The queue

    /// Each job when it is due, within each site's limit (the Pusher's
    /// workers); the pre-push hook asked once per set of waiting releases.
    private func workQueue() {
        // Per tracker, the waiting releases last looked at and whether they may be worked: the
        // pre-push hook's word, or a round in which nothing could even be tried (no key, say).
        // Asked again when that set changes, not every second.
        var verdicts: [String: (releases: Set<String>, runnable: Bool)] = [:]
        while !Interruption.requested {
            do {
                try requeueDue()
                var trackers: [String] = []
                for (tracker, releases) in try pusher.waitingReleases(trackers: nil).sorted(by: { $0.key < $1.key }) {
                    let names = Set(releases.map(\.name))
                    if verdicts[tracker]?.releases != names {
                        let refusal = try pusher.runPrePush(trackers: [tracker], releases: releases)
                        verdicts[tracker] = (names, refusal == nil)
                        if let refusal {
                            note("\(tracker): the pre-push hook refused (exit status \(refusal.status)); its \(releases.count) job(s) wait until the queue changes")
                        }
                    }
                    if verdicts[tracker]?.runnable == true { trackers.append(tracker) }
                }
                if !trackers.isEmpty {
                    let uploaded = try pusher.run(trackers: trackers) { job in
                        guard let due = try? self.dueTime(job) else { return false }
                        return due <= Pusher.now()
                    }
                    try pusher.runPostPush(uploaded)
                    finished(uploaded)
                    for tracker in trackers {
                        let results = uploaded.filter { $0.tracker == tracker }
                        guard !results.isEmpty, results.allSatisfy({ $0.receipt == nil }) else { continue }
                        verdicts[tracker]?.runnable = false
                        note("\(tracker): nothing could be tried (see above); its job(s) wait until the queue changes or mkt watch restarts")
                    }
                }
                try updatePending()
            } catch {
                note("error: the queue: \(error)")
            }
            Interruption.sleep(1)
        }
    }

    /// Failed jobs that may be retried (a 5xx, a timeout) go back in line `retryAfter` seconds after their last attempt.
    private func requeueDue() throws {
        let now = Pusher.now()
        for var job in try pusher.queue.jobs() where job.state == .failed {
            guard let due = try dueTime(job), due <= now else { continue }
            guard let lock = try pusher.queue.claim(tracker: job.tracker, release: job.release) else { continue }
            defer { lock.release() }
            job.state = .pending
            try pusher.queue.save(job)
            note("\(job.tracker) \(job.release): trying again (\(job.message ?? "failed"))")
        }
    }

    /// When a job is to be taken, milliseconds since the epoch: a new one (or
    /// one whose process died mid-attempt) since it was queued; one that
    /// failed or whose outcome is unknown, `retryAfter` after its last
    /// attempt ended, the Pusher's own retries being spent; nil when it may not be retried.
    func dueTime(_ job: QueuedJob) throws -> Int64? {
        switch job.state {
        case .pending, .uploading: return job.queued
        case .success: return nil
        case .failed, .outcomeUnknown:
            guard let id = job.receipt.flatMap(ObjectID.init(hex:)), let receipt = try? repository.objects.readReceipt(id), receipt.isRetryable else { return nil }
            return receipt.finished.clampedAdding(Int64(settings.retryAfter * 1000))
        }
    }

    private func updatePending() throws {
        var pending: [WatchState.Pending] = []
        for job in try pusher.queue.jobs() {
            guard let due = try dueTime(job) else { continue }
            pending.append(WatchState.Pending(job: "\(job.tracker)/\(job.release)", state: job.state.rawValue, due: WatchState.time(Date(timeIntervalSince1970: Double(due) / 1000))))
        }
        let changed = state.withLock { state in
            defer { state.pending = pending }
            return state.pending != pending
        }
        if changed { saveState() }
    }

    // MARK: - State

    private func note(_ line: String) {
        log(line)
        state.withLock { $0.remember("\(WatchState.time(Date())) \(line)") }
    }

    /// Results are remembered as `mkt push` prints them (the Pusher's report prints them), then passed on.
    private func finished(_ found: [PushResult]) {
        state.withLock { state in
            for result in found { state.remember("\(WatchState.time(Date())) \(result.tracker) \(result.release): \(result.summary)") }
        }
        if !found.isEmpty { saveState() }
        results(found)
    }

    private func saveState() {
        let snapshot = state.withLock { state in
            state.updated = WatchState.time(Date())
            return state
        }
        do {
            try snapshot.write(repository)
        } catch {
            log("warning: \(WatchState.path(repository)): not written: \(error)")
        }
    }
}
