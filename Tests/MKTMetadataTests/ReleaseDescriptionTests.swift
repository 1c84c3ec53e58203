@testable import MKTMetadata
import Testing

struct FolderNameTests {
    @Test func parsesWhatUploadersWrite() {
        let name = FolderName(parsing: "Artist Name - Album: Part 2 (2019) (Deluxe Edition) [FLAC 24-96] [WEB] {CAT-001}")
        #expect(name.artist == "Artist Name" && name.album == "Album: Part 2")
        #expect(name.year == 2019 && name.editions == ["Deluxe Edition"])
        #expect(name.format == "FLAC" && name.bitDepth == 24 && name.sampleRate == 96000 && name.media == "WEB")
        #expect(name.catalogueNumber == "CAT-001")
        let mp3 = FolderName(parsing: "A - B (1999) [MP3 V0]")
        #expect(mp3.format == "MP3" && mp3.encoding == "V0 (VBR)" && mp3.year == 1999)
        #expect(FolderName(parsing: "X - Y [FLAC 24-44]").sampleRate == 44100)
        #expect(FolderName(parsing: "no dash here").artist == nil)
    }

    @Test func years() {
        #expect(Years.parse("2019-03-08T00:00:00Z") == 2019)
        #expect(Years.parse("08.03.2019") == 2019)
        #expect(Years.parse("12345") == nil && Years.parse("1776") == nil)
        #expect(Years.problem(year: 1979, media: "CD") != nil)
        #expect(Years.problem(year: 1979, media: "Vinyl") == nil)
    }

    @Test func genresBecomeGazelleTags() {
        #expect(Genres.gazelleForm("Hip Hop") == "hip.hop")
        #expect(Genres.gazelleForm("  --Post-Rock!! ") == "post.rock")
        #expect(Genres.tags(from: ["Electronic", "Hip-Hop", "Drum & Bass", "R&B / Funk; Soul", "electronic"]) == [
            "electronic", "hip.hop", "drum.and.bass", "rhythm.and.blues", "funk", "soul",
        ])
    }

    @Test func featuredArtistsAreSplitOut() {
        #expect(ReleaseDescriber.splitFeatured("Artist feat. Guest Singer") == ("Artist", ["Guest Singer"]))
        #expect(ReleaseDescriber.splitFeatured("Song (feat. A, B & C)") == ("Song", ["A", "B", "C"]))
        #expect(ReleaseDescriber.splitFeatured("Artist ft. X") == ("Artist", ["X"]))
        #expect(ReleaseDescriber.splitFeatured("Feathers") == ("Feathers", []))
    }

    @Test func releaseTypeSuggestions() {
        let titles = (1...12).map { "Track \($0)" }
        #expect(ReleaseType.suggest(title: "Album", trackTitles: titles, mainArtists: ["A"], compilation: false) == .album)
        #expect(ReleaseType.suggest(title: "Album", trackTitles: Array(titles.prefix(5)), mainArtists: ["A"], compilation: false) == .ep)
        #expect(ReleaseType.suggest(title: "Thing EP", trackTitles: titles, mainArtists: ["A"], compilation: false) == .ep)
        #expect(ReleaseType.suggest(title: "Live at Leeds", trackTitles: titles, mainArtists: ["A"], compilation: false) == .liveAlbum)
        #expect(ReleaseType.suggest(title: "Hits", trackTitles: titles, mainArtists: Set((1...7).map(String.init)), compilation: false) == .compilation)
        #expect(ReleaseType.suggest(title: "Remixed", trackTitles: titles.map { $0 + " (Remix)" }, mainArtists: ["A"], compilation: false) == .remix)
    }
}

struct ConsolidationTests {
    private func track(_ tags: [String: String], codec: String = "FLAC", depth: Int = 16, picture: Bool = false) -> AudioFacts {
        var facts = AudioFacts(codec: codec, container: codec, sampleRate: 44100, channels: 2)
        facts.bitDepth = codec == "FLAC" ? depth : nil
        facts.tags = tags.mapValues { [$0] }
        if picture { facts.pictures = [.init(type: 3, mimeType: "image/jpeg", description: "", width: 0, height: 0, byteCount: 10)] }
        return facts
    }

    /// Two files whose names differ only as NFC and NFD (`Café`) are two
    /// tracks with their own tags: their facts are keyed by the names' bytes
    /// (a `[String: …]` took them for one key, and both showed the last read).
    @Test func namesThatDifferOnlyInNormalisationAreTwoTracks() {
        let composed = "01 Caf\u{E9}.flac", decomposed = "01 Cafe\u{301}.flac"
        var facts: FileMap<AudioFacts> = [:]
        facts[composed] = track(["TITLE": "Composed", "TRACKNUMBER": "1"])
        facts[decomposed] = track(["TITLE": "Decomposed", "TRACKNUMBER": "2"])
        #expect(facts.count == 2 && facts.keys == [decomposed, composed])
        let description = ReleaseDescriber.describe(name: "A - B", files: [decomposed, composed], facts: facts, media: "WEB")
        // In track order; each file keeps its own title (Swift's == would take either path for the other).
        #expect(description.tracks.map { Array($0.path.utf8) } == [Array(composed.utf8), Array(decomposed.utf8)])
        #expect(description.tracks.map(\.title) == ["Composed", "Decomposed"])
    }

    /// Picard's release id and the barcode, as each tag format spells them; a malformed one is dropped.
    @Test func identifiersFromTheTags() {
        let id = "11111111-1111-4111-8111-111111111111"
        let flac = ReleaseDescriber.describe(name: "A - B (2019)", files: ["1.flac"], facts: ["1.flac": track(["MUSICBRAINZ_ALBUMID": id.uppercased(), "BARCODE": "0123456789012"])], media: nil)
        #expect(flac.mbid == id && flac.barcode == "0123456789012")
        let mp3 = ReleaseDescriber.describe(name: "A - B (2019)", files: ["1.mp3"], facts: ["1.mp3": track(["TXXX:MusicBrainz Album Id": id, "TXXX:BARCODE": "123"], codec: "MP3")], media: nil)
        #expect(mp3.mbid == id && mp3.barcode == "123")
        let bad = ReleaseDescriber.describe(name: "A - B (2019)", files: ["1.flac"], facts: ["1.flac": track(["MUSICBRAINZ_ALBUMID": "1111", "UPC": "12-34"])], media: nil)
        #expect(bad.mbid == nil && bad.barcode == nil)
    }

    @Test func pluralityVoteWithConflictsNamed() {
        let files = ["1.flac", "2.flac", "3.flac", "cover.jpg"]
        let facts: FileMap<AudioFacts> = [
            "1.flac": track(["ALBUM": "Right", "ARTIST": "A", "TRACKNUMBER": "1/3", "DATE": "2019", "GENRE": "Rock"]),
            "2.flac": track(["ALBUM": "Right", "ARTIST": "A", "TRACKNUMBER": "2/3", "DATE": "2019"]),
            "3.flac": track(["ALBUM": "Wrong &amp; odd", "ARTIST": "A", "TRACKNUMBER": "3/3", "DATE": "2019"], depth: 24),
        ]
        let description = ReleaseDescriber.describe(name: "A - Right (2019) [FLAC]", files: files, facts: facts, media: "CD")
        #expect(description.title == "Right" && description.artists == ["A"] && description.year == 2019)
        #expect(description.conflicts == [.init(field: "album", chosen: "Right", dissenting: ["3.flac": "Wrong & odd"])])
        #expect(description.encoding == "24bit Lossless")
        #expect(description.tracks.map(\.number) == [1, 2, 3])
        #expect(description.cover == "cover.jpg")
        #expect(description.tags == ["rock"])
    }

    @Test func variousArtistsAndFolderClaims() {
        let files = (1...6).map { "\($0).mp3" }
        var facts: FileMap<AudioFacts> = [:]
        for (index, file) in files.enumerated() {
            var mp3 = track(["TPE1": "Artist \(index)", "TALB": "Hits", "TRCK": "\(index + 1)"], codec: "MP3")
            mp3.encoding = "320"
            facts[file] = mp3
        }
        let description = ReleaseDescriber.describe(name: "VA - Hits (1979) [FLAC 24-96]", files: files, facts: facts, media: "CD")
        #expect(description.artists == ["Various Artists"])
        #expect(description.releaseType == .compilation)
        #expect(description.problems == [
            "the folder name says FLAC, the files are MP3",
            "the folder name says 96000 Hz, the files are 44100 Hz",
            "a CD cannot be from 1979: CDs appeared in 1982 (for a reissue, give the edition's year)",
            "no genre tags: trackers need at least one",
        ])
    }

    @Test func creditsByRole() {
        let facts: FileMap<AudioFacts> = [
            "1.flac": track(["ALBUMARTIST": "Main", "ARTIST": "Main feat. Guest", "TITLE": "Song (DJ Shadow Remix)", "COMPOSER": "Writer"]),
            "2.flac": track(["ALBUMARTIST": "Main", "ARTIST": "Main", "TITLE": "Other", "CONDUCTOR": "Maestro", "COMPOSER": "Writer"]),
        ]
        let description = ReleaseDescriber.describe(name: "Main - Album (2019)", files: ["1.flac", "2.flac"], facts: facts, media: nil)
        // COMPOSER is a credit for classical music and soundtracks only (issue 15 #10, ArtistRuleTests): no genre here says so.
        #expect(description.artistRoles == [
            "main": ["Main"], "guest": ["Guest"], "remixer": ["DJ Shadow"], "conductor": ["Maestro"],
        ])
    }

    @Test func audiobooks() {
        let facts: FileMap<AudioFacts> = ["book.m4b": track(["©ART": "An Author", "©alb": "A Book", "©wrt": "A Narrator", "©gen": "Audiobook"], codec: "AAC")]
        let description = ReleaseDescriber.describe(name: "An Author - A Book", files: ["book.m4b"], facts: facts, media: nil)
        #expect(description.category == "Audiobooks")
        #expect(description.author == "An Author" && description.narrator == "A Narrator")
    }
}
