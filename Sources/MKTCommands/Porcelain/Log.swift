import ArgumentParser
import Foundation
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
            let entries = try repository.history(release: name, tracker: tracker, limit: maxCount)
            if json {
                // Each receipt's canonical JSON, with its id and release spliced in front.
                Console.write("[")
                for (index, entry) in entries.enumerated() {
                    let release = String(decoding: try JSONEncoder().encode(entry.release), as: UTF8.self)
                    Console.write("\(index == 0 ? "" : ","){\"id\":\"\(entry.id.hex)\",\"release\":\(release),")
                    Console.write(entry.receipt.objectBody().dropFirst())
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

        /// ISO 8601 in UTC, to the second.
        static func date(_ milliseconds: Int64) -> String {
            Date(timeIntervalSince1970: Double(milliseconds) / 1000).formatted(Self.iso8601)
        }

        static let iso8601 = Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!)

        static func seconds(_ milliseconds: Int64) -> String { String(format: "%.1f s", Double(milliseconds) / 1000) }
    }
}
