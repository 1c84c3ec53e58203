import ArgumentParser
import MKTTorrent
import MKTWorkflow

extension MKT {
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-read a release's data and check it against its stored piece hashes.",
            discussion: """
                DIR is where the data is now (default: where it was hashed). Prints one line
                per missing, resized or damaged file, naming the first bad piece, and exits 1
                if there is any; otherwise one line saying all is well.

                Examples:
                  mkt verify artist-album-2020-flac
                """
        )

        @Argument(help: "The release: a pieces or release object, or a ref to one.")
        var release: String

        @Argument(help: "The folder (or file) holding the data.")
        var directory: String?

        func run() throws {
            let stored = try openRepository().release(named: release)
            let root = try directory ?? stored.knownFolder()
            let report = try ReleaseVerifier.verify(stored.tree, pieces: stored.pieces, root: root, hasher: PieceHasher())
            for problem in report.problems { Console.write("error: \(problem)\n") }
            if !report.problems.isEmpty { throw WorkflowError.verifyFailed(badFiles: report.problems.count) }
            Console.write("ok: \(counted(report.fileCount, "file")), \(counted(report.pieceCount, "piece")) match (\(root))\n")
        }
    }
}
