import ArgumentParser
import Foundation
import MKTHTTP
import MKTStore
import MKTWorkflow

extension MKT {
    struct Watch: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run unattended: add the release folders that appear, push them, and work the queue.",
            discussion: """
                Watches each watch.folder (inotify): a new folder in one is a release. Once
                nothing was written in it for watch.settle seconds (default 60) and two scans
                found the same files and sizes, it is added as 'mkt add --yes' adds it, with
                each watch.meta FIELD=VALUE and add.release-type, and queued for the
                watch.trackers. A folder still being written is not added. Meanwhile the
                queue is worked as 'mkt push --queue' works it: a worker per tracker, within
                each site's rate limit, the pre-push and post-push hooks, seeding, and
                notifications; an upload that failed in a way that may be retried or whose
                outcome is unknown (a 5xx, a timeout) is taken again watch.retry-after
                seconds (default 900) after its last attempt.

                With watch.listen (127.0.0.1:PORT or a Unix socket's path) it also takes
                'POST /done' with 'Authorization: Bearer TOKEN' and the body path=FOLDER:
                a download client's "this one finished" (contrib/mkt-watch-done makes the
                call). The token is in watch.token-file (default ~/.config/mkt/watch-token,
                made with mode 0600 when missing). Such a folder is added at once.

                One line per event on standard output, each starting with its time (ISO
                8601); the upload lines are mkt push's. SIGTERM or Ctrl-C stops it: the
                attempts under way end, no new one starts, and every job stays queued for the
                next 'mkt watch' (or 'mkt push --queue'), which sends nothing twice.
                'mkt status' shows what it did and what waits.

                Examples:
                  mkt config watch.folder ~/downloads/music
                  mkt config watch.trackers red,ops
                  mkt watch
                  systemctl --user enable --now mkt-watch   (contrib/systemd/mkt-watch.service)
                """
        )

        @Option(name: .customLong("folder"), help: ArgumentHelp("Watch this folder too (repeatable; added to watch.folder).", valueName: "DIR"))
        var folders: [String] = []

        @Option(name: .customLong("tracker"), help: ArgumentHelp("Queue added releases for this tracker (repeatable; instead of watch.trackers).", valueName: "TRACKER"))
        var trackers: [String] = []

        @Flag(help: "Do not hand the uploaded torrents to the BitTorrent client.")
        var noSeed = false

        func run() throws {
            let context = try CommandContext(store: .required)
            let repository = try context.store
            let config = repository.config
            let base = (repository.directory as NSString).deletingLastPathComponent
            var settings = Watcher.Settings()
            settings.folders = try (config.strings("watch", "folder") + folders).map { Self.absolute($0, base: base) }
            guard !settings.folders.isEmpty else { throw ValidationError("no folder to watch: set watch.folder in the config, or give --folder DIR") }
            let configured = try config.string("watch", "trackers").map { $0.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init) } ?? []
            settings.trackers = trackers.isEmpty ? configured : trackers
            for tracker in settings.trackers { _ = try config.tracker(tracker) }
            settings.settle = try config.seconds("watch", "settle")
            settings.edits = try config.strings("watch", "meta")
            settings.releaseType = try config.string("add", "release-type")
            settings.retryAfter = try config.seconds("watch", "retry-after")

            let lock = try WatchState.claim(repository)
            defer { lock.release() }
            let queued = Set(try UploadQueue(repository: repository).jobs().map(\.tracker))
            let pusherSettings = try Push.settings(context: context, trackers: Array(queued.union(settings.trackers)).sorted(), dryRun: false, seed: !noSeed)
            let pusher = Pusher(repository: repository, settings: pusherSettings, uploader: context.uploader(), report: { result in
                Self.log("\(result.tracker) \(result.release): \(result.summary)")
            }, notice: { Self.log($0) })

            var endpoint: CompletionEndpoint?
            var token: String?
            if let listen = try config.string("watch", "listen") {
                token = try CompletionToken.load(try config.string("watch", "token-file").map { Self.absolute($0, base: base) } ?? context.defaultWatchTokenFile)
                endpoint = try CompletionEndpoint(listen: listen)
            }
            let watcher = Watcher(repository: repository, settings: settings, pusher: pusher, log: { Self.log($0) }, results: { results in
                if !results.isEmpty { Push.notify(results, context: context) }
            })
            StopOnInterrupt.install(what: "finishing the uploads under way; every other job stays queued for the next mkt watch")
            let trackerList = settings.trackers.isEmpty ? "no tracker (adding only)" : settings.trackers.joined(separator: ", ")
            Self.log("watching \(settings.folders.joined(separator: ", ")) for \(trackerList), settle \(Self.seconds(settings.settle))"
                + (endpoint.map { "; completion calls on \($0.address)" } ?? ""))
            try watcher.run(endpoint: endpoint, token: token)
            Self.log("stopped: every job not finished stays queued; mkt watch (or mkt push --queue) resumes them")
        }

        static func absolute(_ path: String, base: String) -> String {
            let expanded = (path as NSString).expandingTildeInPath
            let full = expanded.hasPrefix("/") ? expanded : "\(base)/\(expanded)"
            return (full as NSString).standardizingPath
        }

        static func seconds(_ value: Double) -> String {
            value == value.rounded() ? "\(Int(value)) s" : String(format: "%.1f s", value)
        }

        /// A line with its time: warnings and errors on standard error, the rest on standard output, each as it happens.
        static func log(_ line: String) {
            let stamped = "\(WatchState.time(Date())) \(line)\n"
            if line.hasPrefix("error:") || line.hasPrefix("warning:") || line.hasPrefix("hint:") {
                Console.error(stamped)
            } else {
                Console.write(stamped)
                try? Console.flush()
            }
        }
    }
}
