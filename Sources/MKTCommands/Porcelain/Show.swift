import ArgumentParser
import Foundation
import MKTCatalog
import MKTConfig
import MKTMetadata
import MKTObjects
import MKTStore
import MKTTrackers
import MKTWorkflow

extension MKT {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a release as it will be sent: each field and where it came from, each tracker's form, the edits.",
            discussion: """
                Like 'git show' for a release: its current meta snapshot, one line per field
                with where the value came from (the files, you: an answer, --meta or 'mkt
                edit', a web source, or mkt's guess), then for each configured tracker the
                form fields an upload would send (never a key; files by name and size) and the
                torrent description its template makes, in full, then
                the snapshots newest first with the fields each changed.

                Examples:
                  mkt show artist-album-2020-flac
                  mkt show --tracker red artist-album-2020-flac
                """
        )

        @Option(name: .customLong("tracker"), help: ArgumentHelp("Only this tracker's form (repeatable; default: every configured tracker).", valueName: "TRACKER"))
        var trackers: [String] = []

        @Argument(help: "The release (its name under refs/releases/).")
        var release: String

        func run() throws {
            let repository = try openRepository()
            let name = shortReleaseName(release)
            guard let snapshot = try repository.snapshot(named: "refs/releases/\(name)") else { throw WorkflowError.unknownRelease(release) }
            let description = snapshot.description
            let stored = try repository.release(named: snapshot.pieces.hex)
            var fromFiles: ReleaseDescription?
            if let root = try? stored.knownFolder() {
                let facts = ReleaseAudio.facts(of: stored.tree, root: root).facts
                fromFiles = ReleaseDescriber.describe(name: stored.tree.name, files: stored.tree.files.map(\.path), facts: facts, media: nil)
            }
            var text = "release \(name)\nmeta    \(try repository.resolve("refs/releases/\(name)").hex)\nfolder  \((try? stored.knownFolder()) ?? "(not on this machine)")\n\n"
            for field in Self.fields {
                let value = field.value(description)
                guard !value.isEmpty else { continue }
                let origin = Self.origin(of: field, in: description, files: fromFiles)
                text += "    \(field.name.padding(toLength: 17, withPad: " ", startingAt: 0))\(value)  (\(origin))\n"
            }
            let names = trackers.isEmpty ? repository.config.trackers.configured : trackers
            for tracker in names {
                let site = try repository.config.tracker(tracker)
                text += "\n\(tracker) would receive (\(site.family.rawValue) form):\n"
                do {
                    let torrentDescription: String?
                    if site.family.takesUploads {
                        let sourceURL = try snapshot.derived.flatMap { try repository.sourceGroup(of: $0, tracker: tracker)?.url }
                        torrentDescription = try repository.torrentDescription(
                            tracker: tracker, snapshot: snapshot, stored: stored, sourceURL: sourceURL, spectrals: try Self.spectrals(repository.config))
                    } else {
                        torrentDescription = nil
                    }
                    let form = !site.family.takesUploads ? try UploadKit.fastFillFields(description)
                        : site.family == .unit3d
                        ? UploadForm.unit3d(description, name: stored.tree.name, categoryID: site.categoryID ?? 0, typeID: site.typeID ?? 0, torrentDescription: torrentDescription)
                        : try UploadForm.gazelle(description, site: site, groupID: nil, dryRun: false, logs: [], torrentDescription: torrentDescription)
                    for line in MultipartField.preview(form, limit: 120) { text += "    \(line)\n" }
                    if let torrentDescription {
                        text += Self.torrentDescriptionBlock(torrentDescription)
                    }
                } catch {
                    text += "    refused before sending: \(error)\n"
                }
            }
            text += "\nsnapshots, newest first:\n"
            var current: (id: ObjectID, snapshot: MetaSnapshot)? = (try repository.resolve("refs/releases/\(name)"), snapshot)
            var seen = Set<ObjectID>()
            while let (id, shown) = current, seen.insert(id).inserted {
                let parent = try shown.parent.map { ($0, try repository.objects.readMeta($0)) }
                let changed = parent.map { old in Self.fields.filter { $0.value(old.1.description) != $0.value(shown.description) }.map(\.name) }
                text += "    \(id.hex.prefix(12))  " + (changed.map { $0.isEmpty ? "no field changed" : "changed " + $0.joined(separator: ", ") } ?? "as added") + "\n"
                current = parent
            }
            Console.write(text)
        }

        /// A torrent description under its heading, each line indented, as `show` and `push --dry-run` print it.
        static func torrentDescriptionBlock(_ text: String) -> String {
            "  torrent description:\n" + text.split(separator: "\n", omittingEmptySubsequences: false).map { "    \($0)\n" }.joined()
        }

        /// The spectrogram links a description shows before a push has uploaded them.
        static func spectrals(_ config: Config) throws -> SpectrogramLinks {
            guard try config.bool("push", "spectrals") else { return .off }
            return .toUpload(host: try config.string("imagehost", "name") ?? "the image host (imagehost.name is not set)")
        }

        struct Field: Sendable {
            let name: String
            /// The description's key, as `provenance` names it.
            let key: String
            let value: @Sendable (ReleaseDescription) -> String
        }

        static let fields: [Field] = [
            Field(name: "artists", key: "artists") { $0.artists.joined(separator: ", ") },
            // The artists a Gazelle form sends, by role: what the site will file the group under.
            Field(name: "credits", key: "artistRoles") { description in
                UploadForm.importance.compactMap { role in
                    description.artistRoles[role.role].flatMap { $0.isEmpty ? nil : "\(role.role) (\(role.value)): \($0.joined(separator: ", "))" }
                }.joined(separator: "; ")
            },
            Field(name: "title", key: "title") { $0.title ?? "" },
            Field(name: "year", key: "year") { $0.year.map(String.init) ?? "" },
            Field(name: "original-year", key: "originalYear") { $0.originalYear.map(String.init) ?? "" },
            Field(name: "label", key: "label") { $0.label ?? "" },
            Field(name: "catalogue-number", key: "catalogueNumber") { $0.catalogueNumber ?? "" },
            Field(name: "media", key: "media") { $0.media ?? "" },
            Field(name: "format", key: "format") { $0.format ?? "" },
            Field(name: "encoding", key: "encoding") { $0.encoding ?? "" },
            Field(name: "release-type", key: "releaseType") { $0.releaseType == .unknown ? "" : $0.releaseType.rawValue },
            Field(name: "genres", key: "genres") { $0.genres.joined(separator: ", ") },
            Field(name: "tags", key: "tags") { $0.tags.joined(separator: ", ") },
            Field(name: "category", key: "category") { $0.category },
            Field(name: "cover-url", key: "coverURL") { $0.coverURL ?? "" },
        ]

        /// Where a field's value came from: a source the snapshot names, else
        /// the files when a fresh reading of them says the same, else the user.
        static func origin(of field: Field, in description: ReleaseDescription, files: ReleaseDescription?) -> String {
            if let source = description.provenance?[field.key] { return source == ReleaseDescription.guessed ? "mkt's guess: confirm it" : source }
            guard let files else { return "files or you (the folder is not here to tell)" }
            return field.value(files) == field.value(description) ? "files" : "you"
        }
    }
}
