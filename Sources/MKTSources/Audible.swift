import Foundation
import MKTHTTP
import MKTMetadata

/// Audible's public catalogue search (`/1.0/catalog/products`, no key):
/// finds a book's ASIN by title and author, which Audnexus then describes.
public struct Audible: Sendable {
    public let service: SourceConnection

    public init(service: SourceConnection) {
        self.service = service
    }

    public func candidates(for local: ReleaseDescription, limit: Int = 5) throws(SourceError) -> [ReleaseCandidate] {
        guard let title = local.title else { return [] }
        var query = [("title", title)]
        if let author = local.author ?? local.artistRoles["main"]?.first ?? local.artists.first { query.append(("author", author)) }
        query += [("num_results", String(max(limit * 2, 10))), ("products_sort_by", "Relevance"),
                  ("response_groups", "contributors,product_attrs,product_desc,series,media")]
        guard let answer = try service.json("/1.0/catalog/products?\(FormEncoding.encode(query))") else { return [] }
        var candidates = (answer["products"] as? [[String: Any]] ?? []).compactMap(Self.candidate)
        let minutes = local.tracks.compactMap(\.durationMilliseconds).reduce(0, +) / 60_000
        for index in candidates.indices { candidates[index].score = Self.score(candidates[index], against: local, minutes: minutes) }
        candidates.sort { ($0.score, $0.id) > ($1.score, $1.id) }
        return Array(candidates.prefix(limit))
    }

    static func candidate(_ product: [String: Any]) -> ReleaseCandidate? {
        guard let asin = product["asin"] as? String, asin.allSatisfy({ $0.isLetter || $0.isNumber }), let title = product["title"] as? String else { return nil }
        let names = { (key: String) in ((product[key] as? [[String: Any]]) ?? []).compactMap { ($0["name"] as? String).map(TextSanitizer.clean) } }
        let series = (product["series"] as? [[String: Any]])?.first.flatMap { series -> String? in
            guard let name = series["title"] as? String else { return nil }
            return TextSanitizer.clean(name) + ((series["sequence"] as? String).map { " #\($0)" } ?? "")
        }
        var candidate = ReleaseCandidate(
            source: "audible", id: asin, url: "https://www.audible.com/pd/\(asin)", title: TextSanitizer.clean(title),
            artists: names("authors"), guests: [], year: (product["release_date"] as? String).flatMap { Int($0.prefix(4)) },
            label: (product["publisher_name"] as? String).map(TextSanitizer.clean), catalogueNumber: nil, barcode: nil, media: "WEB",
            trackCount: 0, releaseType: .unknown, score: 0, cover: nil, releaseGroup: nil)
        candidate.narrators = names("narrators")
        candidate.series = series
        candidate.runtimeMinutes = product["runtime_length_min"] as? Int
        return candidate
    }

    /// A book is its title and author: title 50 and author 35 (the same
    /// similarity as for music), the running time 10 (within 2 %, 5 within
    /// 10 %: editions differ in credits), the year 5. The same title and
    /// author score 85, what `clearMatch` asks for.
    static func score(_ candidate: ReleaseCandidate, against local: ReleaseDescription, minutes: Int64) -> Int {
        var score = 0
        if let title = local.title { score += Int(50 * MusicBrainz.similarity(title, candidate.title)) }
        if let author = local.author ?? local.artistRoles["main"]?.first ?? local.artists.first, let theirs = candidate.artists.first {
            score += Int(35 * MusicBrainz.similarity(author, theirs))
        }
        if minutes > 0, let theirs = candidate.runtimeMinutes, theirs > 0 {
            let off = abs(Double(theirs) - Double(minutes)) / Double(theirs)
            score += off <= 0.02 ? 10 : off <= 0.1 ? 5 : 0
        }
        if let year = local.year, let theirs = candidate.year, year == theirs { score += 5 }
        return min(100, score)
    }

    /// The best book when it is clearly the one: 85 or more, and 10 ahead of the next.
    public static func clearMatch(_ candidates: [ReleaseCandidate]) -> ReleaseCandidate? {
        ReleaseCandidate.clearMatch(candidates, minimum: 85)
    }
}
