import MKTConfig

/// A value that fits each registered key, and a section name for keys that
/// take one: for round trips through the parser, the editor and `mkt config`.
public enum ConfigSamples {
    public static func value(for key: ConfigKey) -> String {
        switch key.type {
        case .bool: "true"
        case .integer(let range): String(range.lowerBound)
        case .seconds(let range): "\(ConfigSamples.whole(range.lowerBound) + 1)s"
        // Blanks, comment characters and quotes must come back as they went in.
        case .string: " two  spaces # not a comment; \"quoted\" \\ "
        case .choice(let words): words.last ?? ""
        case .url: "https://example.org:8443/a%20path?q=1"
        case .announceURL: "https://tracker.example/{passkey}/announce"
        case .rateLimit: "5/10s"
        case .pathMap: "/data/music:/music"
        case .releaseTypes: "Album=1, EP=5, Live album=11"
        case .words(let words): words.joined(separator: ", ")
        }
    }

    /// `[tracker "sample.site"]` (a dot, as `mkt config tracker.sample.site.url` must
    /// split it), `[source "musicbrainz"]`, nil for `[push]`.
    public static func subsection(for key: ConfigKey) -> String? {
        switch ConfigRegistry.section(key.section)?.subsection {
        case .any?: "sample.site"
        case .oneOf(_, let names)?: names.first
        default: nil
        }
    }

    /// The name `mkt config` takes: `push.retries`, `tracker.sample.site.url`.
    public static func name(for key: ConfigKey) -> String {
        [key.section, subsection(for: key), key.name].compactMap { $0 }.joined(separator: ".")
    }

    private static func whole(_ seconds: Double) -> Int { Int(seconds.rounded(.down)) }
}
