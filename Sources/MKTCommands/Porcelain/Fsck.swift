import ArgumentParser
import MKTObjects
import MKTStore
import MKTWorkflow

extension MKT {
    struct Fsck: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify the store: re-hash every object, check every ref and reflog.",
            discussion: """
                Prints one line per problem, "error: ..." or "warning: ...", naming the
                object or ref and what is wrong, and exits 1 if there is any error. Every
                link of every reachable object and queued job is followed: a missing or
                wrong-type target is named with the object or job that links to it. A
                summary goes to stderr unless --quiet; it counts the objects nothing leads to
                too, which are no error ('mkt gc' removes them).

                Examples:
                  mkt fsck
                """
        )

        @Flag(name: .shortAndLong, help: "No summary line.")
        var quiet = false

        func run() throws {
            let repository = try openRepository()
            let report = try repository.check(linkReader: ObjectLinks.read, linkingFiles: try UploadQueue(repository: repository).linkingFiles())
            for problem in report.problems {
                Console.write("\(problem.isError ? "error" : "warning"): \(problem)\n")
            }
            if !quiet {
                let errors = report.problems.filter(\.isError).count
                // Unreachable objects are no fault (git keeps them too); gc removes them.
                let unreachable = report.unreachableCount
                Console.error(
                    "checked \(counted(report.objectCount, "object")) and \(counted(report.refCount, "ref")): "
                        + (errors == 0 ? "ok" : counted(errors, "error"))
                        + (unreachable == 0 ? "" : ", \(counted(unreachable, "unreachable object")) ('mkt gc --prune=0' removes them)") + "\n")
            }
            if !report.isClean { throw ExitCode.failure }
        }
    }
}
