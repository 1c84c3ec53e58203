import ArgumentParser
import Foundation
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
                User-Agent, and are cached in $XDG_CACHE_HOME/mkt/sources. Without network
                (or with --offline, or sources.offline = true) it prints [] and says why on
                standard error: the tags alone stand.
                Discogs (--source discogs) needs a personal token: 'mkt credential set discogs'; it
                keeps to 60 requests a minute and gets Discogs's plain-text answers.
                Last.fm (--source lastfm, an API key: 'mkt credential set lastfm') gives the album's
                tags, which become Gazelle tags when the files name no genre. Audible (--source
                audible) searches its catalogue by title and author for an audiobook's ASIN.
                Audnexus (--source audnexus) answers for an audiobook whose ASIN the snapshot
                holds (--meta asin=): authors, narrators, series, cover and chapters.
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
            let config = configIfInStore()
            let local = try Self.description(of: release)
            if offline || config.value("sources", "offline") == "true" {
                Console.error("lookup: offline; the tags alone stand\n")
                return Console.write("[]\n")
            }
            let candidates: [ReleaseCandidate]
            do {
                if source == "discogs" {
                    let (token, known) = try SecretSource(helper: config.value("credential", "helper")).secret(tracker: "discogs", kind: .apiKey)
                    Console.protect(known)
                    let service = Self.connection("discogs", default: "https://api.discogs.com", limit: .init(requests: 60, window: .seconds(60)), config: config,
                                                  headers: Discogs.headers(token: token))
                    candidates = try Discogs(service: service).candidates(for: local, limit: limit)
                } else if source == "audible" {
                    candidates = try Audible(service: Self.audible(config)).candidates(for: local, limit: limit)
                } else if source == "audnexus" {
                    let service = Self.connection("audnexus", default: "https://api.audnex.us", limit: .init(requests: 2, window: .seconds(1)), config: config)
                    candidates = try Audnexus(service: service).candidates(for: local)
                } else if source == "lastfm" {
                    let (key, known) = try SecretSource(helper: config.value("credential", "helper")).secret(tracker: "lastfm", kind: .apiKey)
                    Console.protect(known)
                    let service = Self.connection("lastfm", default: "https://ws.audioscrobbler.com", limit: .init(requests: 5, window: .seconds(1)), config: config)
                    candidates = try LastFM(service: service, apiKey: key).candidates(for: local)
                } else {
                    let musicBrainz = MusicBrainz(
                        service: Self.connection("musicbrainz", default: "https://musicbrainz.org", limit: .init(requests: 1, window: .seconds(1)), config: config),
                        coverArt: Self.connection("coverartarchive", default: "https://coverartarchive.org", limit: .init(requests: 5, window: .seconds(1)), config: config))
                    candidates = try musicBrainz.candidates(for: local, limit: limit)
                }
            } catch let error as CredentialError {
                throw error
            } catch {
                Console.error("warning: \(error); the tags alone stand\n")
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

        static func audible(_ config: StoreConfig) -> SourceConnection {
            connection("audible", default: "https://api.audible.com", limit: .init(requests: 2, window: .seconds(1)), config: config)
        }

        static func connection(_ name: String, default url: String, limit: RateLimiter.Limit, config: StoreConfig,
                               headers: [(name: String, value: String)] = [("Accept", "application/json")]) -> SourceConnection {
            let environment = ProcessInfo.processInfo.environment
            let cacheBase = environment["XDG_CACHE_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? "\(NSHomeDirectory())/.cache"
            let contact = config.value("sources", "contact") ?? "set sources.contact in the mkt config"
            return SourceConnection(
                name: name, baseURL: config.value("source", "url", subsection: name) ?? url,
                limit: config.value("source", "rate-limit", subsection: name).flatMap(RateLimiter.Limit.init(parsing:)) ?? limit,
                userAgent: "mkt/\(MKT.version) ( \(contact) )", stateDirectory: PushTracker.stateDirectory, cacheDirectory: "\(cacheBase)/mkt/sources",
                headers: headers)
        }
    }
}
