import ArgumentParser
import Foundation
import MKTRipLog

extension MKT {
    struct CheckLog: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check-log",
            abstract: "Score rip logs (EAC, XLD, whipper) as RED's and OPS's logchecker does.",
            discussion: """
                For each FILE: its score (100 less each deduction, not below 0, as the site shows
                it), the verdict on the log's own checksum (ok, missing, invalid), and every line
                the logchecker reports, deductions with their points. A combined log (several
                rips in one file) is scored as one, as the logchecker does. With --json, one JSON
                object per line and per log. Exit status 0 when every log was read, whatever its
                score; 1 when a file cannot be read (the others are still scored).
                """
        )

        @Flag(help: "Print one JSON object per log, one per line.")
        var json = false

        @Argument(help: "Log files.")
        var files: [String]

        func validate() throws {
            if files.isEmpty { throw ValidationError("give at least one FILE") }
        }

        func run() throws {
            var failed = false
            for path in files {
                guard let data = FileManager.default.contents(atPath: path) else {
                    try Console.flush()
                    Console.diagnose(.error, "\(CommandError.unreadable(path, errno: access(path, R_OK) == 0 ? EISDIR : errno))")
                    failed = true
                    continue
                }
                let report = RipLogChecker.check([UInt8](data))
                if json {
                    Console.write(try Self.json(report, path: path))
                    Console.write("\n")
                } else {
                    Console.write(Self.text(report, path: path))
                }
            }
            if failed { throw ExitCode.failure }
        }

        static func text(_ report: RipLogReport, path: String) -> String {
            let ripper = report.ripper.map { [$0.rawValue, report.version].compactMap { $0 }.joined(separator: " ") } ?? "unknown ripper"
            var about = [ripper]
            if report.language != "en" { about.append(report.language) }
            if report.isCombined { about.append("\(report.logCount) rips") }
            var text = "\(path): score \(report.score), checksum \(report.checksum.rawValue) (\(about.joined(separator: ", ")))\n"
            for line in report.details { text += "  \(line)\n" }
            return text
        }

        static func json(_ report: RipLogReport, path: String) throws -> Data {
            var object: [String: Any] = [
                "file": path,
                "score": report.score,
                "checksum": report.checksum.rawValue,
                "deductions": report.details,
                "language": report.language,
                "logs": report.logCount,
            ]
            object["ripper"] = report.ripper?.rawValue ?? NSNull()
            object["version"] = report.version ?? NSNull()
            return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        }
    }
}
