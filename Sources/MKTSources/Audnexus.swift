import Foundation
import MKTMetadata

/// Audnexus (api.audnex.us): Audible's book data by ASIN — authors,
/// narrators, series, cover, chapters. It has no search: the ASIN comes from
/// the description (`--meta asin=`).
public struct Audnexus: Sendable {
    public let service: SourceConnection

    public init(service: SourceConnection) {
        self.service = service
    }

    public func candidates(for local: ReleaseDescription) throws(SourceError) -> [ReleaseCandidate] {
        guard let asin = local.asin, asin.allSatisfy({ $0.isLetter || $0.isNumber }), !asin.isEmpty else {
            throw .local(service.name, "the release has no ASIN; give it with: mkt edit REL --meta asin=B0…")
        }
        guard let book = try service.json("/books/\(asin)"), let title = book["title"] as? String else { return [] }
        let names = { (key: String) in ((book[key] as? [[String: Any]]) ?? []).compactMap { ($0["name"] as? String).map(TextSanitizer.clean) } }
        let series = (book["seriesPrimary"] as? [String: Any]).flatMap { series -> String? in
            guard let name = series["name"] as? String else { return nil }
            return TextSanitizer.clean(name) + ((series["position"] as? String).map { " #\($0)" } ?? "")
        }
        let chapterList = ((try service.json("/books/\(asin)/chapters"))?["chapters"] as? [[String: Any]]) ?? []
        var candidate = ReleaseCandidate(
            source: "audnexus", id: asin, url: "https://audible.com/pd/\(asin)", title: TextSanitizer.clean(title),
            artists: names("authors"), guests: [], year: (book["releaseDate"] as? String).flatMap { Int($0.prefix(4)) },
            label: (book["publisherName"] as? String).map(TextSanitizer.clean), catalogueNumber: nil, barcode: nil, media: "WEB",
            trackCount: chapterList.count, releaseType: .unknown, score: 0, cover: book["image"] as? String, releaseGroup: nil)
        candidate.narrators = names("narrators")
        candidate.series = series
        // `summary` is HTML; `description` a plain shorter text. Either, as text with its paragraphs.
        candidate.synopsis = [book["summary"], book["description"]].compactMap { ($0 as? String).map(TextSanitizer.clean) }.first { !$0.isEmpty }
        candidate.chapters = chapterList.compactMap { chapter in
            guard let title = chapter["title"] as? String, let start = (chapter["startOffsetMs"] as? NSNumber)?.int64Value else { return nil }
            return (TextSanitizer.clean(title), start)
        }
        candidate.tags = ((book["genres"] as? [[String: Any]]) ?? []).compactMap { ($0["name"] as? String).map(TextSanitizer.clean) }
        candidate.score = MusicBrainz.score(candidate, against: local)
        return [candidate]
    }
}
