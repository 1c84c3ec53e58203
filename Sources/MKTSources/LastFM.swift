import Foundation
import MKTHTTP
import MKTMetadata

/// Last.fm's `album.getInfo`: the album's most used tags, which become
/// Gazelle tags when the files name no genre. (Its images are 300 px at
/// most, too small for a cover.)
public struct LastFM: Sendable {
    public let service: SourceConnection
    let apiKey: String

    public init(service: SourceConnection, apiKey: String) {
        self.service = service
        self.apiKey = apiKey
    }

    public func candidates(for local: ReleaseDescription) throws(SourceError) -> [ReleaseCandidate] {
        guard let title = local.title, let artist = local.artistRoles["main"]?.first ?? local.artists.first else { return [] }
        let query = FormEncoding.encode([
            ("method", "album.getinfo"), ("api_key", apiKey), ("artist", artist), ("album", title), ("autocorrect", "1"), ("format", "json"),
        ])
        guard let answer = try service.json("/2.0/?\(query)") else {
            return []
        }
        if let code = answer["error"] as? Int {
            switch code {
            case 6: return []  // not found
            case 10, 26: throw .refused(service.name)
            case 29: throw .answered(service.name, "that the rate limit is exceeded (error 29)")
            default: throw .answered(service.name, "error \(code): \(TextSanitizer.clean(answer["message"] as? String ?? ""))")
            }
        }
        guard let album = answer["album"] as? [String: Any], let name = album["name"] as? String else { return [] }
        let rawTags = ((album["tags"] as? [String: Any])?["tag"] as? [[String: Any]]) ?? []
        let tags = rawTags.compactMap { ($0["name"] as? String).map(TextSanitizer.clean) }.filter { !$0.isEmpty }
        let trackList = ((album["tracks"] as? [String: Any])?["track"] as? [[String: Any]]) ?? []
        var candidate = ReleaseCandidate(
            source: "lastfm", id: "\(album["artist"] as? String ?? artist)/\(name)", url: album["url"] as? String ?? "", title: TextSanitizer.clean(name),
            artists: [TextSanitizer.clean(album["artist"] as? String ?? artist)], guests: [], year: nil, label: nil, catalogueNumber: nil,
            barcode: nil, media: nil, trackCount: trackList.count, releaseType: .unknown, score: 0, cover: nil, releaseGroup: nil)
        candidate.tags = tags
        candidate.score = MusicBrainz.score(candidate, against: local)
        return [candidate]
    }
}
