import ArgumentParser
import Foundation
import MKTArchive
import MKTConfig
import MKTCredentials
import MKTMetadata
import MKTSources
import MKTStore
import MKTTorrent
import MKTWorkflow
import Synchronization

extension MKT {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record release folders in the store: hash them once, read their tags, snapshot their metadata.",
            discussion: """
                For each DIR: scan the files, read the tags, clean and classify them, hash the
                pieces (once: an unchanged folder is not read again; a touched or copied one is
                hashed to prove it unchanged), and store a meta snapshot as refs/releases/NAME,
                where NAME comes from the folder's name. Adding a folder again after it changed
                makes a new snapshot whose parent is the old one.

                On a terminal, mkt shows what it found and asks only for what it could not
                tell: the media, a release type, an encoding (an unknown VBR preset), and the
                trackers to queue the release for. Nothing is stored before the answers;
                Ctrl-C leaves the store as it was. --yes (or no terminal) asks nothing.

                --meta FIELD=VALUE sets what the tags do not say or say wrong (repeatable):
                media=CD, release-type=EP, year=2019, catalogue-number=…, artists=A,B, …
                --tracker T queues the release for T ('mkt push --queue' uploads it).
                A DIR may be an archive (.zip, .tar, .tar.gz, .7z, …) with --extract-to: it is
                unpacked there first, refusing absolute paths, '..', links, and more than
                --max-extract-size bytes; nothing is left behind when it is refused.
                Prints one line per release: its name, and what is still missing.

                Examples:
                  mkt add '~/music/Artist - Album (2020) [FLAC]'
                  mkt add --yes --meta media=WEB --meta release-type=Album DIR
                  mkt add --tracker red --tracker ops DIR
                """
        )

        @Option(name: .customLong("meta"), help: ArgumentHelp("Set a metadata field (repeatable).", valueName: "FIELD=VALUE"))
        var metaEdits: [String] = []

        @Option(help: "Where the audio came from: CD, WEB, Vinyl, … (otherwise read from the folder name).")
        var media: String?

        @Option(name: .customLong("tracker"), help: ArgumentHelp("Queue the release for this tracker (repeatable).", valueName: "TRACKER"))
        var trackers: [String] = []

        @Option(help: ArgumentHelp("Where to unpack a release given as an archive (.zip, .tar[.gz|.xz|…], .7z).", valueName: "DIR"))
        var extractTo: String?

        @Option(help: ArgumentHelp("The most an archive may unpack to, in bytes.", valueName: "BYTES"))
        var maxExtractSize: Int64 = ArchiveExtractor().maximumBytes

        @Flag(help: "Look the release up in MusicBrainz and take the release type, label, catalogue number and cover URL from the match (default: sources.lookup).")
        var lookup = false

        @Flag(help: "Ask no web source, whatever the config says.")
        var offline = false

        @Flag(name: .shortAndLong, help: "Ask nothing: what is unknown stays unknown.")
        var yes = false

        @Flag(name: .shortAndLong, help: "Print nothing but errors.")
        var quiet = false

        @Argument(help: "The release folders.")
        var folders: [String]

        func run() throws {
            let context = try CommandContext(store: .required)
            let repository = try context.store
            let interactive = !yes && isatty(0) == 1 && isatty(2) == 1
            // Progress is redrawn for a person watching a terminal (with --yes too);
            // into a file or pipe it is a line every 10 s, once hashing takes that long.
            let onTerminal = isatty(2) == 1, quiet = quiet
            for tracker in trackers { _ = try repository.config.tracker(tracker) }
            var queued: [(name: String, meta: ObjectID, trackers: [String])] = []
            let current = Mutex<(folder: String, added: Int)>(("", 0))
            StopOnInterrupt.exitSaying {
                let (folder, added) = current.withLock { $0 }
                return "interrupted: \(folder) was not added" + (added > 0 ? " (the \(added) before it were)" : "") + "; the store is as it was before it"
            }
            for (index, argument) in folders.enumerated() {
                current.withLock { $0 = (argument, index) }
                let folder = try unpackedIfArchive(argument)
                let told = Mutex(false)
                let beforeHashing = { @Sendable (scan: ReleaseScan) -> (@Sendable (Int64) -> Void)? in
                    if !told.withLock({ done in defer { done = true }; return done }) { Self.sayBeforeHashing(scan, quiet: quiet) }
                    return quiet ? nil : Self.progress(total: scan.tree.totalSize, onTerminal: onTerminal)
                }
                // A folder added before whose stat data changed (touched, copied) is hashed here, to tell whether it changed.
                var prepared = try repository.prepareAdd(folder: folder, media: media, progress: { beforeHashing($0) ?? { _ in } })
                if !quiet && onTerminal { Console.error("\r\u{1B}[K") }
                guard prepared.tree.files.contains(where: { ReleaseRules.isAudio($0.path) }) else { throw CommandError.noAudio(folder: folder) }
                for path in prepared.unreadable.keys.sorted() { Console.diagnose(.warning, prepared.unreadable[path].map { "\($0)" } ?? path) }
                var edits = Repository.withReleaseType(try context.config.string("add", "release-type"), edits: metaEdits, for: prepared.description)
                var pushTo = trackers
                let lookUp = try !offline && (lookup || repository.config.bool("sources", "lookup"))
                do {
                    if lookUp && (prepared.unchangedDescription == nil || !edits.isEmpty) {
                        prepared.description = try Self.lookedUp(prepared.description, edits: edits, interactive: interactive, context: context)
                        prepared.description = try Self.completed(prepared.description, edits: edits, ownCover: Self.ownCover(prepared), context: context)
                    }
                    if interactive && (prepared.unchangedDescription == nil || !edits.isEmpty) {
                        let preview = try MetaEdit.apply(edits, to: prepared.description)
                        Self.show(prepared, preview)
                        edits += try Self.ask(about: preview)
                        if pushTo.isEmpty { pushTo = try Self.askTrackers(repository.config.trackers.configured) }
                    }
                } catch is EndOfInput {
                    throw CommandError.noAnswer(folder: folder)
                }
                let added = try repository.commitAdd(prepared, edits: edits, progress: beforeHashing(prepared.scan))
                if !quiet && onTerminal { Console.error("\r\u{1B}[K") }
                if !pushTo.isEmpty { queued.append((added.name, added.metaID, pushTo)) }
                guard !quiet else { continue }
                let missing = Self.missing(added.description)
                let state = added.unchanged ? "unchanged" : added.parent == nil ? "added" : "updated"
                let namesake = added.namesake.map { " (\($0.name) is another folder: \($0.folder))" } ?? ""
                Console.write("\(state) \(added.name)\(namesake)\(missing.isEmpty ? "" : " (missing: \(missing.joined(separator: ", ")); mkt edit \(added.name) --meta FIELD=VALUE)")\n")
            }
            guard !queued.isEmpty else { return }
            let pusher = Pusher(repository: repository, settings: Pusher.Settings(), uploader: context.uploader(), report: { result in
                Console.write("\(result.tracker) \(result.release): \(result.summary)\n")
            }, notice: { Console.error($0 + "\n") })
            var jobs = 0
            for release in queued {
                let settled = try pusher.enqueue(trackers: release.trackers, releases: [(release.name, release.meta)])
                jobs += release.trackers.count - settled.count
            }
            if !quiet && jobs > 0 { Console.write("queued: 'mkt push --queue' uploads (see 'mkt queue')\n") }
            if jobs == 0 { Console.diagnose(.hint, "nothing was queued: fix what is refused above (mkt edit NAME --meta FIELD=VALUE), then mkt push") }
        }

        /// The description with the best MusicBrainz match merged in: picked by
        /// the user on a terminal, otherwise only when it is clearly the one
        /// (score 90 or more, and 10 ahead of the next).
        static func lookedUp(_ description: ReleaseDescription, edits: [String], interactive: Bool, context: CommandContext) throws -> ReleaseDescription {
            let musicBrainz = MusicBrainz(service: try context.source(.musicbrainz), coverArt: try context.source(.coverartarchive))
            let candidates: [ReleaseCandidate]
            do {
                candidates = try musicBrainz.candidates(for: try MetaEdit.apply(edits, to: description), limit: 3)
            } catch {
                Console.diagnose(.warning, "\(error); the tags alone stand")
                return description
            }
            guard let best = candidates.first else {
                Console.error("note: MusicBrainz knows no such release; the tags alone stand\n")
                return description
            }
            if interactive {
                var text = "MusicBrainz:\n"
                for (index, candidate) in candidates.enumerated() {
                    let details = [candidate.year.map(String.init), candidate.catalogueNumber, candidate.releaseType.rawValue, candidate.media, "\(candidate.trackCount) tracks"]
                        .compactMap { $0 }.joined(separator: ", ")
                    text += "    \(index + 1)) \(candidate.artists.joined(separator: ", ")) - \(candidate.title) (\(details))  score \(candidate.score)\n"
                }
                Console.error(text)
                while true {
                    let answer = try prompt("Use which (1-\(candidates.count), 0 for none) [1]: ")
                    guard let choice = answer.isEmpty ? 1 : Int(answer), (0...candidates.count).contains(choice) else { continue }
                    return choice == 0 ? description : candidates[choice - 1].merged(into: description)
                }
            }
            guard let clear = ReleaseCandidate.clearMatch(candidates) else {
                Console.error("note: no clear MusicBrainz match (best \(best.score), next \(candidates.dropFirst().first?.score ?? 0)); see 'mkt lookup', then --meta\n")
                return description
            }
            return clear.merged(into: description)
        }

        /// What the other sources add after MusicBrainz: what is still unknown
        /// from Discogs's clear match when a Discogs token is at hand; an
        /// audiobook's ASIN from Audible's catalogue (a clear match), then its
        /// people and series from Audnexus;
        /// Last.fm's tags when the files name no genre and a Last.fm key is at
        /// hand; and the release's own cover on the image host
        /// (`imagehost.name`), which then comes before any web source's.
        static func completed(_ description: ReleaseDescription, edits: [String], ownCover: (data: Data, name: String)?, context: CommandContext) throws(ConfigError) -> ReleaseDescription {
            var result = description
            guard var edited = try? MetaEdit.apply(edits, to: description) else { return result }
            let gaps = edited.releaseType == .unknown || edited.label == nil || edited.catalogueNumber == nil || edited.year == nil || edited.coverURL == nil
            if edited.category != "Audiobooks", gaps, let token = try? context.secret("discogs", .apiKey) {
                let service = try context.source(.discogs, headers: Discogs.headers(token: token))
                do {
                    let candidates = try Discogs(service: service).candidates(for: edited, limit: 3)
                    if let best = ReleaseCandidate.clearMatch(candidates) {
                        var checked = best
                        if let cover = best.cover, !service.isImage(cover) { checked.cover = nil }
                        result = checked.merged(into: result, onlyGaps: true)
                        edited = checked.merged(into: edited, onlyGaps: true)
                    }
                } catch {
                    Console.diagnose(.warning, "\(error)")
                }
            }
            if edited.asin == nil, edited.category == "Audiobooks" {
                // Audible's catalogue finds the ASIN that Audnexus needs.
                do {
                    if let best = Audible.clearMatch(try Audible(service: try context.source(.audible)).candidates(for: edited, limit: 3)) {
                        result = best.merged(into: result)
                        edited = best.merged(into: edited)
                    }
                } catch {
                    Console.diagnose(.warning, "\(error)")
                }
            }
            if edited.asin != nil {
                let service = try context.source(.audnexus)
                do {
                    if let book = try Audnexus(service: service).candidates(for: edited).first { result = book.merged(into: result) }
                } catch {
                    Console.diagnose(.warning, "\(error)")
                }
            }
            if edited.tags.isEmpty, let key = try? context.secret("lastfm", .apiKey) {
                let service = try context.source(.lastfm)
                do {
                    if let album = try LastFM(service: service, apiKey: key).candidates(for: edited).first { result = album.merged(into: result) }
                } catch {
                    Console.diagnose(.warning, "\(error)")
                }
            }
            if let host = try context.config.string("imagehost", "name").flatMap(WebSource.init(rawValue:)), let ownCover {
                let service = try context.source(host)
                do {
                    let key = try context.secret(host.rawValue, .apiKey)
                    result.coverURL = try ImageHost(service: service, apiKey: key).upload(ownCover.data, name: ownCover.name)
                    result.provenance = (result.provenance ?? [:]).merging(["coverURL": "\(host.rawValue):\(ownCover.name)"]) { $1 }
                } catch {
                    Console.diagnose(.warning, "the cover was not uploaded: \(error)")
                }
            }
            return result
        }

        /// The release's own cover, as the description chose it (an embedded
        /// front cover, a cover-named image, any embedded picture, the only
        /// image): its bytes, and its name in the snapshot.
        static func ownCover(_ prepared: PreparedRelease) -> (data: Data, name: String)? {
            guard let cover = prepared.description.cover else { return nil }
            let embedded = cover.hasPrefix("embedded:")
            let path = embedded ? String(cover.dropFirst("embedded:".count)) : cover
            guard let file = prepared.tree.files.first(where: { $0.path == path }) else { return nil }
            let location = prepared.scan.location(of: file)
            guard embedded else { return FileManager.default.contents(atPath: location).map { ($0, cover) } }
            guard let pictures = try? AudioProbe.probe(path: location).pictures,
                let picture = pictures.first(where: { $0.type == 3 && !$0.data.isEmpty }) ?? pictures.first(where: { !$0.data.isEmpty })
            else { return nil }
            return (Data(picture.data), cover)
        }

        /// The folder itself, or the folder an archive was unpacked into.
        func unpackedIfArchive(_ path: String) throws -> String {
            if isFolder(path) { return path }
            guard FileManager.default.fileExists(atPath: path) else { throw CommandError.unreadable(path, errno: ENOENT) }
            guard let extractTo else {
                throw ValidationError("\(path) is not a folder; for an archive, say where to unpack it with --extract-to DIR")
            }
            var extractor = ArchiveExtractor()
            extractor.maximumBytes = maxExtractSize
            let folder = try extractor.extract(path, into: extractTo)
            if !quiet { Console.error("unpacked \(path) into \(folder)\n") }
            return folder
        }

        /// What an upload form needs that the tags did not tell.
        static func missing(_ description: ReleaseDescription) -> [String] {
            var missing: [String] = []
            if description.media == nil { missing.append("media") }
            if description.releaseType == .unknown { missing.append("release-type") }
            if description.year == nil { missing.append("year") }
            if description.encoding == nil { missing.append("encoding") }
            if description.tags.isEmpty { missing.append("tags") }
            if description.releaseTypeIsGuess { missing.append("release-type (\(description.releaseType.rawValue) is a guess)") }
            return missing
        }

        static func show(_ prepared: PreparedRelease, _ description: ReleaseDescription) {
            let audio = prepared.tree.files.filter { ReleaseRules.isAudio($0.path) }.count
            let rows: [(String, String?)] = [
                ("artists", description.artists.joined(separator: ", ")), ("title", description.title),
                ("year", description.year.map(String.init)), ("label", description.label), ("catalogue", description.catalogueNumber),
                ("format", [description.format, description.encoding].compactMap { $0 }.joined(separator: " ")),
                ("media", description.media), ("type", description.releaseType == .unknown ? nil : description.releaseType.rawValue),
                ("files", "\(audio) audio of \(prepared.tree.files.count), \(ByteCountFormatter.string(fromByteCount: prepared.tree.totalSize, countStyle: .file))"),
            ]
            var text = "\(prepared.tree.name)\n"
            for (label, value) in rows {
                guard let value, !value.isEmpty else { continue }
                let guessed = label == "type" && description.releaseTypeIsGuess ? " (a guess)" : ""
                text += "    \(label.padding(toLength: 10, withPad: " ", startingAt: 0))\(value)\(guessed)\n"
            }
            for problem in description.problems { text += "    note      \(problem)\n" }
            Console.error(text)
        }

        /// Questions for what an upload form needs and neither the files nor
        /// the edits gave; each answer is checked as `--meta` would check it
        /// (a word no site takes is asked again, with the nearest). A guessed
        /// release type is offered as the default: Enter confirms it. An empty
        /// answer leaves a field unknown, and a push says what is missing.
        static func ask(about description: ReleaseDescription) throws -> [String] {
            var edits: [String] = []
            let types = ReleaseType.allCases.filter { $0 != .unknown }.map(\.rawValue).joined(separator: ", ")
            let guess = description.releaseTypeIsGuess ? description.releaseType.rawValue : nil
            let questions: [(field: String, prompt: String, needed: Bool, confirming: String?)] = [
                ("artists", "Artists (comma-separated)", description.artists.isEmpty, nil),
                ("title", "Album title", description.title == nil, nil),
                ("year", "Year of this edition", description.year == nil, nil),
                ("media", "Media (CD, WEB, Vinyl, SACD, DVD, BD, Soundboard, Cassette, DAT)", description.media == nil, nil),
                ("release-type", "Release type (\(types))" + (guess.map { " [\($0), mkt's guess; Enter takes it]" } ?? ""),
                 description.releaseType == .unknown || guess != nil, guess),
                ("encoding", "Encoding (Lossless, 24bit Lossless, 320, V0 (VBR), V2 (VBR), …)", description.encoding == nil, nil),
                ("tags", "Genre tags (comma-separated: rock, electronic, hip.hop, …)", description.tags.isEmpty, nil),
            ]
            for question in questions where question.needed {
                while true {
                    var answer = try prompt(question.prompt + ": ")
                    if answer.isEmpty, let confirmed = question.confirming { answer = confirmed }
                    let edit = "\(question.field)=\(answer)"
                    do {
                        _ = try MetaEdit.apply([edit], to: description)
                        if !answer.isEmpty { edits.append(edit) }
                        break
                    } catch {
                        Console.error("\(error)\n")
                    }
                }
            }
            return edits
        }

        static func askTrackers(_ configured: [String]) throws -> [String] {
            guard !configured.isEmpty else { return [] }
            while true {
                let answer = try prompt("Queue for which trackers (\(configured.joined(separator: " ")); empty for none): ")
                let names = answer.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
                if let unknown = names.first(where: { !configured.contains($0) }) {
                    Console.error("'\(unknown)' is not a configured tracker\n")
                    continue
                }
                return names
            }
        }

        static func prompt(_ text: String) throws -> String {
            Console.error(text)
            guard let line = readLine() else { throw EndOfInput() }
            return line.trimmingCharacters(in: .whitespaces)
        }

        /// Input ended before an answer (Ctrl-D); `run` names the folder.
        struct EndOfInput: Error, CustomStringConvertible {
            var description: String { "no answer (end of input)" }
        }

        /// What takes long is said before it starts: a release past 1 GiB
        /// gets a line with its size (`hashing NAME: 3 files, 1.1 TB`), and
        /// each sparse file a warning, quiet or not.
        static func sayBeforeHashing(_ scan: ReleaseScan, quiet: Bool) {
            let bytes = { (count: Int64) in ByteCountFormatter.string(fromByteCount: count, countStyle: .file) }
            for path in scan.sparse {
                let file = scan.tree.files.first { ReleaseTree.same($0.path, path) }
                Console.diagnose(.warning, "\(scan.tree.isSingleFile ? scan.root : "\(scan.root)/\(path)") is a sparse file (\(bytes(file?.size ?? 0)), mostly holes): a release almost never holds one, and hashing reads every byte")
            }
            if !quiet && scan.tree.totalSize > 1 << 30 {
                Console.error("hashing \(scan.tree.name): \(counted(scan.tree.files.count, "file")), \(bytes(scan.tree.totalSize))\n")
            }
        }

        /// `hashing  42%  1.2 GB of 2.9 GB  812 MB/s  0:03 left` on stderr: on
        /// a terminal one line redrawn (the rest of it cleared) at most ten
        /// times a second; into a file or pipe, a line every 10 s, for logs.
        static func progress(total: Int64, onTerminal: Bool) -> @Sendable (Int64) -> Void {
            let start = ContinuousClock.now
            let every: Duration = onTerminal ? .milliseconds(100) : .seconds(10)
            let lastDrawn = Mutex<ContinuousClock.Instant?>(onTerminal ? nil : start)
            return { done in
                let now = ContinuousClock.now
                let draw = lastDrawn.withLock { last in
                    guard last.map({ now - $0 >= every }) ?? true else { return false }
                    last = now
                    return true
                }
                guard draw else { return }
                let seconds = max(0.001, Double((now - start).components.attoseconds) / 1e18 + Double((now - start).components.seconds))
                let line = MKT.progressLine(done: done, total: total, seconds: seconds)
                Console.error(onTerminal ? "\r" + line + "\u{1B}[K" : line + "\n")
            }
        }
    }

    /// The hashing line's text: done and total in bytes, the rate, the time left.
    static func progressLine(done: Int64, total: Int64, seconds: Double) -> String {
        let fraction = total > 0 ? min(1, max(0, Double(done) / Double(total))) : 1
        let rate = Double(max(0, done)) / max(seconds, 0.001)
        let bytes = { (count: Int64) in ByteCountFormatter.string(fromByteCount: count, countStyle: .file) }
        var line = String(format: "hashing %3d%%  ", Int(fraction * 100)) + "\(bytes(max(0, done))) of \(bytes(max(0, total)))  \(bytes(Int64(min(rate, 1e15))))/s"
        if rate > 0, fraction < 1 {
            let left = Int(min(Double(max(0, total - done)) / rate, 359_999))
            line += String(format: "  %d:%02d left", left / 60, left % 60)
        }
        return line
    }

    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a release's metadata: a new snapshot whose parent is the current one.",
            discussion: """
                Fields as for 'mkt add --meta'. Prints the new meta object's id; when the
                fields already hold those values, nothing is stored and the current id is
                printed.

                Examples:
                  mkt edit artist-album-2020-flac --meta year=2020 --meta genres=Rock
                  mkt edit artist-album-2020-flac --meta 'encoding=V0 (VBR)'
                """
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
