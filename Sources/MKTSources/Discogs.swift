import Foundation
import MKTHTTP
import MKTMetadata

/// Discogs: database search (which needs a token) and release details, in
/// the plain-text flavour so that Discogs turns its own markup into text.
public struct Discogs: Sendable {
    public let service: SourceConnection

    /// The headers every Discogs request needs: the token, and the plain-text Accept.
    public static func headers(token: String) -> [(name: String, value: String)] {
        [("Authorization", "Discogs token=\(token)"), ("Accept", "application/vnd.discogs.v2.plaintext+json")]
    }

    public init(service: SourceConnection) {
        self.service = service
    }

    public func candidates(for local: ReleaseDescription, limit: Int = 5) throws(SourceError) -> [ReleaseCandidate] {
        guard let title = local.title else { return [] }
        var query = [("type", "release"), ("release_title", title)]
        if let artist = local.artistRoles["main"]?.first ?? local.artists.first { query.append(("artist", artist)) }
        query.append(("per_page", String(max(limit * 2, 10))))
        guard let answer = try service.json("/database/search?\(FormEncoding.encode(query))") else { return [] }
        let ids = (answer["results"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }.prefix(limit * 2)
        var candidates: [ReleaseCandidate] = []
        for id in ids {
            guard let release = try service.json("/releases/\(id)"), let candidate = Self.candidate(release) else { continue }
            candidates.append(candidate)
        }
        for index in candidates.indices { candidates[index].score = MusicBrainz.score(candidates[index], against: local) }
        candidates.sort { ($0.score, $0.id) > ($1.score, $1.id) }
        return Array(candidates.prefix(limit))
    }

    static func candidate(_ release: [String: Any]) -> ReleaseCandidate? {
        guard let id = release["id"] as? Int, let title = release["title"] as? String else { return nil }
        var main: [String] = []
        var guests: [String] = []
        var featuring = false
        for artist in release["artists"] as? [[String: Any]] ?? [] {
            let name = Self.name((artist["anv"] as? String).flatMap { $0.isEmpty ? nil : $0 } ?? artist["name"] as? String ?? "")
            if !name.isEmpty { featuring ? guests.append(name) : main.append(name) }
            if ((artist["join"] as? String) ?? "").lowercased().contains("feat") { featuring = true }
        }
        let label = (release["labels"] as? [[String: Any]])?.first
        let format = (release["formats"] as? [[String: Any]])?.first
        let tracks = (release["tracklist"] as? [[String: Any]] ?? []).filter { ($0["type_"] as? String ?? "track") == "track" }
        let images = release["images"] as? [[String: Any]] ?? []
        let cover = (images.first { $0["type"] as? String == "primary" } ?? images.first)?["uri"] as? String
        return ReleaseCandidate(
            source: "discogs", id: String(id), url: "https://www.discogs.com/release/\(id)", title: TextSanitizer.clean(title),
            artists: main, guests: guests, year: (release["year"] as? Int).flatMap { $0 > 0 ? $0 : nil },
            label: (label?["name"] as? String).map { Self.name($0) }, catalogueNumber: (label?["catno"] as? String).flatMap { $0 == "none" ? nil : TextSanitizer.clean($0) },
            barcode: nil, media: (format?["name"] as? String).map(Self.media), trackCount: tracks.count,
            releaseType: Self.releaseType(format?["descriptions"] as? [String] ?? []), score: 0, cover: cover, releaseGroup: nil)
    }

    /// Discogs's name forms: drop " (2)" and a trailing "*", turn "Beatles, The" into "The Beatles".
    static func name(_ raw: String) -> String {
        var name = TextSanitizer.clean(raw)
        if let match = name.firstMatch(of: #/ \(\d+\)$/#) { name.removeSubrange(match.range) }
        while name.hasSuffix("*") { name.removeLast() }
        if name.hasSuffix(", The") { name = "The " + name.dropLast(", The".count) }
        return name
    }

    static func media(_ format: String) -> String {
        switch format.lowercased() {
        case "file": "WEB"
        case "vinyl": "Vinyl"
        case "cd", "cdr": "CD"
        case "cassette": "Cassette"
        case "sacd": "SACD"
        case "dvd": "DVD"
        case "blu-ray": "BD"
        case "dat": "DAT"
        default: format
        }
    }

    /// `formats[0].descriptions`: Album, Mini-Album -> Album; EP, Sampler -> EP; Single, Maxi-Single -> Single; Compilation; Mixtape.
    static func releaseType(_ descriptions: [String]) -> ReleaseType {
        let words = Set(descriptions.map { $0.lowercased() })
        if words.contains("compilation") { return .compilation }
        if words.contains("mixtape") { return .mixtape }
        if !words.isDisjoint(with: ["ep", "sampler"]) { return .ep }
        if !words.isDisjoint(with: ["single", "maxi-single"]) { return .single }
        if !words.isDisjoint(with: ["album", "mini-album", "lp"]) { return .album }
        return .unknown
    }
}
