import Foundation
import MKTHTTP
import MKTMetadata

/// A release a web source offers for the local one, scored against it.
public struct ReleaseCandidate: Sendable {
    public var source: String
    public var id: String
    public var url: String
    public var title: String
    public var artists: [String]
    public var guests: [String]
    public var year: Int?
    public var label: String?
    public var catalogueNumber: String?
    public var barcode: String?
    public var media: String?
    public var trackCount: Int
    public var releaseType: ReleaseType
    /// 0 to 100: how well it matches the local files.
    public var score: Int
    public var cover: String?
    /// MusicBrainz's release group: where the Cover Art Archive looks when the release has no front.
    public var releaseGroup: String?
    /// Genre tags, most used first (Last.fm).
    public var tags: [String] = []
    /// Audiobooks (Audnexus): narrators, `Series #n`, and chapters.
    public var narrators: [String] = []
    public var series: String?
    public var chapters: [(title: String, startMilliseconds: Int64)] = []
    /// Audnexus: the publisher's summary, as plain text.
    public var synopsis: String?
    /// Audible: the book's running time.
    public var runtimeMinutes: Int?
    /// MusicBrainz's lookup: the track list, in order, with lengths when known.
    public var tracks: [(title: String, lengthMilliseconds: Int?)] = []

    public var json: [String: Any] {
        var object: [String: Any] = [
            "source": source, "id": id, "url": url, "title": title, "artists": artists, "guests": guests,
            "trackCount": trackCount, "releaseType": releaseType.rawValue, "score": score,
        ]
        object["year"] = year
        object["label"] = label
        object["catalogueNumber"] = catalogueNumber
        object["barcode"] = barcode
        object["media"] = media
        object["cover"] = cover
        object["releaseGroup"] = releaseGroup
        if !tags.isEmpty { object["tags"] = tags }
        if !narrators.isEmpty { object["narrators"] = narrators }
        object["series"] = series
        if !chapters.isEmpty { object["chapters"] = chapters.map { ["title": $0.title, "startMilliseconds": $0.startMilliseconds] } }
        object["runtimeMinutes"] = runtimeMinutes
        object["synopsis"] = synopsis
        if !tracks.isEmpty {
            object["tracks"] = tracks.map { track -> [String: Any] in
                var item: [String: Any] = ["title": track.title]
                item["lengthMilliseconds"] = track.lengthMilliseconds
                return item
            }
        }
        return object
    }
}

/// MusicBrainz web service v2 (searches in Lucene syntax, JSON answers) and
/// the Cover Art Archive, which is keyed by MusicBrainz release ids.
public struct MusicBrainz: Sendable {
    public let service: SourceConnection
    public let coverArt: SourceConnection?

    public init(service: SourceConnection, coverArt: SourceConnection?) {
        self.service = service
        self.coverArt = coverArt
    }

    /// Releases matching the local description, best first: by its barcode
    /// when it has one (exact), then by title and artist (the catalogue
    /// number adds to the score), or by catalogue number and label when
    /// there is no title; each search runs only if the one before found nothing.
    public func candidates(for local: ReleaseDescription, limit: Int = 5) throws(SourceError) -> [ReleaseCandidate] {
        if let mbid = local.mbid, MusicBrainzID.isValid(mbid), let exact = try release(mbid) { return [exact] }
        var searches: [[String]] = []
        if let barcode = local.barcode { searches.append(["barcode:\(Self.escape(barcode))"]) }
        if let title = local.title {
            var terms = ["release:(\(Self.escape(title)))"]
            if let artist = local.artistRoles["main"]?.first ?? local.artists.first { terms.append("artist:(\(Self.escape(artist)))") }
            if !local.tracks.isEmpty { terms.append("tracks:\(local.tracks.count)") }
            searches.append(terms)
        } else if let number = local.catalogueNumber {
            searches.append(["catno:(\(Self.escape(number)))"] + (local.label.map { ["label:(\(Self.escape($0)))"] } ?? []))
        }
        var releases: [[String: Any]] = []
        for terms in searches where releases.isEmpty {
            let query = FormEncoding.encode([("query", terms.joined(separator: " AND ")), ("fmt", "json"), ("limit", String(max(limit * 2, 10)))])
            releases = try service.json("/ws/2/release/?\(query)")?["releases"] as? [[String: Any]] ?? []
        }
        var candidates = releases.compactMap { Self.candidate($0, base: service.baseURL) }
        for index in candidates.indices { candidates[index].score = Self.score(candidates[index], against: local) }
        candidates.sort { ($0.score, $0.id) > ($1.score, $1.id) }
        candidates = Array(candidates.prefix(limit))
        if let coverArt {
            for index in candidates.indices { candidates[index].cover = try? Self.front(of: candidates[index], from: coverArt) }
        }
        return candidates
    }

    /// The release with this id (the tags' MUSICBRAINZ_ALBUMID, or `--meta
    /// mbid=`), looked up with its credits, labels, release group and track
    /// list: the exact match, scored 100; nil when MusicBrainz has no such release.
    public func release(_ mbid: String) throws(SourceError) -> ReleaseCandidate? {
        let query = FormEncoding.encode([("inc", "artist-credits+labels+recordings+release-groups+media"), ("fmt", "json")])
        guard let answer = try service.json("/ws/2/release/\(mbid.lowercased())?\(query)"), var candidate = Self.candidate(answer, base: service.baseURL) else {
            return nil
        }
        candidate.score = 100
        candidate.tracks = (answer["media"] as? [[String: Any]] ?? []).flatMap { medium in
            (medium["tracks"] as? [[String: Any]] ?? []).compactMap { track -> (title: String, lengthMilliseconds: Int?)? in
                guard let title = track["title"] as? String else { return nil }
                return (TextSanitizer.clean(title), track["length"] as? Int)
            }
        }
        if let coverArt { candidate.cover = try? Self.front(of: candidate, from: coverArt) }
        return candidate
    }

    // MARK: - Answers

    static func candidate(_ release: [String: Any], base: String) -> ReleaseCandidate? {
        guard let id = release["id"] as? String, let title = release["title"] as? String else { return nil }
        let (artists, guests) = Self.artists(release["artist-credit"] as? [[String: Any]] ?? [])
        let group = release["release-group"] as? [String: Any] ?? [:]
        let labelInfo = (release["label-info"] as? [[String: Any]])?.first
        let media = release["media"] as? [[String: Any]] ?? []
        let trackCount = (release["track-count"] as? Int) ?? media.reduce(0) { $0 + (($1["track-count"] as? Int) ?? 0) }
        return ReleaseCandidate(
            source: "musicbrainz", id: id, url: "https://musicbrainz.org/release/\(id)", title: TextSanitizer.clean(title),
            artists: artists, guests: guests, year: (release["date"] as? String).flatMap { Int($0.prefix(4)) },
            label: ((labelInfo?["label"] as? [String: Any])?["name"] as? String).map(TextSanitizer.clean),
            catalogueNumber: (labelInfo?["catalog-number"] as? String).map(TextSanitizer.clean),
            barcode: release["barcode"] as? String, media: (media.first?["format"] as? String).map(Self.media),
            trackCount: trackCount,
            releaseType: ReleaseType(musicBrainzPrimary: group["primary-type"] as? String, secondary: group["secondary-types"] as? [String] ?? [],
                                          status: release["status"] as? String, artists: artists.count),
            score: 0, cover: nil, releaseGroup: group["id"] as? String)
    }

    /// Names joined by their join phrases; everyone after a "feat." phrase is a guest.
    static func artists(_ credits: [[String: Any]]) -> (main: [String], guests: [String]) {
        var main: [String] = []
        var guests: [String] = []
        var featuring = false
        for credit in credits {
            let name = TextSanitizer.clean(credit["name"] as? String ?? (credit["artist"] as? [String: Any])?["name"] as? String ?? "")
            if !name.isEmpty { featuring ? guests.append(name) : main.append(name) }
            let phrase = (credit["joinphrase"] as? String ?? "").lowercased()
            if phrase.contains("feat") || phrase.contains(" ft.") || phrase.contains("with") { featuring = true }
        }
        return (main, guests)
    }

    static func media(_ format: String) -> String {
        switch format.lowercased() {
        case let text where text.contains("vinyl"): "Vinyl"
        case "digital media": "WEB"
        case let text where text.contains("sacd"): "SACD"
        case let text where text.contains("cd"): "CD"
        case "cassette": "Cassette"
        case "dvd", "dvd-audio", "dvd-video": "DVD"
        case "blu-ray": "BD"
        case "dat": "DAT"
        default: format
        }
    }

    /// Title and artist carry most; the track count, year, catalogue number
    /// and track durations settle between editions.
    static func score(_ candidate: ReleaseCandidate, against local: ReleaseDescription) -> Int {
        var score = 0
        if let title = local.title { score += Int(40 * similarity(title, candidate.title)) }
        if let artist = local.artistRoles["main"]?.first ?? local.artists.first, let theirs = candidate.artists.first {
            score += Int(25 * similarity(artist, theirs))
        }
        if !local.tracks.isEmpty { score += local.tracks.count == candidate.trackCount ? 20 : 0 }
        if let year = local.year, let theirs = candidate.year { score += year == theirs ? 10 : abs(year - theirs) <= 1 ? 5 : 0 }
        if let number = local.catalogueNumber, let theirs = candidate.catalogueNumber, fold(number) == fold(theirs) { score += 5 }
        // The same barcode is the same release (a UPC is an EAN with its leading zero dropped).
        if let barcode = local.barcode, let theirs = candidate.barcode, !barcode.isEmpty,
            barcode.drop { $0 == "0" } == theirs.drop { $0 == "0" } { return 100 }
        return min(100, score)
    }

    /// 1 for the same words (case, accents and punctuation aside), less as
    /// they differ (Dice coefficient over letter pairs).
    static func similarity(_ a: String, _ b: String) -> Double {
        let (x, y) = (fold(a), fold(b))
        if x == y { return 1 }
        func pairs(_ text: String) -> [String] {
            let characters = Array(text)
            return characters.count < 2 ? [text] : (0..<characters.count - 1).map { String(characters[$0...$0 + 1]) }
        }
        var remaining = pairs(y)
        var shared = 0
        for pair in pairs(x) {
            if let index = remaining.firstIndex(of: pair) {
                shared += 1
                remaining.remove(at: index)
            }
        }
        let total = pairs(x).count + pairs(y).count
        return total == 0 ? 0 : Double(2 * shared) / Double(total)
    }

    static func fold(_ text: String) -> String {
        text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).filter { $0.isLetter || $0.isNumber }
    }

    /// Lucene's special characters, escaped.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            if "+-&|!(){}[]^\"~*?:\\/".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }

    /// The front image of a release, at 1200 px when the archive has that size.
    static func front(of candidate: ReleaseCandidate, from archive: SourceConnection) throws(SourceError) -> String? {
        for path in ["/release/\(candidate.id)"] + (candidate.releaseGroup.map { ["/release-group/\($0)"] } ?? []) {
            guard let answer = try archive.json(path) else { continue }
            let images = answer["images"] as? [[String: Any]] ?? []
            guard let front = images.first(where: { ($0["front"] as? Bool) == true || (($0["types"] as? [String]) ?? []).contains("Front") }) else { continue }
            let thumbnails = front["thumbnails"] as? [String: Any] ?? [:]
            // The archive's listing can point at a file that is gone: the URL must answer with an image.
            if let url = [thumbnails["1200"] as? String, front["image"] as? String].compactMap({ $0 }).first(where: { archive.isImage($0) }) {
                return url
            }
        }
        return nil
    }
}

extension ReleaseCandidate {
    /// The best of candidates sorted best first, when it is clearly the one:
    /// `minimum` or more, and 10 ahead of the next. What mkt takes without asking.
    public static func clearMatch(_ candidates: [ReleaseCandidate], minimum: Int = 90) -> ReleaseCandidate? {
        guard let best = candidates.first, best.score >= minimum, best.score - (candidates.dropFirst().first?.score ?? 0) >= 10 else { return nil }
        return best
    }

    /// The local description with what this candidate knows better or the
    /// files did not say: the release type, label, catalogue number, year and
    /// media when missing, the cover's web address. Each field taken is
    /// named in `provenance` as `source:id`. With `onlyGaps` (a second
    /// source after MusicBrainz), only what is still unknown is filled.
    public func merged(into local: ReleaseDescription, onlyGaps: Bool = false) -> ReleaseDescription {
        var merged = local
        var provenance = local.provenance ?? [:]
        let origin = "\(source):\(id)"
        // A type mkt only guessed is a gap: any source's word replaces it (and its mark).
        let typeIsGap = local.releaseType == .unknown || local.releaseTypeIsGuess
        if releaseType != .unknown, releaseType != local.releaseType || local.releaseTypeIsGuess, !onlyGaps || typeIsGap {
            merged.releaseType = releaseType
            provenance["releaseType"] = origin
        }
        /// Sets a field the files left empty, and says where it came from.
        func fill<Value>(_ field: WritableKeyPath<ReleaseDescription, Value?>, _ name: String, with value: Value?) {
            guard local[keyPath: field] == nil, let value else { return }
            merged[keyPath: field] = value
            provenance[name] = origin
        }
        fill(\.label, "label", with: label)
        fill(\.catalogueNumber, "catalogueNumber", with: catalogueNumber)
        fill(\.barcode, "barcode", with: barcode)
        fill(\.year, "year", with: year)
        fill(\.media, "media", with: media)
        if let cover, !onlyGaps || local.coverURL == nil {
            merged.coverURL = cover
            provenance["coverURL"] = source == "musicbrainz" ? "coverartarchive:\(id)" : origin
        }
        if local.tags.isEmpty, !tags.isEmpty {
            merged.genres = Array(tags.prefix(5))
            merged.tags = Genres.tags(from: merged.genres)
            provenance["tags"] = origin
        }
        if source == "audible" { fill(\.asin, "asin", with: id) }
        if source == "audnexus" || source == "audible" {
            fill(\.author, "author", with: artists.first)
            fill(\.narrator, "narrator", with: narrators.isEmpty ? nil : narrators.joined(separator: ", "))
            fill(\.series, "series", with: series)
            fill(\.synopsis, "synopsis", with: synopsis)
            // A single file the tags give no chapters: Audible's chapters are that file's.
            if local.chapters.isEmpty, local.tracks.count == 1, let path = local.tracks.first?.path, !chapters.isEmpty {
                merged.chapters = [path: chapters.map { AudioFacts.Chapter(startMilliseconds: max($0.startMilliseconds, 0), title: $0.title) }]
                provenance["chapters"] = origin
            }
        }
        merged.provenance = provenance.isEmpty ? nil : provenance
        return merged
    }
}
