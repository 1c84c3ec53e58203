import Foundation
import MKTConfig
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
        // Every MAM value rests on third-party documents (Documentation/trackers.md says which).
        TrackerSite(name: "mam", family: .mam, url: "https://www.myanonamouse.net", source: "MAM", announceTemplate: "https://t.myanonamouse.net/tracker.php/{passkey}/announce"),
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

    /// What a torrent for the site called `name` needs, its source flag and
    /// announce URL: all that making and exporting torrents asks of a
    /// section (a site mkt only makes torrents for needs no family or url).
    public func torrentSite(_ name: String) throws(CatalogError) -> TorrentSite {
        let builtIn = try entry(name)
        guard let source = try text(name, "source") ?? builtIn?.source else {
            throw .missing(key: "tracker.\(name).source", hint: "the source flag the site puts in its torrents (its upload page shows it)")
        }
        guard let announce = try text(name, "announce") ?? builtIn?.announceTemplate else {
            throw .missing(key: "tracker.\(name).announce", hint: "the announce URL from the site's upload page, with {passkey} where the passkey goes")
        }
        // A public tracker's announce has no passkey; a placeholder in the wrong case would leave it out silently.
        guard announce.contains(TrackerSite.passkeyPlaceholder) || !announce.lowercased().contains(TrackerSite.passkeyPlaceholder) else {
            throw .invalid(key: "tracker.\(name).announce", reason: "'\(announce)': write the placeholder {passkey} in lower case")
        }
        return TorrentSite(name: name, source: source, announceTemplate: announce)
    }

    /// The built-in entry called `name`, nil for a site only the config has, or an unknown-tracker error.
    private func entry(_ name: String) throws(CatalogError) -> TrackerSite? {
        let builtIn = Self.builtIn.first { $0.name == name }
        guard builtIn != nil || sections[name] != nil else {
            throw .unknownTracker(name, known: names, suggestion: Suggestion.closest(to: name, among: names))
        }
        return builtIn
    }

    /// A key of `[tracker "NAME"]` read by its type in the config registry, the one parser for that kind of value.
    private func value(_ name: String, _ field: String) throws(CatalogError) -> ConfigValue? {
        guard let text = sections[name]?[field] else { return nil }
        guard let declared = ConfigRegistry.key("tracker", field) else { throw .invalid(key: "tracker.\(name).\(field)", reason: "not a key mkt knows") }
        do {
            return try declared.type.parse(text)
        } catch {
            throw .invalid(key: "tracker.\(name).\(field)", reason: error.reason)
        }
    }

    private func text(_ name: String, _ field: String) throws(CatalogError) -> String? {
        guard case .string(let text)? = try value(name, field) else { return nil }
        return text
    }

    /// The site called `name`: its built-in entry with the config's keys on
    /// top, or the config's section alone. Each value is read by its key's
    /// type in the config registry, the one parser for that kind of value.
    public func site(_ name: String) throws(CatalogError) -> TrackerSite {
        let builtIn = try entry(name)
        func key(_ key: String) -> String { "tracker.\(name).\(key)" }
        func value(_ field: String) throws(CatalogError) -> ConfigValue? { try self.value(name, field) }
        func text(_ field: String) throws(CatalogError) -> String? { try self.text(name, field) }
        func number(_ field: String) throws(CatalogError) -> Int? {
            guard case .integer(let number)? = try value(field) else { return nil }
            return number
        }

        let familyName = try text("family")
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
        guard let url = try text("url") ?? builtIn?.url else { throw .missing(key: key("url"), hint: "the site's address, e.g. https://example.org") }
        let torrents = try torrentSite(name)
        var rateLimit = familyName == nil ? builtIn?.rateLimit : nil
        if case .rateLimit(let setting)? = try value("rate-limit") { rateLimit = RateLimiter.Limit(setting) }
        var timeout = builtIn?.timeout ?? 120
        if case .seconds(let seconds)? = try value("timeout") { timeout = seconds }
        var releaseTypes = familyName == nil ? builtIn?.releaseTypes : nil
        if case .releaseTypes(let table)? = try value("release-types") { releaseTypes = try ReleaseTypeTable(table, key: key("release-types")) }
        let site = TrackerSite(
            name: name, family: family, url: url, source: torrents.source, announceTemplate: torrents.announceTemplate,
            pathLimit: try number("path-limit") ?? (familyName == nil ? builtIn?.pathLimit : nil),
            rateLimit: rateLimit, releaseTypes: releaseTypes,
            categoryID: try number("category-id"), typeID: try number("type-id"), timeout: timeout,
            logScoreThreshold: try number("log-score") ?? (familyName == nil ? builtIn?.logScoreThreshold : nil))
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

extension RateLimiter.Limit {
    /// A config's `REQUESTS/SECONDS`.
    public init(_ setting: RateLimitSetting) {
        self.init(requests: setting.requests, window: .milliseconds(Int64((setting.seconds * 1000).rounded())))
    }
}

extension TrackerCatalog {
    /// Every format a built-in site's form offers, each once, in the sites' order.
    public static var formats: [String] { uniqued(builtIn.flatMap(\.vocabulary.formats)) }
    /// Every encoding (Gazelle's `bitrate`) a built-in site's form offers.
    public static var encodings: [String] { uniqued(builtIn.flatMap(\.vocabulary.encodings)) }

    private static func uniqued(_ words: [String]) -> [String] {
        var seen = Set<String>()
        return words.filter { seen.insert($0).inserted }
    }
}
