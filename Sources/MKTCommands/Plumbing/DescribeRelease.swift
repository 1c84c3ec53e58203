import ArgumentParser
import Foundation
import MKTMetadata
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

        @Argument(help: "The release folder, or a release in the store.")
        var release: String

        func run() throws {
            var isDirectory: ObjCBool = false
            let tree: ReleaseTree
            if FileManager.default.fileExists(atPath: release, isDirectory: &isDirectory), isDirectory.boolValue {
                tree = try ReleaseScanner.scan(release)
            } else {
                tree = try openRepository().release(named: release).tree
            }
            var facts: [String: AudioFacts] = [:]
            for file in tree.files where ["flac", "mp3", "m4a", "m4b", "ogg", "opus"].contains((file.path as NSString).pathExtension.lowercased()) {
                do {
                    facts[file.path] = try AudioProbe.probe(path: tree.location(of: file))
                } catch {
                    Console.error("warning: \(error)\n")
                }
            }
            let description = ReleaseDescriber.describe(name: tree.name, files: tree.files.map(\.path), facts: facts, media: media)
            Console.write(description.json())
            Console.write("\n")
        }
    }
}
