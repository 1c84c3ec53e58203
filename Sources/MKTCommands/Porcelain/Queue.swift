import ArgumentParser
import Foundation
import MKTStore
import MKTWorkflow

extension MKT {
    struct Queue: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List, cancel or reorder the upload jobs in .mkt/queue/.",
            discussion: """
                Without a subcommand: one line per job, in the order workers take them:
                state, tracker, release, and the last outcome. A job shown as uploading is
                being worked on by a running mkt; one whose process died shows as
                outcome-unknown and is looked up on the site before anything is resent.
                JOB is TRACKER/RELEASE, or RELEASE for its jobs at every tracker.

                Examples:
                  mkt queue
                  mkt queue cancel red/artist-album-2020-flac
                """,
            subcommands: [List.self, Cancel.self, Prioritize.self],
            defaultSubcommand: List.self
        )

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List the jobs (the default).")

            func run() throws {
                try Queue.list(try openRepository())
            }
        }

        struct Cancel: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Drop jobs that are not being uploaded right now.")

            @Argument(help: "TRACKER/RELEASE or RELEASE.")
            var jobs: [String]

            func run() throws {
                let repository = try openRepository()
                let queue = UploadQueue(repository: repository)
                // A job file that does not parse goes by its TRACKER/RELEASE name (fsck names it so).
                var named: [String] = []
                for name in jobs {
                    let parts = name.split(separator: "/", maxSplits: 1).map(String.init)
                    if parts.count == 2, try queue.removeDamaged(tracker: parts[0], release: parts[1]) {
                        Console.write("cancelled \(name) (damaged)\n")
                    } else {
                        named.append(name)
                    }
                }
                for job in try Queue.select(named, in: queue) {
                    guard let lock = try queue.claim(tracker: job.tracker, release: job.release) else {
                        throw ValidationError("\(job.tracker)/\(job.release) is being uploaded right now; it cannot be cancelled")
                    }
                    defer { lock.release() }
                    try queue.remove(job)
                    Console.write("cancelled \(job.tracker)/\(job.release)\n")
                }
            }
        }

        struct Prioritize: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Move jobs to the front of the queue.")

            @Argument(help: "TRACKER/RELEASE or RELEASE.")
            var jobs: [String]

            func run() throws {
                let queue = UploadQueue(repository: try openRepository())
                var top = (try queue.jobs().map(\.priority).max() ?? 0) + 1
                for var job in try Queue.select(jobs, in: queue).reversed() {
                    job.priority = top
                    top += 1
                    try queue.save(job)
                }
            }
        }

        static func select(_ names: [String], in queue: UploadQueue) throws -> [QueuedJob] {
            let all = try queue.jobs()
            return try names.flatMap { name in
                let parts = name.split(separator: "/", maxSplits: 1).map(String.init)
                let found = all.filter { parts.count == 2 ? ($0.tracker == parts[0] && $0.release == parts[1]) : $0.release == name }
                if found.isEmpty { throw ValidationError("no queued job '\(name)' (mkt queue lists them)") }
                return found
            }
        }

        static func list(_ repository: Repository) throws {
            let queue = UploadQueue(repository: repository) { Console.error("warning: \($0)\n") }
            for job in try queue.jobs() {
                var state = job.state.rawValue
                if job.state == .uploading && !queue.isLocked(tracker: job.tracker, release: job.release) { state = "outcome-unknown" }
                Console.write("\(state.padding(toLength: 16, withPad: " ", startingAt: 0)) \(job.tracker)/\(job.release)\(job.message.map { "  \($0)" } ?? "")\n")
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show where each release stands with each tracker.",
            discussion: """
                For every release, each configured tracker and each tracker it was pushed to:
                not pushed, queued, uploading, uploaded (with the torrent's page), failed
                (with the reason; a release mkt's checks refused shows the check's reason,
                what fixes it and the push to run after), or needs attention (the outcome is
                unknown). Then, when 'mkt watch' has run in this store: whether it runs, its
                last scan, the folders waiting to settle, the jobs it will take and when,
                and its last three lines.

                Examples:
                  mkt status
                  mkt status artist-album-2020-flac
                """
        )

        @Argument(help: "Releases to show (default: all).")
        var releases: [String] = []

        func run() throws {
            let repository = try openRepository()
            let configured = repository.config.trackers.configured
            let all = try repository.status(trackers: configured) { Console.diagnose(.warning, "\($0)") }
            let wanted = Set(releases.map(shortReleaseName))
            for name in wanted where !all.contains(where: { $0.release == name }) { throw WorkflowError.unknownRelease(name) }
            if all.isEmpty { Console.write("no releases yet (mkt add DIR)\n") }
            // A transcode comes under its source, and says what it is.
            let sources = try repository.transcodeSources()
            let byName = Dictionary(all.map { ($0.release, $0.trackers) }, uniquingKeysWith: { first, _ in first })
            for release in ReleaseOrder.sourcesFirst(all.map(\.release), sources: sources) where wanted.isEmpty || wanted.contains(release) {
                let trackers = byName[release] ?? []
                Console.write(sources[release].map { "\(release) (\($0.format) of \($0.source))\n" } ?? "\(release)\n")
                if trackers.isEmpty { Console.write("    not pushed anywhere\n") }
                let width = trackers.map(\.name.count).max() ?? 0
                for (tracker, state) in trackers {
                    var line = Self.describe(state)
                    if case .failed(let receipt) = state, receipt.category == .local { line += "; then: mkt push \(tracker) \(release)" }
                    Console.write("    \(tracker.padding(toLength: width, withPad: " ", startingAt: 0))  \(line)\n")
                }
            }
            if releases.isEmpty { Self.showWatcher(repository) }
        }

        /// What `mkt watch` last wrote in .mkt/watch.json: whether it runs, what settles, what is due, what it did last.
        static func showWatcher(_ repository: Repository) {
            let state: WatchState
            do {
                guard let read = try WatchState.read(repository) else { return }
                state = read
            } catch {
                return Console.write("watch: \(error)\n")
            }
            let running = state.standing(running: WatchState.isRunning(repository))
            Console.write("watch: \(running), last scan \(state.lastScan ?? "none yet")\(state.listening.map { ", completion calls on \($0)" } ?? "")\n")
            for folder in state.settling { Console.write("    settling  \(folder.folder) (last write \(folder.lastChange))\n") }
            for job in state.pending { Console.write("    due \(job.due)  \(job.job) (\(job.state))\n") }
            for line in state.recent.suffix(3) { Console.write("    did  \(line)\n") }
        }

        static func describe(_ state: TrackerState) -> String {
            switch state {
            case .notPushed: "not pushed"
            case .queued: "queued"
            case .uploading: "uploading"
            case .uploaded(let receipt, let seeding):
                (receipt.outcome == .adopted ? "adopted" : "uploaded") + (receipt.url.map { "  \($0)" } ?? "")
                    + (seeding ? "  seeding" : receipt.seedError.map { "  not seeding: \($0)" } ?? receipt.seedHandedTo.map { "  handed to \($0)" } ?? "")
            case .failed(let receipt): receipt.summary
            case .needsAttention(let why): "needs attention: \(why)"
            case .damaged(let why): "damaged: \(why)"
            }
        }
    }
}
