import Foundation
import MKTHTTP

/// The sites mkt knows: the built-in ones, with `[tracker "NAME"]` config
/// sections on top that change an entry or add a site. Nothing else in mkt
/// holds a table of trackers.
public struct TrackerCatalog: Sendable {
    /// The sites mkt knows out of the box.
    public static let builtIn: [TrackerSite] = [
        TrackerSite(name: "red", family: .red, url: "https://redacted.sh", source: "RED", announceTemplate: "https://flacsfor.me/{passkey}/announce"),
        TrackerSite(name: "ops", family: .ops, url: "https://orpheus.network", source: "OPS", announceTemplate: "https://home.opsfet.ch/{passkey}/announce"),
        TrackerSite(name: "dic", family: .dic, url: "https://dicmusic.com", source: "DICMusic", announceTemplate: "https://tracker.52dic.vip/{passkey}/announce"),
    ]

    /// `[tracker "NAME"]` sections: key -> value, by tracker name.
    let sections: [String: [String: String]]

    public init(sections: [String: [String: String]] = [:]) {
        self.sections = sections
    }

    /// Names from the config, sorted.
    public var configured: [String] { sections.keys.sorted() }

    /// Every tracker name mkt knows here, sorted.
    public var names: [String] { Array(Set(Self.builtIn.map(\.name) + sections.keys)).sorted() }

    public func knows(_ name: String) -> Bool { Self.builtIn.contains { $0.name == name } || sections[name] != nil }

    /// The site called `name`: its built-in entry with the config's keys on
    /// top, or the config's section alone.
    public func site(_ name: String) throws(CatalogError) -> TrackerSite {
        let builtIn = Self.builtIn.first { $0.name == name }
        guard builtIn != nil || sections[name] != nil else {
            throw .unknownTracker(name, known: names, suggestion: Suggestion.nearest(to: name, in: names))
        }
        let keys = sections[name] ?? [:]
        func key(_ key: String) -> String { "tracker.\(name).\(key)" }

        let familyName = keys["family"]
        let family: TrackerFamily
        if let familyName {
            guard let named = TrackerFamily(rawValue: familyName) else {
                throw .invalid(key: key("family"), reason: "'\(familyName)' is not a family mkt knows (\(Self.families))")
            }
            family = named
        } else if let builtIn {
            family = builtIn.family
        } else {
            throw .missing(key: key("family"), hint: "one of \(Self.families)")
        }
        guard let url = keys["url"] ?? builtIn?.url else { throw .missing(key: key("url"), hint: "the site's address, e.g. https://example.org") }
        guard let components = URLComponents(string: url), ["http", "https"].contains(components.scheme ?? ""), !(components.host ?? "").isEmpty else {
            throw .invalid(key: key("url"), reason: "'\(url)' is not an http or https address")
        }
        guard let source = keys["source"] ?? builtIn?.source else {
            throw .missing(key: key("source"), hint: "the source flag the site puts in its torrents (its upload page shows it)")
        }
        guard let announce = keys["announce"] ?? builtIn?.announceTemplate else {
            throw .missing(key: key("announce"), hint: "the announce URL from the site's upload page, with {passkey} where the passkey goes")
        }
        // A public tracker's announce has no passkey; a placeholder in the wrong case would leave it out silently.
        guard announce.contains(TrackerSite.passkeyPlaceholder) || !announce.lowercased().contains(TrackerSite.passkeyPlaceholder) else {
            throw .invalid(key: key("announce"), reason: "'\(announce)': write the placeholder {passkey} in lower case")
        }
        func number(_ field: String, in range: ClosedRange<Int>) throws(CatalogError) -> Int? {
            guard let text = keys[field] else { return nil }
            guard let value = Int(text), range.contains(value) else {
                throw .invalid(key: key(field), reason: "'\(text)' is not a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return value
        }
        var rateLimit = builtIn?.rateLimit
        if let text = keys["rate-limit"] {
            guard let parsed = RateLimiter.Limit(parsing: text) else {
                throw .invalid(key: key("rate-limit"), reason: "'\(text)' is not REQUESTS/SECONDS, e.g. 10/10s")
            }
            rateLimit = parsed
        }
        var timeout = builtIn?.timeout ?? 120
        if let text = keys["timeout"] {
            let seconds = text.hasSuffix("s") ? String(text.dropLast()) : text
            guard let value = TimeInterval(seconds), value >= 1, value <= 3600 else {
                throw .invalid(key: key("timeout"), reason: "'\(text)' is not a number of seconds from 1 to 3600, e.g. 120s")
            }
            timeout = value
        }
        let releaseTypes = try keys["release-types"].map { text throws(CatalogError) in try ReleaseTypeTable(parsing: text, key: key("release-types")) }
        let site = TrackerSite(
            name: name, family: family, url: url, source: source, announceTemplate: announce,
            pathLimit: try number("path-limit", in: 1...4096) ?? (familyName == nil ? builtIn?.pathLimit : nil),
            rateLimit: familyName == nil ? rateLimit : (keys["rate-limit"] == nil ? nil : rateLimit),
            releaseTypes: releaseTypes ?? (familyName == nil ? builtIn?.releaseTypes : nil),
            categoryID: try number("category-id", in: 0...1_000_000), typeID: try number("type-id", in: 0...1_000_000), timeout: timeout)
        if family == .unit3d && (site.categoryID == nil || site.typeID == nil) {
            throw .missing(key: key(site.categoryID == nil ? "category-id" : "type-id"), hint: "the site's music or audiobook id (UNIT3D sites number their own)")
        }
        return site
    }

    static let families = TrackerFamily.allCases.map(\.rawValue).joined(separator: ", ")
}

/// A tracker name or entry mkt cannot use.
public enum CatalogError: Error, Equatable, CustomStringConvertible {
    case unknownTracker(String, known: [String], suggestion: String?)
    case missing(key: String, hint: String)
    case invalid(key: String, reason: String)

    public var description: String {
        switch self {
        case .unknownTracker(let name, let known, let suggestion):
            "unknown tracker '\(name)'\(suggestion.map { "; did you mean \($0)?" } ?? "") (known: \(known.joined(separator: ", ")); add a [tracker \"\(name)\"] section to the config for another site)"
        case .missing(let key, let hint): "\(key) is not set: set it to \(hint)"
        case .invalid(let key, let reason): "\(key): \(reason)"
        }
    }
}
