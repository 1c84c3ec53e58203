import ArgumentParser
import Foundation
import MKTObjects
import MKTMetadata
import MKTStore
import MKTTrackers
import MKTWorkflow

extension MKT {
    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the upload history: every attempt, newest first.",
            discussion: """
                Walks the receipt chains of refs/trackers/ as git log walks commits.
                --format takes %(id), %(short), %(tracker), %(release), %(outcome),
                %(category), %(message), %(url), %(started) (ISO 8601), %(duration) (ms),
                %(attempt), %(requests), %(infohash), %(torrent), %(meta).

                Examples:
                  mkt log --oneline
                  mkt log --tracker red -n 5 artist-album-2020-flac
                  mkt log --json
                """
        )

        @Option(help: "Only this tracker's uploads.")
        var tracker: String?

        @Flag(help: "One line per attempt.")
        var oneline = false

        @Option(help: "A line per attempt, with %(field) placeholders.")
        var format: String?

        @Flag(help: "The receipts as a JSON array, each with its id and release.")
        var json = false

        @Option(name: [.customShort("n"), .long], help: "Show at most this many attempts.")
        var maxCount: Int?

        @Argument(help: "Only this release's uploads.")
        var release: String?

        func run() throws {
            let repository = try openRepository()
            let name = release.map(shortReleaseName)
            if let name, try repository.refs.read("refs/releases/\(name)") == nil { throw WorkflowError.unknownRelease(name) }
            // A tracker the config no longer names still has its history.
            if let tracker, !repository.config.trackers.knows(tracker), try repository.refs.list(under: "refs/trackers/\(tracker)").isEmpty {
                _ = try repository.config.tracker(tracker)
            }
            let entries = try repository.history(release: name, tracker: tracker, limit: maxCount, damaged: { Console.diagnose(.warning, $0) })
            if json {
                // Each receipt's canonical JSON, with its id and release spliced in front.
                Console.write("[")
                for (index, entry) in entries.enumerated() {
                    let release = String(decoding: try JSONEncoder().encode(entry.release), as: UTF8.self)
                    Console.write("\(index == 0 ? "" : ","){\"id\":\"\(entry.id.hex)\",\"release\":\(release),")
                    Console.write(try entry.receipt.objectBody().dropFirst())
                }
                Console.write("]\n")
                return
            }
            let lineFormat = format ?? (oneline ? "%(short) %(tracker) %(release) %(outcome)%(detail)" : nil)
            for entry in entries {
                if let lineFormat {
                    Console.write(Placeholders.expand(lineFormat) { Self.field($0, of: entry) } + "\n")
                } else {
                    let receipt = entry.receipt
                    Console.write("""
                        receipt \(entry.id.hex)
                        Tracker:  \(receipt.tracker)
                        Release:  \(entry.release)
                        Date:     \(Self.date(receipt.started)) (\(Self.seconds(receipt.durationMilliseconds)), \(counted(receipt.requests, "request")))
                        Outcome:  \(receipt.summary)


                        """)
                }
            }
        }

        static func field(_ name: String, of entry: HistoryEntry) -> String {
            let receipt = entry.receipt
            return switch name {
            case "id": entry.id.hex
            case "short": String(entry.id.hex.prefix(12))
            case "tracker": receipt.tracker
            case "release": entry.release
            case "outcome": receipt.outcome.rawValue
            case "category": receipt.category?.rawValue ?? ""
            case "message": receipt.message ?? ""
            case "url": receipt.url ?? ""
            case "detail": receipt.succeeded ? receipt.url.map { " \($0)" } ?? "" : (receipt.category.map { " (\($0.rawValue))" } ?? "") + (receipt.message.map { ": \($0)" } ?? "")
            case "started": date(receipt.started)
            case "duration": String(receipt.durationMilliseconds)
            case "attempt": String(receipt.attempt)
            case "requests": String(receipt.requests)
            case "infohash": receipt.infohash
            case "torrent": receipt.torrent
            case "meta": receipt.meta ?? ""
            default: "%(\(name))"
            }
        }

        /// ISO 8601 in UTC, to the second (`2026-11-29T18:47:45Z`). By hand:
        /// a full log formats tens of thousands, and Foundation's formatters
        /// were about 5 % of its time.
        static func date(_ milliseconds: Int64) -> String {
            var seconds = time_t(milliseconds.quotientAndRemainder(dividingBy: 1000).quotient - (milliseconds < 0 && milliseconds % 1000 != 0 ? 1 : 0))
            var parts = tm()
            guard gmtime_r(&seconds, &parts) != nil else { return String(milliseconds) }
            func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : String(value) }
            return "\(Int(parts.tm_year) + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
        }

        /// Seconds to one decimal, rounded half up: `1.2 s`.
        static func seconds(_ milliseconds: Int64) -> String {
            let tenths = max(milliseconds, 0).clampedAdding(50) / 100
            return "\(tenths / 10).\(tenths % 10) s"
        }
    }
}
