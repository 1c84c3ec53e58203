import Foundation

/// What a release is, consolidated from its files' tags and its folder name:
/// the facts a tracker's upload form asks for. Every string is cleaned
/// (`TextSanitizer`), so equal descriptions have equal bytes.
public struct ReleaseDescription: Codable, Equatable, Sendable {
    public struct Track: Codable, Equatable, Sendable {
        public var path: String
        public var disc: Int?
        public var number: Int?
        public var title: String?
        public var artists: [String]
        public var guests: [String]
        public var durationMilliseconds: Int64?

        public init(path: String, disc: Int? = nil, number: Int? = nil, title: String? = nil, artists: [String] = [], guests: [String] = [], durationMilliseconds: Int64? = nil) {
            self.path = path
            self.disc = disc
            self.number = number
            self.title = title
            self.artists = artists
            self.guests = guests
            self.durationMilliseconds = durationMilliseconds
        }
    }

    /// A field on which the tracks disagree: the value chosen, and the files that say otherwise.
    public struct Conflict: Codable, Equatable, Sendable {
        public var field: String
        public var chosen: String
        public var dissenting: [String: String]
    }

    public var artists: [String] = []
    /// Everyone credited, by Gazelle's roles: main, guest, composer, conductor, dj, remixer, producer.
    public var artistRoles: [String: [String]] = [:]
    public var title: String?
    public var year: Int?
    public var originalYear: Int?
    public var label: String?
    public var catalogueNumber: String?
    /// The UPC or EAN printed on the release: MusicBrainz finds a release by it exactly.
    public var barcode: String?
    /// MusicBrainz's id of the release (Picard writes it into the tags): the exact match.
    public var mbid: String?
    public var genres: [String] = []
    /// Gazelle-form tags from the genres (`hip.hop`).
    public var tags: [String] = []
    public var format: String?
    public var encoding: String?
    /// For an encoding of `Other`: the files' average bitrate in kbit/s, which
    /// Gazelle's form wants beside it (`other_bitrate`), and whether the files
    /// say they are variable-bitrate (the form's `vbr` box).
    public var otherBitrate: Int?
    public var otherBitrateIsVariable: Bool?
    public var media: String?
    public var releaseType: ReleaseType = .unknown
    /// `Music`, or `Audiobooks` for .m4b files or an audiobook genre.
    public var category = "Music"
    public var author: String?
    public var narrator: String?
    public var series: String?
    /// Audible's id of an audiobook (what Audnexus is asked by).
    public var asin: String?
    /// An audiobook's publisher summary, as plain text (Audnexus's `summary`).
    public var synopsis: String?
    /// Audiobook chapters, file by file.
    public var chapters: [String: [AudioFacts.Chapter]] = [:]
    /// `embedded:<file>` or the image file chosen as the cover.
    public var cover: String?
    /// A web address of the cover (the Cover Art Archive's, say): what upload forms take.
    public var coverURL: String?
    /// Where fields came from when not from the files: field name -> `source:id`,
    /// or `guess` for a value mkt inferred (a release type from the track count)
    /// that a push refuses until the user confirms it.
    public var provenance: [String: String]?

    public static let guessed = "guess"

    /// The release type is mkt's inference, not a tag's, a source's or the user's word.
    public var releaseTypeIsGuess: Bool { provenance?["releaseType"] == Self.guessed }
    public var tracks: [Track] = []
    public var conflicts: [Conflict] = []
    /// Plain sentences about what does not add up (the folder name against the files, the year against the media).
    public var problems: [String] = []

    public init() {}

    /// Canonical JSON: sorted keys, slashes unescaped.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}

public enum ReleaseDescriber {
    /// Tag names per field, across Vorbis comments, ID3 frames, MP4 items and APEv2.
    static let fields: [String: [String]] = [
        "title": ["TITLE", "TIT2", "©nam", "APE:TITLE"],
        "artist": ["ARTIST", "TPE1", "©ART", "APE:ARTIST"],
        "albumArtist": ["ALBUMARTIST", "ALBUM ARTIST", "TPE2", "aART", "APE:ALBUM ARTIST", "APE:ALBUMARTIST"],
        "album": ["ALBUM", "TALB", "©alb", "APE:ALBUM"],
        "date": ["DATE", "YEAR", "TDRC", "TYER", "©day", "APE:YEAR"],
        "originalDate": ["ORIGINALDATE", "ORIGINALYEAR", "TDOR", "TORY"],
        "track": ["TRACKNUMBER", "TRCK", "trkn", "APE:TRACK"],
        "disc": ["DISCNUMBER", "TPOS", "disk", "APE:DISC"],
        "genre": ["GENRE", "TCON", "©gen", "APE:GENRE"],
        "label": ["LABEL", "ORGANIZATION", "PUBLISHER", "TPUB", "----:com.apple.iTunes:LABEL", "APE:LABEL"],
        "catalogueNumber": ["CATALOGNUMBER", "CATALOGUENUMBER", "TXXX:CATALOGNUMBER", "----:com.apple.iTunes:CATALOGNUMBER", "APE:CATALOGNUMBER"],
        "barcode": ["BARCODE", "UPC", "EAN", "TXXX:BARCODE", "----:com.apple.iTunes:BARCODE", "APE:BARCODE"],
        "mbid": ["MUSICBRAINZ_ALBUMID", "TXXX:MusicBrainz Album Id", "----:com.apple.iTunes:MusicBrainz Album Id", "APE:MUSICBRAINZ_ALBUMID"],
        "compilation": ["COMPILATION", "TCMP", "cpil"],
        "narrator": ["NARRATOR", "TXXX:NARRATOR", "----:com.apple.iTunes:NARRATOR", "COMPOSER", "TCOM", "©wrt"],
        "series": ["SERIES", "TXXX:SERIES", "----:com.apple.iTunes:SERIES", "MVNM", "©mvn"],
        "composer": ["COMPOSER", "TCOM", "©wrt", "APE:COMPOSER"],
        "conductor": ["CONDUCTOR", "TPE3", "APE:CONDUCTOR"],
        "producer": ["PRODUCER", "TXXX:PRODUCER", "----:com.apple.iTunes:PRODUCER"],
        "remixer": ["REMIXER", "MIXARTIST", "TPE4", "----:com.apple.iTunes:REMIXER"],
        "dj": ["DJMIXER", "TXXX:DJMIXER", "----:com.apple.iTunes:DJMIXER"],
        // MusicBrainz Picard's release type (its tag mapping: RELEASETYPE in Vorbis comments, TXXX in ID3, a freeform atom in MP4).
        "releaseType": ["RELEASETYPE", "TXXX:MusicBrainz Album Type", "----:com.apple.iTunes:MusicBrainz Album Type", "MUSICBRAINZ_ALBUMTYPE"],
    ]

    static func values(_ field: String, in facts: AudioFacts) -> [String] {
        for name in fields[field] ?? [] {
            if let values = facts.tags[name], !values.isEmpty { return values.map(TextSanitizer.clean).filter { !$0.isEmpty } }
        }
        return []
    }

    /// - Parameters:
    ///   - name: the release folder's name.
    ///   - files: every file's relative path; `facts` holds the audio files' facts by path.
    public static func describe(name: String, files: [String], facts: FileMap<AudioFacts>, media: String?) -> ReleaseDescription {
        var description = ReleaseDescription()
        let folder = FolderName(parsing: name)
        let audio = files.filter { facts[$0] != nil }
        description.media = media ?? folder.media
        description.tracks = audio.map { path in
            let track = facts[path]!
            let (number, _) = pair(values("track", in: track).first)
            let (disc, _) = pair(values("disc", in: track).first)
            let title = values("title", in: track).first
            var artists = values("artist", in: track)
            var guests: [String] = []
            for index in artists.indices {
                let (main, featured) = splitFeatured(artists[index])
                artists[index] = main
                guests += featured
            }
            // A guest named only in the title ("Song (feat. X)") is a guest too; the title stays as tagged.
            if let title { guests += splitFeatured(title).1.filter { !guests.contains($0) } }
            return ReleaseDescription.Track(
                path: path, disc: disc, number: number, title: title, artists: artists, guests: guests,
                durationMilliseconds: track.durationMilliseconds)
        }.sorted { ($0.disc ?? 1, $0.number ?? Int.max, $0.path) < ($1.disc ?? 1, $1.number ?? Int.max, $1.path) }

        func vote(_ field: String) -> String? {
            var votes: [String: [String]] = [:]
            for path in audio { if let value = values(field, in: facts[path]!).first { votes[value, default: []].append(path) } }
            guard let winner = votes.max(by: { ($0.value.count, $1.key) < ($1.value.count, $0.key) }) else { return nil }
            if votes.count > 1 {
                var dissenting: [String: String] = [:]
                for (value, paths) in votes where value != winner.key { for path in paths { dissenting[path] = value } }
                description.conflicts.append(.init(field: field, chosen: winner.key, dissenting: dissenting))
            }
            return winner.key
        }

        description.title = vote("album") ?? folder.album.map(TextSanitizer.clean)
        let trackArtists = Set(description.tracks.flatMap(\.artists))
        let compilation = vote("compilation").map { $0 == "1" || $0.lowercased() == "true" } ?? false
        if let albumArtist = vote("albumArtist") {
            description.artists = [albumArtist]
        } else if trackArtists.count == 1 {
            description.artists = Array(trackArtists)
        } else if trackArtists.count >= 6 || compilation {
            description.artists = ["Various Artists"]
        } else {
            description.artists = trackArtists.sorted()
        }
        if description.artists.isEmpty, let artist = folder.artist { description.artists = [TextSanitizer.clean(artist)] }
        description.year = vote("date").flatMap(Years.parse) ?? folder.year
        description.originalYear = vote("originalDate").flatMap(Years.parse)
        description.label = vote("label")
        description.catalogueNumber = vote("catalogueNumber") ?? folder.catalogueNumber
        description.barcode = vote("barcode").flatMap { $0.allSatisfy(\.isNumber) ? $0 : nil }
        description.mbid = vote("mbid").flatMap { MusicBrainzID.isValid($0) ? $0.lowercased() : nil }
        var genres: [String] = []
        for path in audio { for genre in values("genre", in: facts[path]!) where !genres.contains(genre) { genres.append(genre) } }
        description.genres = genres
        description.tags = Genres.tags(from: genres)

        let read = audio.map { facts[$0]! }
        let codecs = Set(read.map(\.codec))
        if codecs.count == 1, let codec = codecs.first {
            description.format = codec == "Vorbis" ? "Ogg Vorbis" : codec
            if codec == "FLAC" || codec == "ALAC" {
                description.encoding = AudioFacts.losslessEncoding(bitDepth: read.compactMap(\.bitDepth).max())
            } else {
                let encodings = Set(read.map(\.encoding))
                if encodings.count == 1 { description.encoding = encodings.first! }
                if description.encoding == "Other" {
                    let rates = read.compactMap(\.bitrate)
                    if !rates.isEmpty {
                        // The mean in bit/s, rounded to a kbit/s.
                        let total = rates.reduce(Int64(0)) { $0.clampedAdding(Int64($1)) }
                        description.otherBitrate = Int((total / Int64(rates.count) + 500) / 1000)
                    }
                    description.otherBitrateIsVariable = read.contains { $0.bitrateMode == "VBR" }
                }
            }
        }
        if files.contains(where: { $0.lowercased().hasSuffix(".m4b") }) || description.tags.contains(where: { $0.hasPrefix("audiobook") }) {
            description.category = "Audiobooks"
            description.author = description.artists.first
            description.narrator = vote("narrator")
            description.series = vote("series")
            for path in audio where !facts[path]!.chapters.isEmpty {
                description.chapters[path] = facts[path]!.chapters.map { .init(startMilliseconds: $0.startMilliseconds, title: TextSanitizer.clean($0.title)) }
            }
        }
        if let tagged = ReleaseType(tagValues: audio.flatMap { values("releaseType", in: facts[$0]!) }) {
            description.releaseType = tagged
        } else if description.category != "Audiobooks" {
            // A book has no release type on any site's form: nothing to guess, nothing for the user to confirm.
            description.releaseType = ReleaseType.suggest(
                title: description.title ?? name, trackTitles: description.tracks.compactMap(\.title), mainArtists: trackArtists, compilation: compilation)
            if description.releaseType != .unknown { description.provenance = ["releaseType": ReleaseDescription.guessed] }
        }
        description.artistRoles = roles(description: description, audio: audio, facts: facts)
        description.cover = chooseCover(files: files, audio: audio, facts: facts)
        description.problems = problems(folder: folder, description: description, read: read)
        return description
    }

    /// Credits by Gazelle's roles, each name once per role, in track order
    /// (importance numbers: `UploadForm.importance`, OPSnet/Gazelle lib/config.php):
    /// - main: the album artist split into its names, as smoked-salmon splits
    ///   artist tags (src/salmon/common/constants.py SPLIT_CHARS) but for its
    ///   bare "/" and ", " (they cut "AC/DC" and "Earth, Wind & Fire" apart),
    ///   with a "feat." credit going to the guests; "Various Artists" is never a
    ///   main artist: a compilation's main artists are its tracks' (smoked-salmon
    ///   src/salmon/tagger/metadata.py remove_various_artists, then the release's
    ///   artists from the tracks'); a composer or conductor is not also main
    ///   (smoked-salmon src/salmon/tagger/pre_data.py construct_track_artists).
    /// - guest: "feat." credits in track artists and titles; remixer: REMIXER
    ///   tags and "(Name Remix)" titles; conductor, producer, dj: their tags.
    /// - composer: COMPOSER tags only for classical music or a soundtrack, where
    ///   the composer is the credit the site files it under; smoked-salmon requires
    ///   a COMPOSER tag for its classical genres (src/salmon/tagger/tags.py
    ///   CLASSICAL_GENRES), and elsewhere the tag names songwriters, who are no
    ///   artist of the release.
    static func roles(description: ReleaseDescription, audio: [String], facts: FileMap<AudioFacts>) -> [String: [String]] {
        var roles: [String: [String]] = [:]
        func add(_ name: String, as role: String) {
            guard !name.isEmpty, !(roles[role] ?? []).contains(name) else { return }
            roles[role, default: []].append(name)
        }
        var tagged: [String: [String]] = [:]
        for role in ["composer", "conductor", "producer", "remixer", "dj"] {
            for path in audio { for value in values(role, in: facts[path]!) { tagged[role, default: []] += splitArtists(value) } }
        }
        let composersCount = isClassical(description) || description.releaseType == .soundtrack
        let credited = Set((tagged["conductor"] ?? []) + (composersCount ? tagged["composer"] ?? [] : []))
        var main: [String] = []
        for artist in description.artists {
            let (names, guests) = splitFeatured(artist)
            main += splitArtists(names).filter { !isVarious($0) }
            guests.forEach { add($0, as: "guest") }
        }
        if main.isEmpty { main = description.tracks.flatMap(\.artists).flatMap(splitArtists).filter { !isVarious($0) } }
        let performers = main.filter { !credited.contains($0) }
        (performers.isEmpty ? main : performers).forEach { add($0, as: "main") }
        for track in description.tracks {
            track.guests.forEach { add($0, as: "guest") }
            if let title = track.title, let match = title.range(of: #"[(\[]([^()\[\]]+?) (?:Re)?[Mm]ix[)\]]"#, options: .regularExpression) {
                add(String(title[match].dropFirst().dropLast()).replacingOccurrences(of: #" (Re)?[Mm]ix$"#, with: "", options: .regularExpression), as: "remixer")
            }
        }
        for role in ["composer", "conductor", "producer", "remixer", "dj"] where role != "composer" || composersCount {
            (tagged[role] ?? []).forEach { add($0, as: role) }
        }
        return roles
    }

    /// "A & B", "A; B", "A / B", "A \\ B" → ["A", "B"] (smoked-salmon's separators, its bare "/" and ", " aside).
    public static func splitArtists(_ text: String) -> [String] {
        var parts = [text]
        for separator in [" & ", "; ", " / ", " \\ "] { parts = parts.flatMap { $0.components(separatedBy: separator) } }
        return parts.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// "Various Artists" (or "Various"), which Gazelle does not take as an artist of a release.
    public static func isVarious(_ name: String) -> Bool {
        ["various artists", "various"].contains(name.lowercased().trimmingCharacters(in: .whitespaces))
    }

    /// smoked-salmon's classical genres (src/salmon/tagger/tags.py CLASSICAL_GENRES), spaces ignored.
    static let classicalGenres: Set<String> = ["classical", "baroque", "chambermusic", "choral", "modernclassical", "orchestral", "opera"]

    static func isClassical(_ description: ReleaseDescription) -> Bool {
        description.genres.contains { classicalGenres.contains($0.lowercased().replacingOccurrences(of: " ", with: "").replacingOccurrences(of: ".", with: "")) }
    }

    /// `n/total` or `n`.
    static func pair(_ text: String?) -> (Int?, Int?) {
        guard let text else { return (nil, nil) }
        let parts = text.split(separator: "/", maxSplits: 1).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        return (parts.first ?? nil, parts.count > 1 ? parts[1] : nil)
    }

    /// "Artist feat. Guest & Other" → ("Artist", ["Guest", "Other"]); also (feat. …), ft., featuring, with.
    public static func splitFeatured(_ text: String) -> (String, [String]) {
        // The white space before the credit goes with it, but is not part of the
        // pattern: a leading `\s*` would rescan a long run of spaces from each of them.
        let pattern = #"[(\[{]?\b(?:feat\.?|ft\.?|featuring|with\.)\s+([^)\]}]+)[)\]}]?"#
        guard let expression = try? NSRegularExpression(pattern: pattern, options: .caseInsensitive),
            let match = expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
            let credit = Range(match.range, in: text), let names = Range(match.range(at: 1), in: text)
        else { return (text, []) }
        let guests = text[names].components(separatedBy: CharacterSet(charactersIn: ",&")).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var start = credit.lowerBound
        while start > text.startIndex, text[text.index(before: start)].isWhitespace { start = text.index(before: start) }
        var main = text
        main.removeSubrange(start..<credit.upperBound)
        return (main.trimmingCharacters(in: .whitespaces), guests)
    }

    /// Embedded front covers first, then image files named like covers (cover, front, art, album, folder, in that order).
    static func chooseCover(files: [String], audio: [String], facts: FileMap<AudioFacts>) -> String? {
        if let path = audio.first(where: { facts[$0]!.pictures.contains { $0.type == 3 } }) { return "embedded:\(path)" }
        if let named = coverImage(in: files, namedOnly: true) { return named }
        if let path = audio.first(where: { !facts[$0]!.pictures.isEmpty }) { return "embedded:\(path)" }
        return coverImage(in: files, namedOnly: false)
    }

    /// The image file that is the cover: the first named like one (cover,
    /// front, art, album, folder, in that order), else the only image.
    public static func coverImage(in files: [String], namedOnly: Bool) -> String? {
        let images = files.filter { ["jpg", "jpeg", "png"].contains(ReleaseCheck.fileExtension($0)) }
        for word in ["cover", "front", "art", "album", "folder"] {
            if let match = images.first(where: { ($0.split(separator: "/").last ?? "").lowercased().range(of: "(^|[^a-z])\(word)([^a-z]|$)", options: .regularExpression) != nil }) {
                return match
            }
        }
        return !namedOnly && images.count == 1 ? images[0] : nil
    }

    static func problems(folder: FolderName, description: ReleaseDescription, read: [AudioFacts]) -> [String] {
        var problems: [String] = []
        if let claimed = folder.format, let actual = description.format, claimed.uppercased() != actual.uppercased().replacingOccurrences(of: "OGG VORBIS", with: "OGG") {
            problems.append("the folder name says \(claimed), the files are \(actual)")
        }
        if let claimed = folder.bitDepth, let actual = read.compactMap(\.bitDepth).max(), claimed != actual {
            problems.append("the folder name says \(claimed)-bit, the files are \(actual)-bit")
        }
        if let claimed = folder.sampleRate, let actual = read.map(\.sampleRate).max(), claimed != actual {
            problems.append("the folder name says \(claimed) Hz, the files are \(actual) Hz")
        }
        if let claimed = folder.encoding, let actual = description.encoding, claimed != actual {
            problems.append("the folder name says \(claimed), the files are \(actual)")
        }
        if let year = description.year, let problem = Years.problem(year: year, media: description.media) { problems.append(problem) }
        if description.tags.isEmpty { problems.append("no genre tags: trackers need at least one") }
        return problems
    }
}

/// MusicBrainz ids are UUIDs: 8-4-4-4-12 hex digits.
public enum MusicBrainzID {
    public static func isValid(_ text: String) -> Bool {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        return groups.map(\.count) == [8, 4, 4, 4, 12] && groups.allSatisfy { $0.allSatisfy(\.isHexDigit) }
    }
}
