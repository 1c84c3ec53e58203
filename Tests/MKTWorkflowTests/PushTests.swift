import Foundation
import MKTObjects
import MKTCatalog
import MKTHTTP
import MKTStore
import MKTTestSupport
import MKTTrackerFakes
import MKTTrackers
@testable import MKTWorkflow
import Synchronization
import Testing

/// `Repository.push`: attempts until one is final or the retries are spent,
/// each receipt stored and chained, the pauses on the test clock.
struct PushRetryTests {
    private struct World {
        let repository: Repository
        let site: ScriptedSite
        let job: UploadJob
    }

    private func withWorld<T>(_ body: (World) throws -> T) throws -> T {
        try withTemporaryDirectory { directory in
            let repository = try Repository.initialize(in: directory, hookSamples: []).repository
            let site = ScriptedSite(stateDirectory: "\(directory)/state")
            return try body(World(repository: repository, site: site, job: try UploadFixture.job(for: site.site)))
        }
    }

    /// Pushes with `retries`, returning every receipt of the chain (oldest first) and the pauses reported.
    private func push(_ world: World, retries: Int = 3, base: TimeInterval = 2) throws -> (chain: [UploadReceipt], pauses: [TimeInterval]) {
        var pauses: [TimeInterval] = []
        let (id, _) = try world.repository.push(world.job, with: world.site.uploader(), previous: nil, retries: retries, policy: world.site.policy(base: base), report: { _, _, pause in
            if let pause { pauses.append(pause) }
        })
        var chain: [UploadReceipt] = []
        var next: ObjectID? = id
        while let current = next {
            let receipt = try UploadReceipt(objectBody: world.repository.objects.read(current, as: .receipt))
            chain.insert(receipt, at: 0)
            next = receipt.previous.flatMap(ObjectID.init(hex:))
        }
        let slept = world.site.clock.slept.map(\.inSeconds)
        #expect(slept.count == pauses.count && zip(slept, pauses).allSatisfy { abs($0 - $1) < 1e-6 }, "each pause reported is the one taken: \(slept), \(pauses)")
        return (chain, pauses)
    }

    @Test func aRejectionIsNotRetried() throws {
        try withWorld { world in
            world.site.answersLookups()
            world.site.transport.queue("action=upload", .gazelleFailure("The release year is invalid."))
            let (chain, pauses) = try push(world)
            #expect(chain.map(\.outcome) == [.rejected] && pauses.isEmpty)
            #expect(world.site.transport.sent("action=upload").count == 1)
        }
    }

    @Test func aRefusedKeyStops() throws {
        try withWorld { world in
            world.site.transport.always("action=index", .status(401))
            let (chain, _) = try push(world)
            #expect(chain.map(\.outcome) == [.rejected] && chain[0].category == .auth)
            #expect(world.site.transport.sent.count == 1)
        }
    }

    /// Full jitter: each pause is at most base·2ⁿ⁻¹ (2 s, then 4 s).
    @Test func serverErrorsAreRetriedWithBackoff() throws {
        try withWorld { world in
            world.site.transport.queue("action=index", .status(502), .status(503))
            world.site.answersLookups()
            world.site.takesUpload(torrentID: 9)
            let (chain, pauses) = try push(world)
            #expect(chain.map(\.outcome) == [.failed, .failed, .success])
            #expect(chain.map(\.attempt) == [1, 2, 3] && chain.map(\.category) == [.server, .server, nil])
            #expect(pauses.count == 2 && (0...2).contains(pauses[0]) && (0...4).contains(pauses[1]), "\(pauses)")
        }
    }

    /// A retry never comes sooner than Retry-After; by then the limiter's block is over.
    @Test func aRateLimitWaitsAsLongAsTheSiteAsked() throws {
        try withWorld { world in
            world.site.answersLookups()
            world.site.transport.queue("action=upload", .status(429, headers: ["Retry-After": "30"]))
            world.site.takesUpload(torrentID: 9)
            let (chain, pauses) = try push(world)
            #expect(chain.map(\.outcome) == [.failed, .success] && chain[0].category == .rateLimit)
            #expect(pauses == [30] && chain[1].rateLimitWaitMilliseconds == 0)
        }
    }

    /// The answer to the upload is lost; the next attempt looks the infohash
    /// up, finds the torrent, and sends nothing again.
    @Test func aLostAnswerIsRecoveredByTheLookup() throws {
        try withWorld { world in
            world.site.answersLookups()
            world.site.transport.queue("action=upload", .lost)
            world.site.finds(torrentID: 9, infohash: world.job.torrent.infoHashHex)
            let (chain, _) = try push(world)
            #expect(chain.map(\.outcome) == [.outcomeUnknown, .recovered] && chain[1].siteTorrentID == 9)
            #expect(world.site.transport.sent.map { $0.query("action") } == ["index", "browse", "upload", "torrent"])
        }
    }

    @Test func aLostUploadTheSiteDoesNotHaveIsSentAgain() throws {
        try withWorld { world in
            world.site.answersLookups()
            world.site.transport.queue("action=upload", .lost)
            world.site.findsNothing()
            world.site.takesUpload(torrentID: 9)
            let (chain, _) = try push(world)
            #expect(chain.map(\.outcome) == [.outcomeUnknown, .success])
            #expect(world.site.transport.sent.map { $0.query("action") } == ["index", "browse", "upload", "torrent", "browse", "upload"])
            #expect(try world.site.uploadedTorrents().map(\.infoHashHex) == Array(repeating: world.job.torrent.infoHashHex, count: 2))
        }
    }

    @Test func retriesAreSpentThenTheLastReceiptStands() throws {
        try withWorld { world in
            world.site.transport.always("action=index", .refused)
            let (chain, pauses) = try push(world, retries: 2)
            #expect(chain.map(\.outcome) == [.failed, .failed, .failed] && chain.allSatisfy { $0.category == .network })
            #expect(pauses.count == 2)
        }
    }
}

/// The queue's files and locks, without a network.
struct UploadQueueTests {
    static let id = String(repeating: "a", count: 64)

    @Test func jobsComeInPriorityThenAgeOrder() throws {
        try withTemporaryDirectory { directory in
            let queue = UploadQueue(repository: try Repository.initialize(in: directory, hookSamples: []).repository)
            var urgent = QueuedJob(tracker: "ops", release: "urgent", meta: Self.id, torrent: Self.id, queued: 300)
            urgent.priority = 1
            try queue.save(QueuedJob(tracker: "red", release: "newer", meta: Self.id, torrent: Self.id, queued: 200))
            try queue.save(QueuedJob(tracker: "red", release: "older", meta: Self.id, torrent: Self.id, queued: 100))
            try queue.save(urgent)
            #expect(try queue.jobs().map(\.release) == ["urgent", "older", "newer"])
            var done = try #require(try queue.job(tracker: "red", release: "older"))
            done.state = .failed
            try queue.save(done)
            #expect(try queue.job(tracker: "red", release: "older")?.state == .failed)
            try queue.remove(done)
            #expect(try queue.job(tracker: "red", release: "older") == nil && queue.jobs().count == 2)
        }
    }

    @Test func aJobIsClaimedByOneHolderAtATime() throws {
        try withTemporaryDirectory { directory in
            let queue = UploadQueue(repository: try Repository.initialize(in: directory, hookSamples: []).repository)
            let lock = try #require(try queue.claim(tracker: "red", release: "album"))
            #expect(try queue.claim(tracker: "red", release: "album") == nil)
            #expect(queue.isLocked(tracker: "red", release: "album"))
            #expect(try queue.claim(tracker: "ops", release: "album") != nil, "another tracker's job is another lock")
            lock.release()
            #expect(!queue.isLocked(tracker: "red", release: "album"))
            #expect(try queue.claim(tracker: "red", release: "album") != nil)
        }
    }

    /// A damaged job file is named once, however often the queue is read,
    /// and skipped; the sound jobs beside it are still worked on.
    @Test func aDamagedJobFileIsNamedOnceAndSkipped() throws {
        try withTemporaryDirectory { directory in
            let repository = try Repository.initialize(in: directory, hookSamples: []).repository
            let reports = Mutex<[String]>([])
            let queue = UploadQueue(repository: repository) { error in reports.withLock { $0.append("\(error)") } }
            try writeFile(queue.path("red", "album"), "{not json")
            try queue.save(QueuedJob(tracker: "red", release: "sound", meta: Self.id, torrent: Self.id, queued: 1))
            #expect(try queue.jobs().map(\.release) == ["sound"])
            #expect(try queue.jobs().map(\.release) == ["sound"])
            #expect(reports.withLock { $0 } == ["\(queue.path("red", "album")): damaged: not a queued job; the job is skipped (remove the file to drop it)"])
        }
    }

    /// Names from a job file must be those of its own path, and ref name
    /// components: `../../x` would put the job, its lock and its tracker ref
    /// outside the store.
    @Test func aJobNamingAnotherPathIsNeverUsed() throws {
        try withTemporaryDirectory { directory in
            let repository = try Repository.initialize(in: directory, hookSamples: []).repository
            let reports = Mutex<[String]>([])
            let queue = UploadQueue(repository: repository) { error in reports.withLock { $0.append("\(error)") } }
            let id = Self.id
            for (tracker, release) in [("red", "../../../../elsewhere/x"), ("../../../../elsewhere", "x"), ("red", "other")] {
                let body = try JSONEncoder().encode(QueuedJob(tracker: tracker, release: release, meta: id, torrent: id, queued: 1))
                try FileManager.default.createDirectory(atPath: "\(queue.directory)/red", withIntermediateDirectories: true)
                try body.write(to: URL(fileURLWithPath: "\(queue.directory)/red/\(tracker == "red" && release == "other" ? "mine" : "x").json"))
                #expect(try queue.jobs().isEmpty)
            }
            #expect(reports.withLock { $0 }.count == 3, "\(reports.withLock { $0 })")
            #expect(reports.withLock { $0 }.allSatisfy { $0.hasPrefix(queue.directory + "/red/") && $0.contains("the job is skipped") })
            let outside = QueuedJob(tracker: "red", release: "../../../../elsewhere/x", meta: id, torrent: id, queued: 1)
            #expect(throws: WorkflowError.self) { try queue.save(outside) }
            #expect(throws: WorkflowError.self) { try queue.claim(tracker: "red", release: outside.release) }
            #expect(!FileManager.default.fileExists(atPath: "\(directory)/../elsewhere"))
        }
    }
}

/// `Pusher` against scripted sites: releases made of tagged FLAC fixtures,
/// the queue on disk, no process started and no real pause.
struct PusherTests {
    private struct World {
        let repository: Repository
        let sites: [String: ScriptedSite]

        func pusher() -> Pusher {
            var settings = Pusher.Settings()
            settings.policy = sites["red"]!.policy(base: 0.5)
            let sites = self.sites
            return Pusher(
                repository: repository, settings: settings,
                uploader: { site in try #require(sites[site.name]).uploader(for: site) },
                report: { _ in }, notice: { _ in })
        }

        func receipt(_ id: ObjectID) throws -> UploadReceipt { try UploadReceipt(objectBody: repository.objects.read(id, as: .receipt)) }
    }

    private func withWorld<T>(releases: [String], trackers: [String] = ["red"], _ body: (World) throws -> T) throws -> T {
        try withTemporaryDirectory { directory in
            var repository = try Repository.initialize(in: directory, hookSamples: []).repository
            var config = ""
            var sites: [String: ScriptedSite] = [:]
            for tracker in trackers {
                let site = ScriptedSite(name: tracker, family: TrackerFamily(rawValue: tracker) ?? .red, stateDirectory: "\(directory)/state")
                site.answersLookups()
                sites[tracker] = site
                config += "[tracker \"\(tracker)\"]\n    url = \(site.site.url)\n"
            }
            let configPath = "\(repository.directory)/config"
            try writeFile(configPath, try String(contentsOfFile: configPath, encoding: .utf8) + config)
            repository = try Repository(directory: repository.directory)
            for album in releases {
                _ = try repository.add(folder: try FLACFixture.release(in: "\(directory)/music", album: album), media: "WEB")
            }
            return try body(World(repository: repository, sites: sites))
        }
    }

    /// Two releases to two trackers: four jobs, four uploads, four refs, and
    /// nothing queued the second time (the trackers have these very torrents).
    @Test func aJobPerReleaseAndTracker() throws {
        try withWorld(releases: ["First", "Second"], trackers: ["red", "ops"]) { world in
            for site in world.sites.values { for id in [11, 12] { site.takesUpload(torrentID: id) } }
            let pusher = world.pusher()
            let releases = try world.repository.releases()
            #expect(try pusher.enqueue(trackers: ["red", "ops"], releases: releases).isEmpty)
            let jobs = try pusher.queue.jobs()
            #expect(jobs.count == 4 && Set(jobs.map { "\($0.tracker) \($0.release)" }).count == 4 && jobs.allSatisfy { $0.state == .pending })
            let results = try pusher.run(trackers: nil)
            #expect(results.count == 4 && results.allSatisfy { $0.receipt?.outcome == .success }, "\(results.map(\.summary))")
            #expect(try pusher.queue.jobs().isEmpty)
            for (tracker, site) in world.sites {
                #expect(site.transport.sent("action=upload").count == 2 && site.transport.unanswered.isEmpty)
                #expect(Set(try site.uploadedTorrents().map(\.source)) == [tracker.uppercased()])
                for release in releases {
                    let ref = try #require(try world.repository.refs.read(Pusher.trackerRef(tracker, release.name)))
                    #expect(try world.receipt(ref).meta == release.meta.hex)
                }
            }
            let again = try pusher.enqueue(trackers: ["red", "ops"], releases: releases)
            #expect(again.count == 4 && again.allSatisfy(\.upToDate))
            #expect(try pusher.queue.jobs().isEmpty)
        }
    }

    /// A job queued before an edit is sent with the release's snapshot of now,
    /// never the one it was queued with; an edit the checks refuse drops the
    /// job and records why: one outcome per pair, never "refused" and "success".
    @Test func aQueuedJobFollowsTheEditsOfItsRelease() throws {
        try withWorld(releases: ["Moved", "Refused"], trackers: ["ops"]) { world in
            let site = try #require(world.sites["ops"])
            site.takesUpload(torrentID: 31)
            let reported = Mutex<[PushResult]>([])
            let pusher = Pusher(
                repository: world.repository, settings: Pusher.Settings(),
                uploader: { try site.uploader(for: $0) }, report: { result in reported.withLock { $0.append(result) } }, notice: { _ in })
            #expect(try pusher.enqueue(trackers: ["ops"], releases: try world.repository.releases()).isEmpty)
            let names = try world.repository.releases().map(\.name)
            let moved = try #require(names.first { $0.contains("moved") })
            let refused = try #require(names.first { $0.contains("refused") })
            let edited = try world.repository.edit(release: moved, edits: ["media=Vinyl"])
            _ = try world.repository.edit(release: refused, edits: ["media=CD"])  // a CD lossless release needs its rip log
            // pre-push is told the snapshot that will be sent, not the one queued.
            let told = try #require(try pusher.waitingReleases(trackers: ["ops"])["ops"]).first { $0.name == moved }
            #expect(told?.meta == edited.metaID)

            _ = try pusher.run(trackers: ["ops"])
            let uploads = site.transport.sent("action=upload")
            #expect(uploads.count == 1 && uploads.first?.field("media") == "Vinyl", "\(uploads.map { $0.field("media") ?? "" })")
            let outcomes = reported.withLock { $0 }
            #expect(outcomes.filter { $0.release == refused }.map(\.summary).allSatisfy { $0.contains("rip log") && !$0.hasPrefix("success") }, "\(outcomes.map(\.summary))")
            #expect(outcomes.filter { $0.release == moved }.map { $0.receipt?.outcome } == [.success])
            #expect(try pusher.queue.jobs().isEmpty)
            let sent = try #require(try world.repository.refs.read(Pusher.trackerRef("ops", moved)))
            #expect(try world.receipt(sent).meta == edited.metaID.hex)
            // The refusal is on record for `mkt status`, once however often it is pushed.
            let refusalRef = try #require(try world.repository.refs.read(Pusher.trackerRef("ops", refused)))
            let refusal = try world.receipt(refusalRef)
            #expect(refusal.outcome == .rejected && refusal.category == .local && refusal.message?.contains("rip log") == true)
            _ = try pusher.enqueue(trackers: ["ops"], releases: try world.repository.releases().filter { $0.name == refused })
            #expect(try world.repository.refs.read(Pusher.trackerRef("ops", refused)) == refusalRef)
        }
    }

    /// One damaged receipt is named once, with what refers to it; every other
    /// release's history and state is still shown.
    @Test func aDamagedReceiptIsNamedAndTheRestShown() throws {
        try withWorld(releases: ["Whole", "Broken"]) { world in
            let site = try #require(world.sites["red"])
            site.takesUpload(torrentID: 41)
            let pusher = world.pusher()
            let releases = try world.repository.releases()
            let whole = try #require(releases.first { $0.name.contains("whole") })
            let broken = try #require(releases.first { $0.name.contains("broken") })
            _ = try pusher.enqueue(trackers: ["red"], releases: [whole])
            _ = try pusher.run(trackers: ["red"])
            let junk = try world.repository.objects.write(type: .receipt, body: Data("not a receipt".utf8))
            try world.repository.update([RefUpdate(name: Pusher.trackerRef("red", broken.name), action: .set(junk))], message: "test: damage")
            #expect(throws: (any Error).self) { try world.repository.history() }
            let told = Mutex<[String]>([])
            let history = try world.repository.history(damaged: { message in told.withLock { $0.append(message) } })
            #expect(history.map(\.release) == [whole.name])
            #expect(told.withLock { $0 }.count == 1 && told.withLock { $0 }.first?.contains(junk.hex) == true, "\(told.withLock { $0 })")
            #expect(try world.repository.history(limit: 5, damaged: { _ in }).map(\.release) == [whole.name])
            let states = Dictionary(try world.repository.status(trackers: ["red"]).map { ($0.release, $0.trackers.first?.state) }, uniquingKeysWith: { $1 })
            guard case .damaged(let why)?? = states[broken.name], case .uploaded?? = states[whole.name] else {
                Issue.record("\(states)")
                return
            }
            #expect(why.contains("mkt fsck"))
        }
    }

    /// Retried attempts make a chain of receipts; the tracker ref moves once, to the last.
    @Test func theTrackerRefMovesOnce() throws {
        try withWorld(releases: ["Only"]) { world in
            let site = try #require(world.sites["red"])
            site.transport.queue("action=upload", .status(503))
            site.findsNothing()
            site.takesUpload(torrentID: 21)
            let pusher = world.pusher()
            let release = try #require(try world.repository.releases().first)
            _ = try pusher.enqueue(trackers: ["red"], releases: [release])
            let results = try pusher.run(trackers: ["red"])
            #expect(results.map { $0.receipt?.outcome } == [.success])
            let ref = Pusher.trackerRef("red", release.name)
            let log = try world.repository.refs.reflog(ref).map { try $0.get() }
            #expect(log.count == 1 && log.first?.new == results.first?.receiptID)
            let last = try world.receipt(try #require(results.first?.receiptID))
            let first = try world.receipt(try #require(last.previous.flatMap(ObjectID.init(hex:))))
            #expect(last.attempt == 2 && first.outcome == .outcomeUnknown && first.previous == nil)
        }
    }

    /// A job left `uploading` by a process that died: its attempt gets an
    /// outcome-unknown receipt, then the lookup finds the upload on the site.
    @Test func anInterruptedJobIsLookedUpBeforeAnythingIsSent() throws {
        try withWorld(releases: ["Cut"]) { world in
            let site = try #require(world.sites["red"])
            let pusher = world.pusher()
            let release = try #require(try world.repository.releases().first)
            _ = try pusher.enqueue(trackers: ["red"], releases: [release])
            var job = try #require(try pusher.queue.jobs().first)
            job.state = .uploading
            try pusher.queue.save(job)
            let uploadJob = try world.repository.uploadJob(site: site.site, torrent: job.torrent, meta: job.meta, dryRun: false)
            site.finds(torrentID: 31, infohash: uploadJob.torrent.infoHashHex)
            let results = try pusher.run(trackers: nil)
            let last = try #require(results.first?.receipt)
            #expect(last.outcome == .recovered && last.siteTorrentID == 31 && last.attempt == 2)
            let interrupted = try world.receipt(try #require(last.previous.flatMap(ObjectID.init(hex:))))
            #expect(interrupted.outcome == .outcomeUnknown && interrupted.message == "the mkt process making this attempt stopped before it ended")
            #expect(site.transport.sent.map { $0.query("action") } == ["torrent"])
            #expect(try pusher.queue.jobs().isEmpty)
        }
    }

    /// A job whose lock a live process holds is that process's: left alone.
    @Test func aJobHeldByAnotherProcessIsLeftAlone() throws {
        try withWorld(releases: ["Busy"]) { world in
            let site = try #require(world.sites["red"])
            let pusher = world.pusher()
            let release = try #require(try world.repository.releases().first)
            _ = try pusher.enqueue(trackers: ["red"], releases: [release])
            let lock = try #require(try pusher.queue.claim(tracker: "red", release: release.name))
            #expect(try pusher.run(trackers: nil).isEmpty)
            #expect(site.transport.sent.isEmpty)
            #expect(try pusher.queue.jobs().first?.state == .pending)
            lock.release()
        }
    }
}
