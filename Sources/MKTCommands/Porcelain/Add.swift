import ArgumentParser
import Foundation
import MKTMetadata
import MKTStore
import MKTWorkflow

extension MKT {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record release folders in the store: hash them once, read their tags, snapshot their metadata.",
            discussion: """
                For each DIR: scan the files, hash the pieces (once: an unchanged folder is not
                read again), read the tags, clean and classify them, and store a meta snapshot
                as refs/releases/NAME, where NAME comes from the folder's name. Adding a folder
                again after it changed makes a new snapshot whose parent is the old one.

                --meta FIELD=VALUE sets what the tags do not say or say wrong (repeatable):
                media=CD, release-type=EP, year=2019, catalogue-number=…, artists=A,B, …
                Prints one line per release: its name, and what is still missing.
                """
        )

        @Option(name: .customLong("meta"), help: ArgumentHelp("Set a metadata field (repeatable).", valueName: "FIELD=VALUE"))
        var metaEdits: [String] = []

        @Option(help: "Where the audio came from: CD, WEB, Vinyl, … (otherwise read from the folder name).")
        var media: String?

        @Flag(name: .shortAndLong, help: "Print nothing but errors.")
        var quiet = false

        @Argument(help: "The release folders.")
        var folders: [String]

        func run() throws {
            let repository = try openRepository()
            for folder in folders {
                guard isFolder(folder) else { throw CommandError.unreadable(folder, errno: ENOTDIR) }
                let added = try repository.add(folder: folder, metaEdits: metaEdits, media: media)
                for path in added.unreadable.keys.sorted() { Console.error("warning: \(added.unreadable[path]!)\n") }
                guard !quiet else { continue }
                let missing = Self.missing(added.description)
                let state = added.unchanged ? "unchanged" : added.parent == nil ? "added" : "updated"
                Console.write("\(state) \(added.name)\(missing.isEmpty ? "" : " (missing: \(missing.joined(separator: ", ")); mkt edit \(added.name) --meta FIELD=VALUE)")\n")
            }
        }

        /// What an upload form needs that the tags did not tell.
        static func missing(_ description: ReleaseDescription) -> [String] {
            var missing: [String] = []
            if description.media == nil { missing.append("media") }
            if description.releaseType == .unknown { missing.append("release-type") }
            if description.year == nil { missing.append("year") }
            if description.encoding == nil { missing.append("encoding") }
            return missing
        }
    }

    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a release's metadata: a new snapshot whose parent is the current one.",
            discussion: "Fields as for 'mkt add --meta'. Prints the new meta object's id."
        )

        @Option(name: .customLong("meta"), help: ArgumentHelp("Set a metadata field (repeatable).", valueName: "FIELD=VALUE"))
        var metaEdits: [String] = []

        @Argument(help: "The release (its name under refs/releases/).")
        var release: String

        func validate() throws {
            if metaEdits.isEmpty { throw ValidationError("nothing to change: give --meta FIELD=VALUE") }
        }

        func run() throws {
            let (_, id, _) = try openRepository().edit(release: release, edits: metaEdits)
            Console.write(id.hex + "\n")
        }
    }
}
