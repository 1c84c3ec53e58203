import Foundation
import MKTCatalog
@testable import MKTHTTP
import MKTMetadata
import MKTTestSupport
import MKTTorrent
@testable import MKTTrackers
import Synchronization

/// A Gazelle site (RED's JSON API by default) played by a scripted transport,
/// with a rate limiter on a test clock: the Uploader, the retries and the
/// Pusher run against it in-process, every pause taking no real time. The
/// script is the test's: `transport.queue(…)` per request, or the standing
/// answers below.
public final class ScriptedSite: Sendable {
    public let transport = ScriptedTransport()
    public let clock = TestClock()
    public let site: TrackerSite
    public let credential: String
    public let passkey: String
    public let authkey = "authkey0123456789abcdef"
    /// Where the rate limiter keeps its state.
    public let stateDirectory: String
    private let told = Mutex<[String]>([])

    public init(name: String = "red", family: TrackerFamily = .red, stateDirectory: String,
                credential: String = "red-api-key-0123456789abcdef", passkey: String = "passkey0123456789abcdef0123") {
        site = TrackerSite(
            name: name, family: family, url: "https://\(name).example", source: family.rawValue.uppercased(),
            announceTemplate: "https://flacsfor.example/\(TrackerSite.passkeyPlaceholder)/announce", rateLimit: .init(requests: 10, window: .seconds(10)))
        self.stateDirectory = stateDirectory
        self.credential = credential
        self.passkey = passkey
    }

    /// The secrets the adapters handed to the redaction layer.
    public var protected: [String] { told.withLock { $0 } }

    /// The limiter every uploader of this site shares: its state file, the test clock.
    public var limiter: RateLimiter {
        RateLimiter(statePath: "\(stateDirectory)/\(site.name)", limit: site.rateLimit, now: { [clock] in clock.now() }, sleep: { [clock] in clock.sleep($0) })
    }

    /// An uploader for the site (or for `site`, as the Pusher makes it from the config) through the script.
    public func uploader(for site: TrackerSite? = nil) -> Uploader {
        let connection = TrackerConnection(site: site ?? self.site, credential: credential, limiter: limiter, transport: transport) { secrets in
            self.told.withLock { $0 += secrets }
        }
        return Uploader(adapter: connection.makeAdapter())
    }

    /// A retry policy whose pauses move the test clock.
    public func policy(base: TimeInterval = 2, cap: TimeInterval = 120) -> RetryPolicy {
        RetryPolicy(base: base, cap: cap) { [clock] in
            clock.sleep(seconds: $0)
            return true
        }
    }

    // MARK: - Answers

    /// `index` tells the passkey and authkey; `browse` finds no group.
    public func answersLookups() {
        transport.always("action=index", .gazelle(#"{"passkey":"\#(passkey)","authkey":"\#(authkey)"}"#))
        transport.always("action=browse", .gazelle(#"{"results":[]}"#))
    }

    /// The next upload is taken as torrent `torrentID` in group `groupID`.
    public func takesUpload(torrentID: Int, groupID: Int = 5) {
        transport.queue("action=upload", .gazelle(#"{"torrentid":\#(torrentID),"groupid":\#(groupID)}"#))
    }

    /// The next infohash lookup finds torrent `torrentID`.
    public func finds(torrentID: Int, groupID: Int = 5, infohash: String) {
        transport.queue("action=torrent&", .gazelle(#"{"group":{"id":\#(groupID)},"torrent":{"id":\#(torrentID),"infoHash":"\#(infohash.uppercased())"}}"#))
    }

    /// The next infohash lookup finds nothing.
    public func findsNothing() {
        transport.queue("action=torrent&", .gazelleFailure("bad hash parameter"))
    }

    /// The torrents sent in uploads, parsed.
    public func uploadedTorrents() throws -> [TorrentFile] {
        try transport.sent("action=upload").compactMap { $0.parts("file_input").first }.map { try TorrentFile.parse(Array($0.data), label: "upload") }
    }
}

/// A release and its private torrent for a site, built in memory.
public enum UploadFixture {
    public static var release: ReleaseDescription {
        var release = ReleaseDescription()
        release.artists = ["Fixture Artist"]
        release.artistRoles = ["main": ["Fixture Artist"]]
        release.title = "Fixture Album"
        release.year = 2019
        release.tags = ["electronic"]
        release.format = "FLAC"
        release.encoding = "Lossless"
        release.media = "WEB"
        release.releaseType = .album
        return release
    }

    /// A private v1 torrent of one made-up file, with the site's source flag.
    public static func torrent(name: String = "Fixture Artist - Fixture Album (2019) [FLAC]", source: String) throws -> TorrentFile {
        let info: BencodeDictionary = [
            "length": .integer(40_000), "name": .string(name), "piece length": .integer(16_384),
            "pieces": .bytes(Array(repeating: 0xab, count: 60)), "private": .integer(1), "source": .string(source),
        ]
        return try TorrentFile.parse(Bencode.dictionary(["info": .dictionary(info)]).encoded(), label: "fixture")
    }

    public static func job(for site: TrackerSite, dryRun: Bool = false) throws -> UploadJob {
        UploadJob(
            torrentID: String(repeating: "7", count: 64), torrent: try torrent(source: site.source), release: release,
            metaID: String(repeating: "6", count: 64), dryRun: dryRun)
    }
}
