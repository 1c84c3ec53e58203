import ArgumentParser
import Foundation
import MKTCatalog
import MKTConfig
import MKTCredentials
import MKTHTTP
import MKTStore
import MKTTorrent
import MKTTrackers
import MKTWorkflow
import Synchronization

extension MKT {
    struct Push: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Upload releases to trackers: one torrent per tracker, all trackers at once.",
            discussion: """
                TRACKER... are tracker names (red, ops, dic, or a [tracker "NAME"] in the
                config); the names after them are releases (default: every release the
                tracker does not have yet). For each tracker, .mkt/hooks/pre-push runs first
                with the tracker's name and URL as arguments and one line per release on
                standard input, '<local ref> <meta id> <tracker ref> <receipt id or zeros>';
                if it exits non-zero nothing is sent. Then each release is checked against
                the tracker's rules, its torrent built from the stored pieces, and a job
                queued in .mkt/queue/. One worker per tracker uploads, within the tracker's
                rate limit, retrying what may be retried (push.retries, default 3); every
                attempt is a receipt, and refs/trackers/TRACKER/RELEASE points at the last.
                After an attempt whose outcome is unknown (a timeout, a 5xx, mkt killed) the
                next looks the torrent up on the site before sending anything again. When a
                BitTorrent client is configured, each uploaded torrent is handed to it to seed
                (see 'mkt help seed'); an upload whose seeding failed says so on its line.
                .mkt/hooks/post-push runs last, with the new receipt ids. A site without an
                upload API (mam) gets no upload: mkt writes its upload kit to
                .mkt/kits/TRACKER/RELEASE/ and a 'prepared' receipt saying how to finish by hand.

                One line per (tracker, release) on standard output, and for more than one a
                summary on standard error ('3 uploaded, 1 failed, 2 up to date'); with --quiet
                only the lines of what went wrong. On a terminal, a live line per tracker on
                standard error says what it is doing (uploading, waiting N s for the rate limit
                or the site's Retry-After, retrying in N s); --verbose adds each request. A tracker that refuses the API key stops
                there: its other jobs stay queued, with one line saying how to fix the key.
                Exit status 1 if any failed.

                Examples:
                  mkt push red ops
                  mkt push red artist-album-2020-flac --dry-run
                  mkt push --queue
                  mkt push --retry red
                  mkt push red --verbose
                """
        )

        @Flag(help: "Push to every tracker in the config.")
        var allTrackers = false

        @Flag(help: "Check everything and upload nothing, printing the form each site would receive; no queue, no refs.")
        var dryRun = false

        @Flag(help: "Try the failed jobs in the queue again.")
        var retry = false

        @Flag(name: .customLong("queue"), help: "Upload every job waiting in the queue.")
        var processQueue = false

        @Flag(help: "Show the queue (as 'mkt queue') and upload nothing.")
        var status = false

        @Flag(help: "Do not hand the uploaded torrents to the BitTorrent client.")
        var noSeed = false

        @Flag(help: "Also push each named release's transcodes (mkt transcode), each into its source's group, after the source.")
        var formats = false

        @Flag(name: .shortAndLong, help: "Print only what went wrong: no line for an upload that went through or a release the tracker has, no summary.")
        var quiet = false

        @Flag(name: .shortAndLong, help: "Also print each request to the sites (method, path, status, time; never a key) and why an attempt is retried.")
        var verbose = false

        @Argument(help: "Trackers, then releases.")
        var names: [String] = []

        func run() throws {
            let context = try CommandContext(store: .required)
            let repository = try context.store
            if status { return try Queue.list(repository) }
            let known = Set(repository.config.trackers.names)
            var trackers = Array(names.prefix { known.contains($0) })
            let releaseNames = Array(names.dropFirst(trackers.count))
            if allTrackers { trackers = repository.config.trackers.configured }
            let queueOnly = retry || processQueue
            if trackers.isEmpty && !queueOnly {
                guard let first = names.first else { throw ValidationError("name the trackers to push to (or --all-trackers)") }
                let suggestion = Suggestion.closest(to: first, among: known.sorted()).map { "; did you mean \($0)?" } ?? ""
                throw ValidationError("'\(first)' is not a tracker\(suggestion) (known: \(known.sorted().joined(separator: ", ")))")
            }
            if let late = releaseNames.first(where: { known.contains($0) }) {
                throw ValidationError("'\(late)' is a tracker named after a release: name the trackers first (mkt push TRACKER... RELEASE...), or write the release as refs/releases/\(late)")
            }
            let settings = try Self.settings(context: context, trackers: trackers, dryRun: dryRun, seed: !noSeed)
            let failures = Atomic<Int>(0)
            let quiet = self.quiet
            let display = PushDisplay(live: !quiet && isatty(2) == 1, verbose: verbose)
            var pusher = Pusher(repository: repository, settings: settings, uploader: context.uploader(), report: { result in
                if !result.succeeded { failures.add(1, ordering: .relaxed) }
                guard !quiet || !result.succeeded else { return }
                display.lasting(ending: result.tracker) {
                    Console.write("\(result.tracker) \(result.release): \(result.summary)\n")
                    if !result.form.isEmpty {
                        Console.write("  the form \(result.tracker) would receive:\n" + result.form.map { "    \($0)\n" }.joined())
                    }
                    if let text = result.torrentDescription {
                        Console.write(MKT.Show.torrentDescriptionBlock(text))
                    }
                    try? Console.flush()
                }
            }, notice: { text in display.lasting { Console.error(text + "\n") } })
            pusher.onEvent = { display.handle($0) }
            defer { display.finish() }

            StopOnInterrupt.install(what: "finishing the uploads under way; the other jobs stay queued")
            var results: [PushResult] = []
            if queueOnly {
                if retry { _ = try pusher.requeueFailed(trackers: trackers.isEmpty ? nil : trackers) }
                for (tracker, releases) in try pusher.waitingReleases(trackers: trackers.isEmpty ? nil : trackers).sorted(by: { $0.key < $1.key }) {
                    if let refusal = try pusher.runPrePush(trackers: [tracker], releases: releases) {
                        throw CommandError.hookRefused(hook: "pre-push", tracker: refusal.tracker, status: refusal.status)
                    }
                }
                if !dryRun {
                    let uploaded = try pusher.run(trackers: trackers.isEmpty ? nil : trackers)
                    results += uploaded
                    try pusher.runPostPush(uploaded)
                }
            } else {
                let named = try Self.releases(releaseNames, repository: repository)
                var waves = [named]
                if formats && !releaseNames.isEmpty {
                    // A second wave after the sources: a transcode goes into the group its source's upload made or found.
                    let names = Set(named.map(\.name))
                    let derived = try repository.transcodeSources().filter { names.contains($0.value.source) }.keys
                    waves.append(try repository.releases().filter { derived.contains($0.name) && !names.contains($0.name) }.sorted { $0.name < $1.name })
                }
                for releases in waves where !releases.isEmpty && !Interruption.requested {
                    if let refusal = try pusher.runPrePush(trackers: trackers, releases: releases) {
                        throw CommandError.hookRefused(hook: "pre-push", tracker: refusal.tracker, status: refusal.status)
                    }
                    let settled = try pusher.enqueue(trackers: trackers, releases: releases)
                    results += settled
                    if dryRun {
                        let checked = Set(settled.map { "\($0.tracker) \($0.release)" })
                        for tracker in trackers {
                            results += try pusher.dryRun(trackers: [tracker], releases: releases.filter { !checked.contains("\(tracker) \($0.name)") })
                        }
                    } else {
                        let uploaded = try pusher.run(trackers: trackers)
                        results += uploaded
                        try pusher.runPostPush(uploaded)
                    }
                }
            }
            display.finish()
            if Interruption.requested {
                Console.error("stopped: the jobs not finished stay in the queue; 'mkt push --queue' resumes them\n")
                throw ExitCode(130)
            }
            if results.isEmpty {
                Console.error("nothing to push\n")
            } else if !quiet && results.count > 1 {
                Console.error("\(PushResult.tally(results))\n")
            }
            if !dryRun { Self.notify(results, context: context) }
            if failures.load(ordering: .relaxed) > 0 { throw ExitCode.failure }
        }

        /// The push's settings from the config: retries, pauses, and the client to seed in (unless `seed` is false).
        static func settings(context: CommandContext, trackers: [String], dryRun: Bool, seed: Bool) throws -> Pusher.Settings {
            let repository = try context.store
            var settings = Pusher.Settings()
            settings.dryRun = dryRun
            settings.spectrograms = try Self.spectrograms(context: context, dryRun: dryRun)
            if !dryRun && seed, let client = try repository.config.seedingClient() {
                settings.seed = (client, context.seedAction(client: client))
                // An upload that cannot be seeded is found out now, before the site has it.
                for tracker in trackers where try repository.config.torrentSite(tracker).needsPasskey {
                    do {
                        _ = try context.secret(tracker, .passkey)
                    } catch {
                        throw CommandError.noPasskey(tracker: tracker, reason: "\(error)")
                    }
                }
            }
            // A site without an upload API gets a kit whose torrent carries the announce URL, when the passkey is known.
            settings.announce = { site in
                guard site.torrentSite.needsPasskey else { return site.announceTemplate }
                return (try? context.secret(site.name, .passkey)).map(site.announceURL)
            }
            settings.retries = try repository.config.integer("push", "retries")
            settings.policy = try context.retryPolicy()
            return settings
        }

        /// The releases named, or all of them.
        static func releases(_ names: [String], repository: Repository) throws -> [(name: String, meta: ObjectID)] {
            let all = try repository.releases()
            if names.isEmpty { return all }
            return try names.map { name in
                let short = shortReleaseName(name)
                guard let found = all.first(where: { $0.name == short }) else { throw WorkflowError.unknownRelease(name) }
                return found
            }
        }

    }
}
