import ArgumentParser
import Foundation
import MKTAudioCheck
import MKTMetadata
import MKTSubprocess
import MKTTorrent
import MKTWorkflow

extension MKT {
    struct Spectrals: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draw each track's spectrogram (full and a zoomed second) and a page showing them all.",
            discussion: """
                REL is a release folder, or a release in the store. For each audio file, in
                the release's order, sox draws a full spectrogram and one of a second from its
                middle (NN-full.png, NN-zoom.png); index.html shows them side by side with the
                track names. Needs sox on PATH.

                Examples:
                  mkt spectrals artist-album-2019-flac
                  mkt spectrals ~/rips/'Artist - Album (2019) [FLAC]' --out /tmp/spectrals
                """
        )

        @Option(help: "The folder to write the pictures and index.html to.")
        var out = "spectrals"

        @Argument(help: "The release folder, or a release in the store.")
        var release: String

        func run() throws {
            let tree: ReleaseTree
            let root: String
            if isFolder(release) {
                let scan = try ReleaseScanner.scan(release)
                (tree, root) = (scan.tree, scan.root)
            } else {
                let stored = try openRepository().release(named: release)
                (tree, root) = (stored.tree, try stored.knownFolder())
            }
            let page = try Self.make(tree: tree, root: root, folder: out, label: release).page
            Console.write("\(page)\n")
        }

        /// Draws every readable audio file of a release into `folder`, with its page; `label` names the release in errors.
        static func make(tree: ReleaseTree, root: String, folder: String, label: String) throws -> (page: String, tracks: [Spectrograms.Track]) {
            let environment = ProcessInfo.processInfo.environment
            guard let sox = ChildProcess.executable(named: "sox", searchPath: environment["PATH"]) else {
                throw SpectrogramError(path: label, reason: "sox is not installed (on PATH)")
            }
            let (facts, failures) = ReleaseAudio.facts(of: tree, root: root)
            for path in failures.keys.sorted() { Console.diagnose(.warning, "\(path): left out: \(failures[path].map { "\($0)" } ?? "")") }
            let tracks = tree.files.filter { facts[$0.path] != nil }.map { file in
                let read = facts[file.path]
                let seconds = Double(read?.durationMilliseconds ?? 0) / 1000
                return (name: file.path, file: tree.location(of: file, root: root), seconds: seconds)
            }
            guard !tracks.isEmpty else { throw SpectrogramError(path: label, reason: "no audio file mkt can read") }
            return try Spectrograms.make(tracks: tracks, release: tree.name, folder: folder, sox: sox, environment: environment)
        }
    }
}
