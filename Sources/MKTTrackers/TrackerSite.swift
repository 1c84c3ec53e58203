import Foundation
import MKTConfig
import MKTStore
import MKTTorrent

/// How a site takes uploads. Gazelle comes in three: RED's and OPS's JSON
/// APIs differ in auth header, ids, media names and answers; DIC takes the
/// web form with a session cookie (research/trackers.md §3, §5).
public enum TrackerFamily: String, CaseIterable, Sendable {
    case red, ops, dic, unit3d

    /// The credential an upload needs.
    public var credentialKind: String { self == .dic ? "cookie" : "api-key" }
}

/// Everything mkt needs to talk to one site: where it is, which protocol,
/// the source flag its torrents carry, and how fast it may be asked.
public struct TrackerSite: Equatable, Sendable {
    public let name: String
    public let family: TrackerFamily
    /// The site's web address, without a trailing slash.
    public let url: String
    public let source: String
    public let rateLimit: RateLimiter.Limit
    /// UNIT3D's category and type ids: each site numbers its own.
    public let categoryID: Int?
    public let typeID: Int?
    /// Seconds one exchange with the site may take (`tracker.NAME.timeout`).
    public var timeout: TimeInterval = 120

    public init(name: String, family: TrackerFamily, url: String, source: String, rateLimit: RateLimiter.Limit, categoryID: Int? = nil, typeID: Int? = nil) {
        self.name = name
        self.family = family
        self.url = url.hasSuffix("/") ? String(url.dropLast()) : url
        self.source = source
        self.rateLimit = rateLimit
        self.categoryID = categoryID
        self.typeID = typeID
    }

    /// The sites mkt knows: their web addresses and families.
    static let builtIn: [String: (family: TrackerFamily, url: String)] = [
        "red": (.red, "https://redacted.sh"),
        "ops": (.ops, "https://orpheus.network"),
        "dic": (.dic, "https://dicmusic.com"),
    ]

    /// The site called `name`: built in, with `[tracker "NAME"]` keys `url`,
    /// `family`, `rate-limit`, `category-id`, `type-id` and `timeout` on top (or alone).
    public init(name: String, profile: TrackerProfile, config: Config) throws(TrackerError) {
        let builtIn = Self.builtIn[name]
        let key = { (key: String) in config.value("tracker", key, subsection: name) }
        guard let url = key("url") ?? builtIn?.url else {
            throw .local("tracker \(name) has no url: set it with tracker.\(name).url in the config")
        }
        guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
            throw .local("tracker.\(name).url is not an http or https address: \(url)")
        }
        let familyName = key("family")
        guard let family = familyName.map({ TrackerFamily(rawValue: $0) }) ?? builtIn?.family else {
            let known = TrackerFamily.allCases.map(\.rawValue).joined(separator: ", ")
            throw .local(familyName == nil ? "tracker \(name) has no family: set tracker.\(name).family to one of \(known)" : "tracker.\(name).family is \(familyName!); mkt knows \(known)")
        }
        var limit = RateLimiter.Limit.defaultFor(tracker: family.rawValue)
        if let text = key("rate-limit") {
            guard let parsed = RateLimiter.Limit(parsing: text) else {
                throw .local("tracker.\(name).rate-limit is \(text); write it as REQUESTS/SECONDS, e.g. 10/10s")
            }
            limit = parsed
        }
        func id(_ field: String) throws(TrackerError) -> Int? {
            guard let text = key(field) else { return nil }
            guard let value = Int(text), value >= 0 else { throw .local("tracker.\(name).\(field) is \(text), not a number") }
            return value
        }
        self.init(name: name, family: family, url: url, source: profile.source, rateLimit: limit, categoryID: try id("category-id"), typeID: try id("type-id"))
        if let text = key("timeout") {
            let seconds = text.hasSuffix("s") ? String(text.dropLast()) : text
            guard let value = TimeInterval(seconds), value >= 1, value <= 3600 else {
                throw .local("tracker.\(name).timeout is \(text); write it in seconds (1 to 3600), e.g. 120s")
            }
            timeout = value
        }
        if family == .unit3d && (categoryID == nil || typeID == nil) {
            throw .local("tracker \(name) is a UNIT3D site: set tracker.\(name).category-id and tracker.\(name).type-id to the site's music or audiobook ids")
        }
    }

    /// Where the site is, for messages and receipts: scheme and host, no path or query.
    public var host: String { URLComponents(string: url)?.host ?? url }
}

extension RateLimiter.Limit {
    /// `10/10s`, `5/10`, `30/60s`, `10/2.5s` (`RateLimitSetting`'s syntax).
    public init?(parsing text: String) {
        guard let setting = RateLimitSetting(parsing: text) else { return nil }
        self.init(setting)
    }

    public init(_ setting: RateLimitSetting) {
        // At most a day, so the milliseconds fit.
        self.init(requests: setting.requests, window: .milliseconds(Int64((setting.seconds * 1000).rounded())))
    }
}
