import ArgumentParser
import Foundation
import MKTHTTP
import MKTConfig
import MKTCredentials
import MKTMetadata
import MKTObjects
import MKTSources
import MKTStore
import MKTTorrent
import MKTTrackers
import MKTWorkflow

extension MKT {
    struct Lookup: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Find a release in web metadata sources; print the candidates, best first, as JSON.",
            discussion: """
                REL is a release folder, or a release in the store. Its description (tags, or
                the stored snapshot) is searched for in MusicBrainz; each candidate is scored
                0-100 against it (title, artist, track count, year, catalogue number) and gets
                its release type mapped for the trackers and its front cover from the Cover Art
                Archive (1200 px when there is one). Requests keep to MusicBrainz's one per
                second, shared by every mkt process, name mkt and sources.contact in their
                User-Agent, and are cached in $XDG_CACHE_HOME/mkt/sources. Without network (or
                with --offline, or sources.offline = true) it prints [] and says why on
                standard error: the tags alone stand.
                Discogs (--source discogs) needs a personal token: 'mkt credential set
                discogs'; it keeps to 60 requests a minute and gets Discogs's plain-text
                answers. Last.fm (--source lastfm, an API key: 'mkt credential set lastfm')
                gives the album's tags, which become Gazelle tags when the files name no genre.
                Audible (--source audible) searches its catalogue by title and author for an
                audiobook's ASIN. Audnexus (--source audnexus) answers for an audiobook whose
                ASIN the snapshot holds (--meta asin=): authors, narrators, series, cover and
                chapters.
                Config: [source "musicbrainz"] url, rate-limit; [source "coverartarchive"] url;
                [source "discogs"], [source "lastfm"], [source "audible"], [source "audnexus"]:
                url, rate-limit.
                """
        )

        @Option(help: "The source: mb (MusicBrainz, the default), discogs or lastfm (each needs 'mkt credential set discogs|lastfm'), audible (audiobooks: finds the ASIN), audnexus (audiobooks, by ASIN).")
        var source = "mb"

        @Flag(help: "Ask no web source.")
        var offline = false

        @Option(help: "At most this many candidates.")
        var limit = 5

        @Argument(help: "The release folder, or a release in the store.")
        var release: String

        func validate() throws {
            guard ["mb", "musicbrainz", "discogs", "lastfm", "audible", "audnexus"].contains(source) else {
                throw ValidationError("--source: mb, discogs, lastfm, audible or audnexus")
            }
            guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
        }

        func run() throws {
            let context = try CommandContext(store: .optional)
            let config = context.config
            let local = try Self.description(of: release)
            if try offline || config.bool("sources", "offline") {
                Console.error("lookup: offline; the tags alone stand\n")
                return Console.write("[]\n")
            }
            let candidates: [ReleaseCandidate]
            do {
                if source == "discogs" {
                    let service = try context.source(.discogs, headers: Discogs.headers(token: try context.secret("discogs", .apiKey)))
                    candidates = try Discogs(service: service).candidates(for: local, limit: limit)
                } else if source == "audible" {
                    candidates = try Audible(service: context.source(.audible)).candidates(for: local, limit: limit)
                } else if source == "audnexus" {
                    let service = try context.source(.audnexus)
                    candidates = try Audnexus(service: service).candidates(for: local)
                } else if source == "lastfm" {
                    let key = try context.secret("lastfm", .apiKey)
                    candidates = try LastFM(service: context.source(.lastfm), apiKey: key).candidates(for: local)
                } else {
                    let musicBrainz = MusicBrainz(service: try context.source(.musicbrainz), coverArt: try context.source(.coverartarchive))
                    candidates = try musicBrainz.candidates(for: local, limit: limit)
                }
            } catch let error as CredentialError {
                throw error
            } catch let error as ConfigError {
                throw error
            } catch {
                Console.diagnose(.warning, "\(error); the tags alone stand")
                return Console.write("[]\n")
            }
            Console.write(try JSONSerialization.data(withJSONObject: candidates.map(\.json), options: [.sortedKeys, .withoutEscapingSlashes]))
            Console.write("\n")
        }

        /// The description to look for: the stored snapshot, or the folder's tags.
        static func description(of release: String) throws -> ReleaseDescription {
            if isFolder(release) {
                let scan = try ReleaseScanner.scan(release)
                let (facts, _) = ReleaseAudio.facts(of: scan)
                return ReleaseDescriber.describe(name: scan.tree.name, files: scan.tree.files.map(\.path), facts: facts, media: nil)
            }
            let repository = try openRepository()
            let id = try repository.resolve(release)
            return try repository.objects.readMeta(id).description
        }
    }
}
