import Foundation
import MKTCatalog
import MKTMetadata

/// A rip log sent with a CD upload (`logfiles[]`).
public struct AttachedFile: Equatable, Sendable {
    public let filename: String
    public let data: Data

    public init(filename: String, data: Data) {
        self.filename = filename
        self.data = data
    }
}

/// The upload forms, built from a release's description: pure functions, so
/// the exact fields each site gets are pinned by tests without a network.
public enum UploadForm {
    /// Gazelle's `importance[]` values, by mkt's role names (OPSnet/Gazelle lib/config.php ARTIST_*).
    public static let importance: [(role: String, value: Int)] = [
        ("main", 1), ("guest", 2), ("remixer", 3), ("composer", 4), ("conductor", 5), ("dj", 6), ("producer", 7), ("arranger", 8),
    ]

    /// Category index, 0-based as the form counts (§4.6).
    static let categories = ["Music": 0, "Audiobooks": 3]

    /// The Gazelle upload form for RED, OPS or DIC, without the torrent file.
    /// - Parameter groupID: an existing group to add the torrent to; the
    ///   group's artists, title, year, type, tags and description are then the site's.
    /// - Parameter torrentDescription: the torrent's own description (`release_desc`), shown on the torrent's page.
    public static func gazelle(
        _ release: ReleaseDescription, site: TrackerSite, groupID: Int?, dryRun: Bool, logs: [AttachedFile], torrentDescription: String? = nil
    ) throws(TrackerError) -> [MultipartField] {
        let family = site.family
        func required<T>(_ value: T?, _ field: String, _ what: String) throws(TrackerError) -> T {
            guard let value else { throw TrackerError(.validation, "the release has no \(what); set it in its metadata", field: field) }
            return value
        }
        guard let type = categories[release.category] else {
            throw TrackerError(.validation, "mkt uploads Music and Audiobooks, not \(release.category)", field: "type")
        }
        let isMusic = type == 0
        var fields: [MultipartField] = [.value("type", String(type))]
        let title = try required(release.title, "title", "title")
        let year = try required(release.originalYear ?? release.year, "year", "year")
        if let groupID {
            fields.append(.value("groupid", String(groupID)))
        } else if isMusic {
            let credits = importance.flatMap { role in (release.artistRoles[role.role] ?? []).map { ($0, role.value) } }
            // "Various Artists" is no artist on Gazelle: a compilation names its tracks' artists (ReleaseDescriber.roles).
            let artists = (credits.isEmpty ? release.artists.map { ($0, 1) } : credits).filter { $0.1 != 1 || !ReleaseDescriber.isVarious($0.0) }
            guard artists.contains(where: { $0.1 == 1 }) else {
                throw TrackerError(.validation, "the release has no main artist (\"Various Artists\" is not one); name them with --meta artists=A,B", field: "artists[]")
            }
            for (artist, value) in artists {
                fields.append(.value("artists[]", artist))
                fields.append(.value("importance[]", String(value)))
            }
            fields.append(.value("title", title))
            fields.append(.value("year", String(year)))
            let typeID = try required(site.releaseTypes.id(release.releaseType), "releasetype", "release type \(release.releaseType.rawValue) on \(site.name.uppercased()); choose another")
            fields.append(.value("releasetype", String(typeID)))
        } else {
            // Audiobooks: "Author - Title" is the title; no artists, media or release type.
            let author = release.author ?? release.artists.first
            fields.append(.value("title", author.map { "\($0) - \(title)" } ?? title))
            fields.append(.value("year", String(year)))
        }
        if groupID == nil {
            guard !release.tags.isEmpty else { throw TrackerError(.validation, "the release has no tags; add a genre", field: "tags") }
            fields.append(.value("tags", release.tags.joined(separator: ",")))
            fields.append(.value("album_desc", AlbumDescription.bbcode(release)))
        }
        // Edition fields are kept only with `remaster` set: without it both codebases file the
        // torrent as an unknown release (sections/upload/upload_handle.php in OPSnet/Gazelle and
        // in WhatCD/Gazelle, RED's ancestor); smoked-salmon sends it to RED, OPS and DIC alike.
        fields.append(.value("remaster", "1"))
        if let editionYear = release.year { fields.append(.value("remaster_year", String(editionYear))) }
        if let label = release.label { fields.append(.value("remaster_record_label", label)) }
        if let number = release.catalogueNumber { fields.append(.value("remaster_catalogue_number", number)) }
        let format = try required(release.format, "format", "format")
        let encoding = try required(release.encoding, "bitrate", "encoding")
        fields.append(.value("format", format))
        fields.append(.value("bitrate", encoding))
        fields += try otherBitrate(release, format: format, encoding: encoding)
        if isMusic {
            let media = try required(release.media, "media", "media (CD, WEB, Vinyl, …)")
            fields.append(.value("media", site.media(media)))
        }
        if let cover = release.coverURL ?? release.cover, cover.hasPrefix("https://") || cover.hasPrefix("http://") {
            fields.append(.value("image", cover))
        }
        // Gazelle keeps it as the torrent's description (sections/upload/upload_handle.php, OPSnet/Gazelle: TorrentDescription from release_desc).
        if let torrentDescription { fields.append(.value("release_desc", torrentDescription)) }
        // OPS otherwise assumes scripts send HTML-escaped text and unescapes ours.
        if family == .ops || family == .dic { fields.append(.value("workaround_broken_html_entities", "0")) }
        if dryRun && family == .red { fields.append(.value("dryrun", "1")) }
        if isMusic && release.media == "CD" && (release.encoding ?? "").hasSuffix("Lossless") {
            for log in logs {
                fields.append(.file("logfiles[]", log.data, filename: log.filename, contentType: "text/plain"))
            }
        }
        try checkByteLimits(fields, isMusic: isMusic, site: site)
        return fields
    }

    /// `bitrate=Other` needs `other_bitrate` (at most 9 bytes) and, for a
    /// variable rate, `vbr`: Gazelle refuses it otherwise ("You must enter the
    /// other bitrate", OPSnet/Gazelle sections/upload/upload_handle.php, which
    /// then files the encoding as the text plus " (VBR)" when `vbr` is set).
    /// FLAC is never Other there ("FLAC bitrate must be lossless").
    static func otherBitrate(_ release: ReleaseDescription, format: String, encoding: String) throws(TrackerError) -> [MultipartField] {
        guard encoding == "Other", format != "FLAC" else { return [] }
        guard let kbps = release.otherBitrate, kbps > 0 else {
            throw TrackerError(.validation, "the encoding is Other and the files give no average bitrate for other_bitrate; set an encoding the site lists (--meta encoding=…)", field: "other_bitrate")
        }
        let text = String(kbps)
        guard text.utf8.count <= otherBitrateLimit else {
            throw TrackerError(.validation, "the average bitrate \(text) is longer than the \(otherBitrateLimit) characters the site takes", field: "other_bitrate")
        }
        var fields: [MultipartField] = [.value("other_bitrate", text)]
        if release.otherBitrateIsVariable == true { fields.append(.value("vbr", "1")) }
        return fields
    }

    static let otherBitrateLimit = 9

    /// OPS's lengths, in bytes: its Validator measures with `strlen`
    /// (OPSnet/Gazelle app/Util/Validator.php), the limits are
    /// sections/upload/upload_handle.php's. Title and tags are checked only for
    /// a new group, the edition's label and number (when given) for music.
    static let opsByteLimits: [(field: String, range: ClosedRange<Int>, musicOnly: Bool)] = [
        ("title", 1...200, false), ("tags", 2...200, false),
        ("remaster_title", 1...80, true), ("remaster_record_label", 1...80, true), ("remaster_catalogue_number", 1...80, true),
    ]

    /// RED's and DIC's, from their ancestor's handler (WhatCD/Gazelle
    /// sections/upload/upload_handle.php, measured with strlen by
    /// classes/validate.class.php): the edition's fields take 2 to 80 bytes.
    static let whatcdByteLimits: [(field: String, range: ClosedRange<Int>, musicOnly: Bool)] = [
        ("title", 1...200, false), ("tags", 2...200, false),
        ("remaster_title", 2...80, true), ("remaster_record_label", 2...80, true), ("remaster_catalogue_number", 2...80, true),
    ]

    static func checkByteLimits(_ fields: [MultipartField], isMusic: Bool, site: TrackerSite) throws(TrackerError) {
        for limit in site.family == .ops ? opsByteLimits : whatcdByteLimits where isMusic || !limit.musicOnly {
            guard let text = fields.first(where: { $0.name == limit.field })?.text else { continue }
            let bytes = text.utf8.count
            guard !limit.range.contains(bytes) else { continue }
            throw TrackerError(.validation, "\(limit.field) is \(bytes) bytes in UTF-8; \(site.name.uppercased()) takes \(limit.range.lowerBound) to \(limit.range.upperBound)", field: limit.field)
        }
    }

    /// UNIT3D's API form (`/api/torrents/upload`), without the torrent file.
    /// - Parameter torrentDescription: goes after the album's in `description`, the one
    ///   description a UNIT3D torrent has (TorrentController::store in
    ///   HDInnovations/UNIT3D-Community-Edition app/Http/Controllers/API/TorrentController.php
    ///   takes `description`, `mediainfo` and `bdinfo`; the last two are for video).
    public static func unit3d(_ release: ReleaseDescription, name: String, categoryID: Int, typeID: Int, torrentDescription: String? = nil) -> [MultipartField] {
        let album = AlbumDescription.bbcode(release)
        var fields: [MultipartField] = [
            .value("name", name),
            .value("description", torrentDescription.map { album + "\n\n" + $0 } ?? album),
            .value("mediainfo", ""),
            .value("category_id", String(categoryID)),
            .value("type_id", String(typeID)),
        ]
        // Required numbers for every category; 0 means "none" for music and audiobooks.
        for id in ["imdb", "tvdb", "tmdb", "mal", "igdb"] { fields.append(.value(id, "0")) }
        fields += [.value("anonymous", "0"), .value("stream", "0"), .value("sd", "0"), .value("personal_release", "0")]
        if !release.tags.isEmpty { fields.append(.value("keywords", release.tags.joined(separator: ", "))) }
        return fields
    }
}

/// One form field: text, or a file.
public enum MultipartField: Equatable, Sendable {
    case value(String, String)
    case file(String, Data, filename: String, contentType: String)

    public var name: String {
        switch self {
        case .value(let name, _), .file(let name, _, _, _): name
        }
    }

    /// The text of a value field.
    public var text: String? {
        if case .value(_, let text) = self { return text }
        return nil
    }

    /// Fields that carry a session secret (DIC's form key, UNIT3D's token in a form): never printed.
    static let secretNames: Set<String> = ["auth", "api_token", "passkey"]

    /// A form as a person reads it, one line per field in the order sent:
    /// `name = value` (line breaks as `\n`), a file as `name = file NAME (N bytes)`,
    /// a secret field's value hidden. `limit` shortens long values (`mkt show`);
    /// without it every value is printed whole (`push --dry-run`).
    public static func preview(_ fields: [MultipartField], limit: Int? = nil) -> [String] {
        fields.map { field in
            switch field {
            case .value(let key, _) where secretNames.contains(key):
                return "\(key) = (the session's \(key), not shown)"
            case .value(let key, let value):
                let shown = limit.map { value.count > $0 ? String(value.prefix($0 - 3)) + "…" : value } ?? value
                return "\(key) = \(shown.replacingOccurrences(of: "\n", with: "\\n"))"
            case .file(let key, let data, let filename, _):
                return "\(key) = file \(filename) (\(data.count) bytes)"
            }
        }
    }
}

/// The album description in BBCode: title, facts, and the track list with
/// durations; an audiobook's is `AudiobookDescription`'s.
public enum AlbumDescription {
    public static func bbcode(_ release: ReleaseDescription) -> String {
        if release.category == "Audiobooks" { return AudiobookDescription.bbcode(release) }
        var lines: [String] = []
        let heading = plain([release.artists.joined(separator: " & "), release.title ?? ""].filter { !$0.isEmpty }.joined(separator: " – "))
        lines.append("[size=4][b]\(heading)[/b][/size]")
        lines.append("")
        if let year = release.originalYear ?? release.year { lines.append("[b]Year:[/b] \(year)") }
        if let label = release.label { lines.append("[b]Label:[/b] \(label)") }
        if let number = release.catalogueNumber { lines.append("[b]Catalogue number:[/b] \(number)") }
        if !release.genres.isEmpty { lines.append("[b]Genre:[/b] \(release.genres.joined(separator: ", "))") }
        if !release.tracks.isEmpty {
            lines.append("")
            lines.append("[b]Tracklist[/b]")
            let discs = Set(release.tracks.compactMap(\.disc)).count
            var total: Int64 = 0
            for (index, track) in release.tracks.enumerated() {
                let number = String(format: "%02d", track.number ?? index + 1)
                let position = discs > 1 ? "\(track.disc ?? 1)-\(number)" : number
                var line = "[b]\(position).[/b] \(plain(track.title ?? (track.path as NSString).lastPathComponent))"
                let artists = track.artists.filter { !release.artists.contains($0) }
                if !artists.isEmpty { line = "[b]\(position).[/b] \(plain(artists.joined(separator: " & "))) – \(plain(track.title ?? ""))" }
                // A guest the title already names ("Song (feat. X)") is not named twice.
                let title = (track.title ?? "").lowercased()
                let unnamed = track.guests.filter { !title.contains($0.lowercased()) }
                if !unnamed.isEmpty { line += " (feat. \(unnamed.joined(separator: " & ")))" }
                if let milliseconds = track.durationMilliseconds {
                    line += " [i](\(duration(milliseconds)))[/i]"
                    total = total.clampedAdding(max(milliseconds, 0))
                }
                lines.append(line)
            }
            if total > 0 {
                lines.append("")
                lines.append("[b]Total length:[/b] \(duration(total))")
            }
        }
        let links = sourceLinks(release.provenance ?? [:])
        if !links.isEmpty {
            lines.append("")
            lines.append("[b]More info:[/b] " + links.joined(separator: " | "))
        }
        return lines.joined(separator: "\n")
    }

    /// The pages of the releases the metadata came from (as yadg's and smoked-salmon's "More info" lines do).
    static func sourceLinks(_ provenance: [String: String]) -> [String] {
        let pages = Set(provenance.values.compactMap { origin -> String? in
            let parts = origin.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { return nil }
            switch parts[0] {
            case "musicbrainz", "coverartarchive": return "[url=https://musicbrainz.org/release/\(parts[1])]MusicBrainz[/url]"
            case "discogs": return "[url=https://www.discogs.com/release/\(parts[1])]Discogs[/url]"
            default: return nil
            }
        })
        return pages.sorted()
    }

    /// Text with `[` or `]` would read as BBCode: Gazelle's `[plain]` keeps it text.
    public static func plain(_ text: String) -> String {
        text.contains("[") || text.contains("]") ? "[plain]\(text)[/plain]" : text
    }

    /// `3:07`, `1:02:03`.
    static func duration(_ milliseconds: Int64) -> String {
        // A meta object's numbers are anyone's: they are clamped, never trusted to fit.
        let seconds = max(milliseconds, 0).clampedAdding(500) / 1000
        let (hours, minutes, rest) = (seconds / 3600, seconds % 3600 / 60, seconds % 60)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        // Interpolation, not %d, which takes 32 bits of a 64-bit number.
        return hours > 0 ? "\(hours):\(two(minutes)):\(two(rest))" : "\(minutes):\(two(rest))"
    }
}
