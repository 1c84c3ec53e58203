import ArgumentParser
import Foundation
import MKTStore
import MKTWorkflow

extension MKT {
    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Summarize the upload history per tracker: success rate, attempts, timings, errors.",
            discussion: """
                Per tracker: releases tried and uploaded (the success rate counts a release
                once, by its newest attempt), attempts per success, the time of a successful
                attempt (p50, p95), failed attempts by cause, and successes per ISO week.
                --since takes a date (2026-11-01) or an age (30d, 12w, 48h).

                Examples:
                  mkt stats --since 30d
                  mkt stats --html report.html
                """
        )

        @Option(help: "Only attempts started since then.")
        var since: String?

        @Flag(help: "Print the numbers as JSON.")
        var json = false

        @Option(help: "Also write an HTML report with charts to FILE.")
        var html: String?

        func run() throws {
            let repository = try openRepository()
            let cutoff = try since.map { try Self.parseSince($0, now: Date()) }
            let history = try repository.history(damaged: { Console.diagnose(.warning, $0) })
            let stats = UploadStats.compute(history, since: cutoff)
            if let html {
                var context = StatsReport.Context()
                let configured = repository.config.trackers.configured
                context.attention = StatsReport.attention(try repository.status(trackers: configured) { Console.diagnose(.warning, "\($0)") })
                context.configured = configured
                let shown = history.filter { $0.receipt.started >= (cutoff ?? .min) && $0.receipt.outcome != .dryRun }
                context.distinctReleases = Set(shown.map(\.release)).count
                if let first = shown.map(\.receipt.started).min(), let last = shown.map(\.receipt.finished).max() { context.range = (first, last) }
                do {
                    context.watcher = try WatchState.read(repository).map { ($0, WatchState.isRunning(repository)) }
                } catch {
                    Console.diagnose(.warning, "\(error)")
                }
                try DurableFile.replace(html, contents: Data(StatsReport.html(stats, generated: Date(), since: since, context: context).utf8), mode: 0o644)
            }
            if json {
                let objects = stats.map { item -> [String: Any] in
                    var object: [String: Any] = [
                        "tracker": item.tracker, "releases": item.releases, "uploaded": item.uploaded, "adopted": item.adopted, "attempts": item.attempts,
                        "successes": item.successes, "firstTry": item.firstTry, "errors": item.errors, "weeks": item.weeks,
                    ]
                    object["successRate"] = item.successRate
                    object["attemptsPerSuccess"] = item.attemptsPerSuccess
                    object["p50Milliseconds"] = item.p50Milliseconds
                    object["p95Milliseconds"] = item.p95Milliseconds
                    return object
                }
                Console.write(try JSONSerialization.data(withJSONObject: objects, options: [.sortedKeys]))
                Console.write("\n")
                return
            }
            let waiting = UploadStats.awaitingManualUpload(history)
            defer { for entry in waiting { Console.write("\(entry.receipt.tracker) \(entry.release): \(entry.receipt.summary)\n") } }
            guard !stats.isEmpty else { return Console.write(waiting.isEmpty ? "no uploads yet\n" : "") }
            let width = max(7, stats.map(\.tracker.count).max() ?? 0)
            Console.write("TRACKER".padding(toLength: width, withPad: " ", startingAt: 0) + "  RELEASES  UPLOADED  SUCCESS  ATTEMPTS/SUCCESS     P50     P95  ERRORS\n")
            for item in stats {
                let errors = item.errors.keys.sorted().map { "\($0) \(item.errors[$0]!)" }.joined(separator: ", ")
                Console.write(item.tracker.padding(toLength: width, withPad: " ", startingAt: 0)
                    + Self.column(String(item.releases), 10) + Self.column(String(item.uploaded), 10)
                    + Self.column(StatsReport.percent(item.successRate), 9)
                    + Self.column(item.attemptsPerSuccess.map { String(format: "%.2f", $0) } ?? "–", 18)
                    + Self.column(StatsReport.seconds(item.p50Milliseconds), 8) + Self.column(StatsReport.seconds(item.p95Milliseconds), 8)
                    + (errors.isEmpty ? "" : "  \(errors)") + "\n")
            }
            for item in stats where item.adopted > 0 {
                Console.write("\(item.tracker): \(item.adopted) of the \(item.uploaded) uploaded adopted (the site had them; nothing was uploaded)\n")
            }
        }

        static func column(_ text: String, _ width: Int) -> String {
            String(repeating: " ", count: max(1, width - text.count)) + text
        }

        /// `YYYY-MM-DD` (UTC) or an age: `30d`, `12w`, `48h`. Milliseconds since the epoch.
        static func parseSince(_ text: String, now: Date) throws -> Int64 {
            if let unit = text.last, let amount = Double(text.dropLast()), amount >= 0, let hours = ["h": 1.0, "d": 24, "w": 168][String(unit)] {
                return Int64((now.timeIntervalSince1970 - amount * hours * 3600) * 1000)
            }
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyy-MM-dd"
            guard let date = formatter.date(from: text) else {
                throw ValidationError("--since \(text): expected a date (2026-11-01) or an age (30d, 12w, 48h)")
            }
            return Int64(date.timeIntervalSince1970 * 1000)
        }
    }
}
