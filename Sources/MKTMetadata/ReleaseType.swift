import Foundation

/// Gazelle release types; each site's numbers for them are in its catalog entry.
public enum ReleaseType: String, CaseIterable, Codable, Sendable {
    case album = "Album", soundtrack = "Soundtrack", ep = "EP", anthology = "Anthology", compilation = "Compilation"
    case sampler = "Sampler", single = "Single", demo = "Demo", liveAlbum = "Live album", split = "Split", remix = "Remix"
    case bootleg = "Bootleg", interview = "Interview", mixtape = "Mixtape", djMix = "DJ Mix", concertRecording = "Concert Recording"
    case unknown = "Unknown"

    /// MusicBrainz's types of a release group: the secondary types first, in
    /// this order, then the primary type (as smoked-salmon maps them).
    public init(musicBrainzPrimary primary: String?, secondary: [String], status: String?, artists: Int) {
        if status == "Bootleg" {
            self = .bootleg
            return
        }
        let types = Set(secondary.map { $0.lowercased() })
        let ordered: [(String, ReleaseType)] = [
            ("soundtrack", .soundtrack), ("live", .liveAlbum), ("dj-mix", .djMix), ("mixtape/street", .mixtape),
            ("remix", .remix), ("demo", .demo), ("interview", .interview),
        ]
        if let found = ordered.first(where: { types.contains($0.0) }) {
            self = found.1
        } else if types.contains("compilation") {
            self = artists <= 2 && artists > 0 ? .anthology : .compilation
        } else {
            switch primary?.lowercased() {
            case "album": self = .album
            case "ep": self = .ep
            case "single": self = .single
            default: self = .unknown
            }
        }
    }

    /// The type Picard tagged (`RELEASETYPE`, `MusicBrainz Album Type`): MusicBrainz's
    /// words, one per value or joined by `;` or `/`; nil when none is a type.
    public init?(tagValues: [String]) {
        let words = tagValues.flatMap { $0.replacingOccurrences(of: "mixtape/street", with: "mixtape\u{1}street").split(whereSeparator: { ";/\0".contains($0) }) }
            .map { $0.replacingOccurrences(of: "\u{1}", with: "/").trimmingCharacters(in: .whitespaces).lowercased() }
        let primaries = ["album", "ep", "single"]
        let type = ReleaseType(musicBrainzPrimary: words.first(where: primaries.contains), secondary: words.filter { !primaries.contains($0) }, status: nil, artists: 0)
        guard type != .unknown else { return nil }
        self = type
    }

    /// A suggestion from the release alone, for the user to confirm: an explicit
    /// word in the title first, then the track list's shape.
    public static func suggest(title: String, trackTitles: [String], mainArtists: Set<String>, compilation: Bool) -> ReleaseType {
        let lowered = title.lowercased()
        if lowered.range(of: #"\b(e\.?p\.?)\b"#, options: .regularExpression) != nil { return .ep }
        if lowered.hasSuffix("- single") { return .single }
        if lowered.contains("soundtrack") || lowered.contains("o.s.t") { return .soundtrack }
        if lowered.range(of: #"\blive\b"#, options: .regularExpression) != nil { return .liveAlbum }
        if compilation || mainArtists.count >= 6 { return .compilation }
        let remixes = trackTitles.filter { $0.lowercased().range(of: #"\b(re)?mix\b"#, options: .regularExpression) != nil }
        if !trackTitles.isEmpty && remixes.count * 2 >= trackTitles.count { return .remix }
        let baseTitles = Set(trackTitles.map { withoutBracketedParts($0).lowercased() })
        if trackTitles.count <= 3 || baseTitles.count <= 2 { return .single }
        if trackTitles.count <= 7 { return .ep }
        return .album
    }

    /// "Song (Live) [2011 Remaster]" → "Song": each opening bracket up to the
    /// first closing one after it, and the white space before, as
    /// `\s*[(\[].*?[)\]]` takes them. In one pass: an opening that nothing
    /// closes ends the search, where the expression tried every later one again.
    static func withoutBracketedParts(_ title: String) -> String {
        let scalars = Array(title.unicodeScalars)
        // Arrays, not String.UnicodeScalarView: appending a view to a view copies the whole of it.
        var kept: [Unicode.Scalar] = []
        var space: [Unicode.Scalar] = []
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "(" || scalar == "[" {
                guard let close = scalars[(index + 1)...].firstIndex(where: { $0 == ")" || $0 == "]" }) else {
                    kept += space + scalars[index...]
                    space = []
                    break
                }
                space = []
                index = close + 1
            } else if scalar.properties.isWhitespace {
                space.append(scalar)
                index += 1
            } else {
                kept += space
                space = []
                kept.append(scalar)
                index += 1
            }
        }
        return String(String.UnicodeScalarView(kept + space))
    }
}
