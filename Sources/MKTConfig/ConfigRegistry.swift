/// A section of the config: whether it takes a `"NAME"`, and which names.
public struct ConfigSection: Sendable {
    public enum Subsection: Equatable, Sendable {
        /// `[push]`: no name.
        case none
        /// `[tracker "NAME"]`: any name; the placeholder is what the documentation shows.
        case any(placeholder: String)
        /// `[source "NAME"]`: one of these names.
        case oneOf(placeholder: String, names: [String])
    }

    public let name: String
    public let subsection: Subsection
    /// Only a store's config may set it (`core`: the store's own format).
    public let storeOnly: Bool
}

/// One key mkt reads: its section, type, default and a line of help.
public struct ConfigKey: Sendable {
    public let section: String
    public let name: String
    public let type: ConfigType
    /// The value when none is set; nil when there is none, or when it depends
    /// on the subsection (a built-in tracker's address, a source's own).
    public let defaultValue: String?
    /// Every value counts (`path-map`), not only the last.
    public let repeatable: Bool
    public let help: String

    init(_ section: String, _ name: String, _ type: ConfigType, default defaultValue: String? = nil, repeatable: Bool = false, _ help: String) {
        self.section = section
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.repeatable = repeatable
        self.help = help
    }

    /// `push.retries`, `tracker.NAME.url`.
    public var displayName: String {
        switch ConfigRegistry.section(section)?.subsection {
        case .any(let placeholder)?, .oneOf(let placeholder, _)?: "\(section).\(placeholder).\(name)"
        default: "\(section).\(name)"
        }
    }
}

/// Every key mkt reads, declared once: loading a config checks each entry
/// against this table, `mkt config` reads and writes by it, and
/// Documentation/mkt-config.md is generated from it.
public enum ConfigRegistry {
    /// The web sources `[source "NAME"]` may configure.
    /// The release types mkt names (MKTMetadata's ReleaseType, which a test holds this to).
    public static let releaseTypeNames = [
        "Album", "Soundtrack", "EP", "Anthology", "Compilation", "Sampler", "Single", "Demo", "Live album", "Split", "Remix",
        "Bootleg", "Interview", "Mixtape", "DJ Mix", "Concert Recording",
    ]
    public static let sourceNames = ["musicbrainz", "coverartarchive", "discogs", "lastfm", "audible", "audnexus", "ptpimg"]

    public static let sections: [ConfigSection] = [
        ConfigSection(name: "core", subsection: .none, storeOnly: true),
        ConfigSection(name: "credential", subsection: .none, storeOnly: false),
        ConfigSection(name: "push", subsection: .none, storeOnly: false),
        ConfigSection(name: "seed", subsection: .none, storeOnly: false),
        ConfigSection(name: "tracker", subsection: .any(placeholder: "NAME"), storeOnly: false),
        ConfigSection(name: "client", subsection: .any(placeholder: "NAME"), storeOnly: false),
        ConfigSection(name: "sources", subsection: .none, storeOnly: false),
        ConfigSection(name: "source", subsection: .oneOf(placeholder: "NAME", names: sourceNames), storeOnly: false),
        ConfigSection(name: "imagehost", subsection: .none, storeOnly: false),
        ConfigSection(name: "add", subsection: .none, storeOnly: false),
        ConfigSection(name: "notify", subsection: .any(placeholder: "NAME"), storeOnly: false),
        ConfigSection(name: "watch", subsection: .none, storeOnly: false),
    ]

    public static let keys: [ConfigKey] = [
        ConfigKey("core", "format", .integer(1...Int.max), "The store's format; set by mkt init (this mkt writes format 2 and reads 1 and 2)."),
        ConfigKey("core", "hash", .choice(["sha256"]), default: "sha256", "The hash that names objects; set by mkt init."),
        ConfigKey("credential", "helper", .string, "A git-style credential helper asked for secrets first: a name (mkt-credential-NAME), a path, or !shell code."),
        ConfigKey("credential", "cache-timeout", .seconds(0...86_400), default: "900", "How long a master password typed on the terminal is remembered (its key, by a daemon); 0: asked every time."),
        ConfigKey("push", "retries", .integer(0...100), default: "3", "More attempts after an upload attempt that may be retried."),
        ConfigKey("push", "backoff", .seconds(0...3600), default: "2", "The pause before the first retry; it doubles per attempt, with full jitter."),
        ConfigKey("push", "backoff-max", .seconds(0...86_400), default: "120", "The longest pause between two attempts."),
        ConfigKey("push", "description-template", .string, "A file with the torrent description's template for every tracker (its placeholders: mkt-config.md); a relative path is from this config's folder."),
        ConfigKey("push", "made-with-mkt", .bool, default: "false", "Fill the description's {made-with-mkt} with a line saying mkt made the upload."),
        ConfigKey("push", "spectrals", .bool, default: "false", "Upload each track's spectrograms to imagehost.name and link them in the description's {spectrals}."),
        ConfigKey("seed", "client", .string, "The [client \"NAME\"] pushes hand their torrents to (default: the only one; empty: none)."),
        ConfigKey("tracker", "url", .url, "The site's web address (built-in sites have theirs)."),
        ConfigKey("tracker", "family", .choice(["red", "ops", "dic", "unit3d", "mam"]), "How the site takes uploads (built-in sites have theirs; mam: by hand, from an upload kit)."),
        ConfigKey("tracker", "source", .string, "The source flag the site puts in info.source (built-in: RED, OPS, DICMusic)."),
        ConfigKey("tracker", "announce", .announceURL, "The announce URL, {passkey} standing for the passkey (built-in sites have theirs)."),
        ConfigKey("tracker", "path-limit", .integer(1...4096), "The longest folder/…/file path the site takes, in characters (RED, DIC: 180; OPS: 255)."),
        ConfigKey("tracker", "log-score", .integer(0...100), "The lowest rip log score check-release lets through (RED, OPS: 100; DIC, UNIT3D: logs not scored)."),
        ConfigKey("tracker", "rate-limit", .rateLimit, "How often the site may be asked (RED: 10/10s; OPS, DIC: 5/10s; UNIT3D: 30/60s)."),
        ConfigKey("tracker", "category-id", .integer(0...Int.max), "UNIT3D: the site's music or audiobook category id."),
        ConfigKey("tracker", "type-id", .integer(0...Int.max), "UNIT3D: the site's type id."),
        ConfigKey("tracker", "timeout", .seconds(1...3600), default: "120", "The longest one exchange with the site may take."),
        ConfigKey("tracker", "release-types", .releaseTypes, "The site's release type ids: a built-in site's table by name (red), or NAME=ID, ..."),
        ConfigKey("tracker", "description-template", .string, "This tracker's torrent description template file, instead of push.description-template."),
        ConfigKey("client", "type", .choice(["qbittorrent", "transmission", "deluge", "rtorrent", "watch"]), "Which BitTorrent client it is (watch: a folder a client watches)."),
        ConfigKey("client", "url", .url, "The client's Web UI or RPC address (Deluge: deluge-web's)."),
        ConfigKey("client", "scgi", .string, "rTorrent: its SCGI HOST:PORT (network.scgi.open_port) or socket path (network.scgi.open_local)."),
        ConfigKey("client", "watch-dir", .string, "type = watch: the folder the client watches; mkt writes INFOHASH.torrent there."),
        ConfigKey("client", "username", .string, "The login name; the password (also deluge-web's) is 'mkt credential set NAME --password'."),
        ConfigKey("client", "path-map", .pathMap, repeatable: true, "A folder here and where the client sees it; repeatable, the longest match wins."),
        ConfigKey("client", "category", .string, "The qBittorrent category, Transmission, Deluge or rTorrent label for mkt's torrents."),
        ConfigKey("client", "paused", .bool, default: "false", "Leave torrents paused after the client checked them."),
        ConfigKey("client", "check-timeout", .seconds(1...86_400), default: "600", "How long to wait for the client's check of the data."),
        ConfigKey("sources", "contact", .string, "Your e-mail or a URL, in the User-Agent the web sources see."),
        ConfigKey("sources", "lookup", .bool, default: "false", "mkt add looks each release up (as --lookup)."),
        ConfigKey("sources", "offline", .bool, default: "false", "Ask no web source (as --offline)."),
        ConfigKey("source", "url", .url, "The source's address, instead of its public one."),
        ConfigKey("source", "rate-limit", .rateLimit, "How often the source may be asked, instead of its own limit."),
        ConfigKey("add", "release-type", .choice(releaseTypeNames), "The release type mkt add records when the tags give none, instead of a guess a push refuses until confirmed."),
        ConfigKey("notify", "url", .string, "Where notifications go: a webhook's address, or an Apprise URL; a secret, never printed (the notifier is named by its NAME)."),
        ConfigKey("notify", "kind", .choice(["discord", "ntfy", "json", "apprise"]), "What the address takes: a Discord webhook, an ntfy topic, a plain JSON POST, or an Apprise URL (through the apprise command)."),
        ConfigKey("notify", "events", .words(["success", "failure", "attention"]), default: "success, failure, attention", "The pushes it is told of: success, failure, attention (outcome unknown, refused locally, not seeding)."),
        ConfigKey("imagehost", "name", .choice(["ptpimg"]), "Upload each release's own cover to this image host (its key: mkt credential set ptpimg)."),
        ConfigKey("watch", "folder", .string, repeatable: true, "mkt watch: a folder whose new subfolders are releases to add; repeatable."),
        ConfigKey("watch", "trackers", .string, "mkt watch: the trackers each added release is queued for, by name, separated by commas (unset: added, not queued)."),
        ConfigKey("watch", "settle", .seconds(0...86_400), default: "60", "mkt watch: how long a folder must go unwritten, its sizes the same on two scans, before it is added."),
        ConfigKey("watch", "meta", .string, repeatable: true, "mkt watch: a FIELD=VALUE each added release gets, as mkt add --meta (e.g. media=WEB); repeatable."),
        ConfigKey("watch", "listen", .string, "mkt watch: where the completion call is taken: 127.0.0.1:PORT, [::1]:PORT, or a Unix socket's absolute path (unset: none)."),
        ConfigKey("watch", "token-file", .string, "mkt watch: the file holding the completion call's token, mode 0600 (default: ~/.config/mkt/watch-token, made when missing)."),
        ConfigKey("watch", "retry-after", .seconds(1...604_800), default: "900", "mkt watch: how long after a failed upload that may be retried (a 5xx, a timeout) it is tried again."),
    ]

    public static func section(_ name: String) -> ConfigSection? {
        sections.first { $0.name == name }
    }

    public static func key(_ section: String, _ name: String) -> ConfigKey? {
        keys.first { $0.section == section && $0.name == name }
    }

    /// The registered key `section.subsection.key` means; an error at `origin`
    /// names it as `name` (`tracker.ops.ulr: unknown key; did you mean url?`).
    public static func lookUp(section: String, subsection: String?, key: String, name: String, at origin: Config.Origin?) throws(ConfigError) -> ConfigKey {
        try checkSection(section, subsection: subsection, name: name, at: origin)
        if let found = self.key(section, key) { return found }
        let known = keys.filter { $0.section == section }.map(\.name)
        throw ConfigError(origin, "\(name): unknown key\(didYouMean(key, known))")
    }

    /// Checks that `[section]` or `[section "subsection"]` is one mkt knows.
    public static func checkSection(_ section: String, subsection: String?, name: String, at origin: Config.Origin?) throws(ConfigError) {
        guard let known = self.section(section) else {
            throw ConfigError(origin, "\(name): unknown section\(didYouMean(section, sections.map(\.name)))")
        }
        switch (known.subsection, subsection) {
        case (.none, nil):
            return
        case (.none, .some):
            throw ConfigError(origin, "\(name): [\(section)] takes no name")
        case (.any(let placeholder), nil), (.oneOf(let placeholder, _), nil):
            throw ConfigError(origin, "\(name): the section needs a name: [\(section) \"\(placeholder)\"]")
        case (.any, .some(let given)):
            if given.isEmpty { throw ConfigError(origin, "\(name): the section needs a name: [\(section) \"NAME\"]") }
        case (.oneOf(_, let names), .some(let given)):
            guard names.contains(given) else {
                throw ConfigError(origin, "\(name): unknown \(section) '\(given)' (known: \(names.joined(separator: ", ")))\(didYouMean(given, names))")
            }
        }
    }

    static func didYouMean(_ word: String, _ candidates: [String]) -> String {
        Suggestion.closest(to: word, among: candidates).map { "; did you mean \($0)?" } ?? ""
    }
}
