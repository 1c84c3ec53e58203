import ArgumentParser
import Foundation
import MKTStore

extension MKT {
    struct GC: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "gc",
            abstract: "Remove what interrupted writes left behind.",
            discussion: """
                Removes temp files (.tmp-<pid>-...) and ref lock files that are older than
                the grace period and whose writing process is no longer running; a live
                writer's files are never removed, whatever the grace period. A ref lock that
                names a process no longer running goes at once, whatever its age: it blocks
                every writer of that ref.

                Then removes the objects nothing leads to that are older than --prune
                (default 14d, as git's): no ref, reflog entry, queued upload or cache names
                them, and no such object does. A failed or interrupted 'mkt add' leaves
                these, and so does 'mkt hash-object -w' until a ref names its object.
                --prune=0 removes them all, except those of a mkt still running (an add
                writes its objects before its ref): every object written since the oldest
                running writer started is kept.

                Examples:
                  mkt gc --dry-run
                  mkt gc --prune=0
                """
        )

        @Option(help: "Only files at least this old: 0, or a number with s, m, h or d.", transform: GraceDuration.parse)
        var grace: TimeInterval = 3600

        @Option(help: "Only objects nothing leads to that are at least this old: 0, or a number with s, m, h or d.", transform: GraceDuration.parse)
        var prune: TimeInterval = 14 * 86400

        @Flag(name: [.customShort("n"), .long], help: "Show what would be removed; remove nothing.")
        var dryRun = false

        func run() throws {
            let repository = try openRepository()
            let files = dryRun ? try repository.staleFiles(grace: grace) : try repository.removeStaleFiles(grace: grace)
            let unreachable = dryRun ? try repository.unreachableObjects(grace: prune) : try repository.removeUnreachableObjects(grace: prune)
            let prefix = repository.directory + "/"
            for path in files + unreachable.map(repository.objects.path(of:)) {
                Console.write("\(dryRun ? "would remove" : "removed") \(path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path)\n")
            }
        }
    }
}

enum GraceDuration {
    /// `0`, `90`, `90s`, `15m`, `2h`, `7d`.
    static func parse(_ text: String) throws -> TimeInterval {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        let (digits, scale) = text.last.flatMap { units[$0] }.map { (text.dropLast(), $0) } ?? (Substring(text), 1)
        guard let value = Double(digits), value >= 0, value.isFinite, digits.allSatisfy(\.isNumber) || digits.contains(".") else {
            throw ValidationError("'\(text)' is not a duration (examples: 0, 30s, 15m, 2h, 7d)")
        }
        return value * scale
    }
}
