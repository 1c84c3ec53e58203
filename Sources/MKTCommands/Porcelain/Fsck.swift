import ArgumentParser
import MKTStore
import MKTWorkflow

extension MKT {
    struct Fsck: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify the store: re-hash every object, check every ref and reflog.",
            discussion: """
                Prints one line per problem, "error: ..." or "warning: ...", naming the
                object or ref and what is wrong, and exits 1 if there is any error. A
                summary goes to stderr unless --quiet.
                """
        )

        @Flag(name: .shortAndLong, help: "No summary line.")
        var quiet = false

        func run() throws {
            let report = try openRepository().check()
            for problem in report.problems {
                Console.write("\(problem.isError ? "error" : "warning"): \(problem)\n")
            }
            if !quiet {
                let errors = report.problems.filter(\.isError).count
                Console.error(
                    "checked \(counted(report.objectCount, "object")) and \(counted(report.refCount, "ref")): "
                        + (errors == 0 ? "ok\n" : counted(errors, "error") + "\n"))
            }
            if !report.isClean { throw ExitCode.failure }
        }
    }
}
