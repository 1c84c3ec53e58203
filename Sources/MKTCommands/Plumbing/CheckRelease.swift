import ArgumentParser
import Foundation
import MKTAudioCheck
import MKTConfig
import MKTMetadata
import MKTStore
import MKTTorrent
import MKTWorkflow

extension MKT {
    struct CheckRelease: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check-release",
            abstract: "Check a release against a tracker's rules; print what it would refuse.",
            discussion: """
                REL is a release folder, or a release in the store (its name, a meta, pieces or
                release object, or a ref to one). A stored release is checked as it will be
                sent: its current meta snapshot, edits included ('mkt edit'), with the facts of
                its files; a folder is described from its tags. Checks: path length (RED 180,
                OPS 255 characters, folder name included), forbidden characters, allowed file
                types, archives or torrents inside, one format and one encoding across the
                audio files, the encoding known, a rip log for a CD lossless release, mixed bit
                depths, unusual channels or sample rates; and what the upload form needs: artist,
                title, year, genre tags, a release type that is not only mkt's guess, and words
                (format, encoding, media) the site's form offers. Unless the media is another
                than CD, each rip log is scored as the site's logchecker scores it (see
                check-log): below the site's threshold (RED, OPS: 100) an error; its checksum;
                its copy CRCs against the FLAC files beside it (decoded by flac). Each FLAC
                file's audio, three 2-second windows decoded by flac: fake 24-bit, upsampled
                from 44.1/48 kHz, a lossy master, clipping, digital silence.
                One line per finding, "error: …" or "warning: …"; exit 1 if any error.
                """
        )

        @Option(help: "The tracker whose rules apply: red, ops, dic, or one in the config.")
        var tracker: String

        @Option(help: "Where the audio came from: CD, WEB, Vinyl, … (instead of the snapshot's; a CD lossless release needs its log).")
        var media: String?

        @Flag(help: "Print the findings as a JSON array.")
        var json = false

        @Argument(help: "The release folder, or a release in the store.")
        var release: String

        func run() throws {
            let tree: ReleaseTree
            let root: String
            let config: Config
            var snapshot: ReleaseDescription?
            if isFolder(release) {
                let scan = try ReleaseScanner.scan(release)
                (tree, root) = (scan.tree, scan.root)
                config = try configIfInStore()
            } else {
                let repository = try openRepository()
                let stored = try repository.release(named: release)
                (tree, root) = (stored.tree, try stored.knownFolder())
                config = repository.config
                snapshot = try repository.snapshot(named: release)?.description
            }
            let site = try config.tracker(tracker)
            let rules = site.releaseRules
            let (facts, failures) = ReleaseAudio.facts(of: tree, root: root)
            var description = snapshot ?? ReleaseDescriber.describe(name: tree.name, files: tree.files.map(\.path), facts: facts, media: media)
            if let media { description = try MetaEdit.apply(["media=\(media)"], to: description) }
            var findings = failures.keys.sorted().map { Finding(severity: .error, code: "unreadable", path: $0, message: failures[$0].map { "\($0)" } ?? "") }
            findings += ReleaseCheck.check(name: tree.name, files: tree.files.map(\.path), facts: facts, description: description, rules: rules).map { finding in
                // A folder has no snapshot to confirm a guess in: that is for `mkt add`, so here it is a warning.
                snapshot == nil && finding.code == "guessed-release-type"
                    ? Finding(severity: .warning, code: finding.code, path: finding.path, message: finding.message + " when it is added") : finding
            }
            findings += RipLogCheck.findings(tree: tree, root: root, facts: facts, media: description.media, threshold: site.logScoreThreshold, tracker: tracker, environment: ProcessInfo.processInfo.environment)
            findings += ReleaseCheck.cuePreEmphasis(ReleaseAudio.cueSheets(of: tree, root: root))
            findings += AudioCheck.findings(facts: facts, location: { tree.isSingleFile ? root : "\(root)/\($0)" }, environment: ProcessInfo.processInfo.environment)
            if json {
                let objects = findings.map { ["severity": $0.severity.rawValue, "code": $0.code, "path": $0.path, "message": $0.message] }
                Console.write(try JSONSerialization.data(withJSONObject: objects, options: [.sortedKeys, .withoutEscapingSlashes]))
                Console.write("\n")
            } else {
                for finding in findings {
                    Console.write("\(finding.severity.rawValue): \(finding.path.isEmpty ? "" : finding.path + ": ")\(finding.message)\n")
                }
            }
            let errors = findings.filter { $0.severity == .error }.count
            let warnings = findings.count - errors
            Console.error("checked \(counted(tree.files.count, "file")) of \(tree.name) against \(tracker): "
                + (findings.isEmpty ? "ok\n" : "\(counted(errors, "error")), \(counted(warnings, "warning"))\n"))
            if errors > 0 { throw ExitCode.failure }
        }
    }
}
