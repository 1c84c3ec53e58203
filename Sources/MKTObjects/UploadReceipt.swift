import Foundation
import MKTMetadata

/// One upload attempt, as a `receipt` object records it. Receipts are
/// immutable and chained through `previous`, newest last, like commits;
/// `refs/trackers/<tracker>/<release>` points at the newest.
///
/// No secret is ever in a receipt: the key is named by a fingerprint, URLs
/// are the site's public pages, and tracker messages pass the redactor.
public struct UploadReceipt: Codable, Equatable, Sendable {
    public enum Outcome: String, Codable, Sendable {
        /// The site has the torrent (uploaded now, or found there already).
        case success
        /// An earlier attempt's outcome was unknown; a lookup found the torrent on the site.
        case recovered
        /// The site had this edition already, in a torrent made elsewhere whose every
        /// piece matches the local files: that torrent (`siteTorrent`) is the one to
        /// seed, and nothing was uploaded.
        case adopted
        /// Everything short of the upload itself went through (RED checks the form too).
        case dryRun = "dry-run"
        /// The site said no, or mkt refused before asking: resending the same cannot help.
        case rejected
        /// Nothing reached the site, or it answered "not now": safe to try again.
        case failed
        /// The upload may or may not have been taken: look the infohash up before resending.
        case outcomeUnknown = "outcome-unknown"
        /// The site has no upload API: mkt wrote the upload kit (`kit`) for the
        /// user to upload by hand; nothing was sent. Adopting the upload follows it with a success.
        case prepared
    }

    public enum Category: String, Codable, CaseIterable, Sendable {
        case auth, rateLimit = "rate-limit", validation, duplicate, server, network, outcomeUnknown = "outcome-unknown", local
    }

    public var tracker: String
    /// The site's address (scheme and host).
    public var site: String
    /// The `torrent` object that was sent (without announce), and its infohash.
    public var torrent: String
    public var infohash: String
    public var meta: String?
    /// `sha256:` and the first 16 hex digits of a hash of the API key or cookie: which key, never the key.
    public var key: String?
    /// 1 for a first attempt, one more than `previous`'s otherwise.
    public var attempt: Int
    public var previous: String?
    /// Milliseconds since the epoch.
    public var started: Int64
    public var finished: Int64
    public var outcome: Outcome
    public var category: Category?
    public var message: String?
    /// The form field a validation error is about.
    public var field: String?
    public var httpStatus: Int?
    public var siteTorrentID: Int?
    public var siteGroupID: Int?
    /// The torrent's page on the site.
    public var url: String?
    public var warnings: [String]
    /// HTTP requests made, and time spent waiting for the rate limit.
    public var requests: Int
    public var rateLimitWaitMilliseconds: Int64
    /// The site changed the torrent (source or private flag); seed `siteTorrent`, not `torrent`.
    public var rewritten: Bool
    public var siteInfohash: String?
    /// The site's copy of the torrent, stored without its announce URL.
    public var siteTorrent: String?
    /// The BitTorrent client the torrent was handed to after the upload, and
    /// why it is not seeding if it is not (nil: it is).
    public var seedClient: String?
    public var seedError: String?
    /// Where the torrent was dropped for a client that cannot be asked (a
    /// watch folder: `watch folder DIR`); such a torrent is never called seeding.
    public var seedHandedTo: String?
    /// The folder the upload kit of a `prepared` receipt was written to.
    public var kit: String?

    public init(tracker: String, site: String, torrent: String, infohash: String, attempt: Int, started: Int64) {
        self.tracker = tracker
        self.site = site
        self.torrent = torrent
        self.infohash = infohash
        self.attempt = attempt
        self.started = started
        self.finished = started
        self.outcome = .outcomeUnknown
        self.warnings = []
        self.requests = 0
        self.rateLimitWaitMilliseconds = 0
        self.rewritten = false
    }

    /// The number of the attempt after this one (clamped, like the duration).
    public var nextAttempt: Int { attempt == .max ? .max : attempt + 1 }

    /// Clamped: a receipt is read from an object anyone could have written.
    public var durationMilliseconds: Int64 { finished.clampedSubtracting(started) }

    /// The site has the torrent (or, adopted, one with the very same pieces).
    public var succeeded: Bool { outcome == .success || outcome == .recovered || outcome == .adopted }

    /// The torrent object a client seeds: the site's copy when the site changed ours (ours if
    /// that copy could not be kept), the site's torrent when it was adopted (nil if not kept), else ours.
    public var seededTorrent: String? {
        if outcome == .adopted { return siteTorrent }
        return rewritten ? siteTorrent ?? torrent : torrent
    }

    /// Trying again may help: a network failure, a rate limit, a server error,
    /// or an unknown outcome (after a lookup). Rejections are final.
    public var isRetryable: Bool { outcome == .failed || outcome == .outcomeUnknown }

    /// Canonical JSON: sorted keys, no absent fields.
    public func objectBody() -> Data {
        ObjectJSON.encode(self)
    }

    public init(objectBody: Data) throws(ObjectFormatError) {
        if let fields = FlatJSON.parse(objectBody), let receipt = Self(fields) {
            self = receipt
            return
        }
        self = try ObjectJSON.decode(Self.self, from: objectBody, object: .receipt)
    }

    /// The fast path of `init(objectBody:)`: nil unless every field is there
    /// with its type and no other key is (JSONDecoder then decides).
    init?(_ fields: [String: FlatJSON.Value]) {
        var used = 0
        func string(_ key: String) -> String?? {
            switch fields[key] {
            case .string(let text)?: used += 1; return .some(text)
            case nil: return .some(nil)
            case .null?: used += 1; return .some(nil)
            default: return nil
            }
        }
        func integer(_ key: String) -> Int64?? {
            switch fields[key] {
            case .integer(let number)?: used += 1; return .some(number)
            case nil: return .some(nil)
            case .null?: used += 1; return .some(nil)
            default: return nil
            }
        }
        guard let tracker = string("tracker").flatMap({ $0 }), let site = string("site").flatMap({ $0 }),
            let torrent = string("torrent").flatMap({ $0 }), let infohash = string("infohash").flatMap({ $0 }),
            let attempt = integer("attempt").flatMap({ $0 }).flatMap({ Int(exactly: $0) }), let started = integer("started").flatMap({ $0 }),
            let finished = integer("finished").flatMap({ $0 }), let outcomeText = string("outcome").flatMap({ $0 }),
            let outcome = Outcome(rawValue: outcomeText), let requests = integer("requests").flatMap({ $0 }).flatMap({ Int(exactly: $0) }),
            let wait = integer("rateLimitWaitMilliseconds").flatMap({ $0 }),
            case .bool(let rewritten)? = fields["rewritten"], case .strings(let warnings)? = fields["warnings"],
            let meta = string("meta"), let key = string("key"), let previous = string("previous"), let categoryText = string("category"),
            let message = string("message"), let field = string("field"), let status = integer("httpStatus"),
            let torrentID = integer("siteTorrentID"), let groupID = integer("siteGroupID"), let url = string("url"),
            let siteInfohash = string("siteInfohash"), let siteTorrent = string("siteTorrent"),
            let seedClient = string("seedClient"), let seedError = string("seedError"), let seedHandedTo = string("seedHandedTo"),
            let kit = string("kit")
        else { return nil }
        used += 2
        guard used == fields.count else { return nil }
        self.init(tracker: tracker, site: site, torrent: torrent, infohash: infohash, attempt: attempt, started: started)
        self.finished = finished
        self.outcome = outcome
        self.requests = requests
        self.rateLimitWaitMilliseconds = wait
        self.rewritten = rewritten
        self.warnings = warnings
        self.meta = meta
        self.key = key
        self.previous = previous
        if let categoryText {
            guard let category = Category(rawValue: categoryText) else { return nil }
            self.category = category
        }
        self.message = message
        self.field = field
        self.httpStatus = status.flatMap { Int(exactly: $0) }
        self.siteTorrentID = torrentID.flatMap { Int(exactly: $0) }
        self.siteGroupID = groupID.flatMap { Int(exactly: $0) }
        self.url = url
        self.siteInfohash = siteInfohash
        self.siteTorrent = siteTorrent
        self.seedClient = seedClient
        self.seedError = seedError
        self.seedHandedTo = seedHandedTo
        self.kit = kit
    }

    /// One line for people: `success: https://…/torrents.php?torrentid=5 (1.2 s)`.
    public var summary: String {
        var text = outcome.rawValue
        // `outcome-unknown (outcome-unknown)` would say one thing twice.
        if let category, !succeeded, category.rawValue != outcome.rawValue { text += " (\(category.rawValue))" }
        if let message { text += ": \(message)" }
        if let url { text += (message == nil ? ": " : " ") + url }
        if let kit { text += "; upload kit in \(kit)" }
        if let seedClient { text += seedError.map { "; not seeding: \($0)" } ?? seedHandedTo.map { "; handed to \($0)" } ?? "; seeding in \(seedClient)" }
        return text
    }
}
