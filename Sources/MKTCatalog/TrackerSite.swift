import Foundation
import MKTHTTP
import MKTMetadata

/// How a site takes uploads. Gazelle comes in three: RED's and OPS's JSON
/// APIs differ in auth header, ids, media names and answers; DIC takes the
/// web form with a session cookie. UNIT3D sites share one JSON API.
/// MyAnonamouse has no upload API: mkt prepares what its web form takes.
public enum TrackerFamily: String, CaseIterable, Sendable {
    case red, ops, dic, unit3d, mam

    /// Whether mkt can upload to the site itself; MAM's uploads are made by hand in its web form.
    public var takesUploads: Bool { self != .mam }

    /// The credential an upload needs: DIC takes its web form with a session cookie.
    public var credential: SiteCredential { self == .dic ? .cookie : .apiKey }

    /// What every site of the family has unless its entry says otherwise.
    var defaults: FamilyDefaults {
        switch self {
        case .red: .red
        case .ops: .ops
        case .dic: .dic
        case .unit3d: .unit3d
        case .mam: .mam
        }
    }
}

/// What a site's uploads are authorised by.
public enum SiteCredential: String, Sendable {
    case apiKey = "api-key", cookie
}

/// Everything mkt knows about one site: where it is, which protocol, the
/// source flag and announce URL its torrents carry, how fast it may be
/// asked, and the rules and vocabularies its upload form has.
public struct TrackerSite: Equatable, Sendable {
    /// Stands in an announce template for the user's passkey; it is filled in only when bytes leave mkt.
    public static let passkeyPlaceholder = "{passkey}"

    public let name: String
    public let family: TrackerFamily
    /// The site's web address, without a trailing slash.
    public let url: String
    /// `info.source` in the site's torrents.
    public let source: String
    /// The announce URL with `{passkey}` where the user's passkey goes.
    public let announceTemplate: String
    /// Longest `folder/…/file` path the site accepts, in characters.
    public let pathLimit: Int
    public let rateLimit: RateLimiter.Limit
    /// The form's `releasetype` numbers (Gazelle sites number them differently).
    public let releaseTypes: ReleaseTypeTable
    /// mkt's media names the site spells its own way (RED's Blu-Ray is OPS's BD).
    public let mediaNames: [String: String]
    /// File extensions the site lets into a music or audiobook torrent.
    public let allowedExtensions: Set<String>
    /// The formats, encodings and media its upload form offers, as it spells them.
    public let vocabulary: ReleaseRules.Vocabulary
    /// UNIT3D's category and type ids: each site numbers its own.
    public let categoryID: Int?
    public let typeID: Int?
    /// Seconds one exchange with the site may take (`tracker.NAME.timeout`).
    public let timeout: TimeInterval
    /// The lowest rip log score `check-release` lets through (nil: the site scores no logs; `tracker.NAME.log-score`); Documentation/trackers.md says why.
    public let logScoreThreshold: Int?

    public init(
        name: String, family: TrackerFamily, url: String, source: String, announceTemplate: String, pathLimit: Int? = nil,
        rateLimit: RateLimiter.Limit? = nil, releaseTypes: ReleaseTypeTable? = nil, categoryID: Int? = nil, typeID: Int? = nil,
        timeout: TimeInterval = 120, logScoreThreshold: Int? = nil
    ) {
        let defaults = family.defaults
        self.name = name
        self.family = family
        self.url = url.hasSuffix("/") ? String(url.dropLast()) : url
        self.source = source
        self.announceTemplate = announceTemplate
        self.pathLimit = pathLimit ?? defaults.pathLimit
        self.rateLimit = rateLimit ?? defaults.rateLimit
        self.releaseTypes = releaseTypes ?? defaults.releaseTypes
        self.mediaNames = defaults.mediaNames
        self.allowedExtensions = defaults.allowedExtensions
        self.vocabulary = defaults.vocabulary
        self.categoryID = categoryID
        self.typeID = typeID
        self.timeout = timeout
        self.logScoreThreshold = logScoreThreshold ?? defaults.logScoreThreshold
    }

    /// What the site's torrents carry.
    public var torrentSite: TorrentSite { TorrentSite(name: name, source: source, announceTemplate: announceTemplate) }

    public func announceURL(passkey: String) -> String { torrentSite.announceURL(passkey: passkey) }

    /// The site's word for a medium.
    public func media(_ media: String) -> String { mediaNames[media] ?? media }

    /// What `check-release` and the pre-push checks hold a release to on this site.
    public var releaseRules: ReleaseRules {
        // mkt's spelling of a medium the site names its own way is as good as the site's.
        var accepted = vocabulary
        accepted.media += mediaNames.filter { vocabulary.media.contains($0.value) }.map(\.key).sorted()
        return ReleaseRules(tracker: name, pathLimit: pathLimit, allowedExtensions: allowedExtensions, vocabulary: accepted, checksUNIT3DNames: family == .unit3d)
    }

    /// Where the site is, for messages: the host alone.
    public var host: String { URLComponents(string: url)?.host ?? url }

    /// Scheme and host, no path or query: what receipts record.
    public var origin: String { "\(URLComponents(string: url)?.scheme ?? "https")://\(host)" }
}

/// What a torrent for a site carries: the source flag in `info`, and the
/// announce URL it gets when it leaves mkt.
public struct TorrentSite: Equatable, Sendable {
    public let name: String
    public let source: String
    /// The announce URL with `{passkey}` where the user's passkey goes (none for a public tracker).
    public let announceTemplate: String

    public init(name: String, source: String, announceTemplate: String) {
        self.name = name
        self.source = source
        self.announceTemplate = announceTemplate
    }

    /// A site whose announce URL carries the user's passkey (every private tracker's does).
    public var needsPasskey: Bool { announceTemplate.contains(TrackerSite.passkeyPlaceholder) }

    public func announceURL(passkey: String) -> String {
        announceTemplate.replacingOccurrences(of: TrackerSite.passkeyPlaceholder, with: passkey)
    }
}

/// A family's facts that a site entry inherits.
struct FamilyDefaults: Sendable {
    let pathLimit: Int
    let rateLimit: RateLimiter.Limit
    let releaseTypes: ReleaseTypeTable
    let mediaNames: [String: String]
    let allowedExtensions: Set<String>
    let vocabulary: ReleaseRules.Vocabulary
    var logScoreThreshold: Int?
}
