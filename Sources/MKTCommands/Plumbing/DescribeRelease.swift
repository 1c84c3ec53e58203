import ArgumentParser
import Foundation
import MKTMetadata
import MKTObjects
import MKTTorrent
import MKTWorkflow

extension MKT {
    struct DescribeRelease: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "describe-release",
            abstract: "Consolidate a release's tags into what an upload form asks for; print it as JSON.",
            discussion: """
                REL is a release folder, or a release in the store. Album-level fields come
                from the tracks by plurality vote (conflicts list the files that disagree);
                featured artists are split out; years parsed and checked; genres turned into
                Gazelle tags; a release type suggested (with RED's and OPS's ids); the cover
                chosen; the folder name's claims checked against the files. Every string is
                cleaned as 'mkt sanitize' cleans it.
                """
        )

        @Option(help: "Where the audio came from: CD, WEB, Vinyl, … (otherwise read from the folder name).")
        var media: String?

        @Flag(name: .customShort("w"), help: "Store the description as a meta object (hashing a folder first if needed) and print its id.")
        var write = false

        @Argument(help: "The release folder, or a release in the store.")
        var release: String

        func run() throws {
            let fromFolder = isFolder(release)
            let repository = write || !fromFolder ? try openRepository() : nil
            let stored: StoredRelease?
            let tree: ReleaseTree
            let root: String
            if let repository {
                stored = fromFolder ? try repository.addRelease(at: release).release : try repository.release(named: release)
                (tree, root) = (stored!.tree, try stored!.knownFolder())
            } else {
                stored = nil
                let scan = try ReleaseScanner.scan(release)
                (tree, root) = (scan.tree, scan.root)
            }
            let (facts, failures) = ReleaseAudio.facts(of: tree, root: root)
            for path in failures.keys.sorted() { Console.diagnose(.warning, "\(failures[path]!)") }
            let description = ReleaseDescriber.describe(name: tree.name, files: tree.files.map(\.path), facts: facts, media: media)
            if write, let repository, let stored {
                let body = MetaSnapshot(description: description, release: stored.releaseID, pieces: stored.piecesID).objectBody()
                Console.write(try repository.objects.write(type: .meta, body: body).hex + "\n")
                return
            }
            Console.write(try description.json())
            Console.write("\n")
        }
    }
}
