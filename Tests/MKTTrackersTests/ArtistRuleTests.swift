import Foundation
import MKTCatalog
@testable import MKTMetadata
import MKTTrackerFakes
@testable import MKTTrackers
import Testing

/// Issue 15 #10: the artists a Gazelle form sends, from the tags, by the
/// sites' rules as the working tools encode them. Each test names its source.
struct ArtistRuleTests {
    static func site(_ name: String) -> TrackerSite { TrackerCatalog.builtIn.first { $0.name == name }! }

    /// A release of FLAC tracks tagged with `tags` (each track gets them all), plus a title per track.
    static func release(_ tags: [String: String], trackArtists: [String]? = nil, titles: [String] = ["One", "Two"]) -> ReleaseDescription {
        var facts: FileMap<AudioFacts> = [:]
        for (index, title) in titles.enumerated() {
            var track = AudioFacts(codec: "FLAC", container: "FLAC", sampleRate: 44100, channels: 2)
            track.bitDepth = 16
            track.tags = tags.mapValues { [$0] }
            track.tags["TITLE"] = [title]
            track.tags["TRACKNUMBER"] = [String(index + 1)]
            track.tags["ALBUM"] = ["Album"]
            track.tags["DATE"] = ["2019"]
            if let trackArtists { track.tags["ARTIST"] = [trackArtists[index]] }
            facts["\(index + 1).flac"] = track
        }
        return ReleaseDescriber.describe(name: "Album (2019) [FLAC]", files: facts.keys.sorted(), facts: facts, media: "CD")
    }

    static func credits(_ release: ReleaseDescription, site: String = "ops") throws -> [String] {
        let fields = try UploadForm.gazelle(release, site: Self.site(site), groupID: nil, dryRun: false, logs: [])
        let artists = fields.filter { $0.name == "artists[]" }.compactMap(\.text)
        let importance = fields.filter { $0.name == "importance[]" }.compactMap(\.text)
        return zip(artists, importance).map { "\($0) \($1)" }
    }

    /// smoked-salmon splits an artist tag at " & " (src/salmon/common/constants.py
    /// SPLIT_CHARS, used by tagger/pre_data.py parse_artists): one ALBUMARTIST
    /// "A & B" is two main artists, each importance 1 (OPSnet/Gazelle lib/config.php ARTIST_MAIN).
    /// The old code sent "A & B" as one artist.
    @Test func anAlbumArtistOfTwoIsTwoMainArtists() throws {
        let release = Self.release(["ALBUMARTIST": "Alpha & Beta", "ARTIST": "Alpha & Beta", "GENRE": "Rock"])
        #expect(try Self.credits(release) == ["Alpha 1", "Beta 1"])
        #expect(try Self.credits(Self.release(["ALBUMARTIST": "Alpha; Beta / Gamma", "GENRE": "Rock"])) == ["Alpha 1", "Beta 1", "Gamma 1"])
        // smoked-salmon's bare "/" and ", " are not separators here: they would cut these names apart.
        #expect(try Self.credits(Self.release(["ALBUMARTIST": "AC/DC", "GENRE": "Rock"])) == ["AC/DC 1"])
        #expect(try Self.credits(Self.release(["ALBUMARTIST": "Earth, Wind", "GENRE": "Rock"])) == ["Earth, Wind 1"])
        // A "feat." credit in the album artist is a guest (importance 2, ARTIST_GUEST).
        #expect(try Self.credits(Self.release(["ALBUMARTIST": "Alpha feat. Delta", "GENRE": "Rock"])) == ["Alpha 1", "Delta 2"])
    }

    /// "Various Artists" is never a main artist: smoked-salmon drops it from the
    /// credits (src/salmon/tagger/metadata.py remove_various_artists) and builds
    /// the release's artists from its tracks' (tagger/sources/base.py generate_artists).
    /// The old code sent "Various Artists" as the main artist.
    @Test func variousArtistsIsNeverAMainArtist() throws {
        let compilation = Self.release(["ALBUMARTIST": "Various Artists", "GENRE": "Pop", "COMPILATION": "1"], trackArtists: ["Alpha", "Beta"])
        #expect(try Self.credits(compilation) == ["Alpha 1", "Beta 1"])
        var only = UploadFixture.release
        only.artists = ["Various Artists"]
        only.artistRoles = [:]
        #expect(throws: TrackerError(.validation, #"the release has no main artist ("Various Artists" is not one); name them with --meta artists=A,B"#, field: "artists[]")) {
            try UploadForm.gazelle(only, site: Self.site("red"), groupID: nil, dryRun: false, logs: [])
        }
    }

    /// COMPOSER is importance 4 (ARTIST_COMPOSER) only for classical music or a
    /// soundtrack: smoked-salmon requires the tag for its classical genres
    /// (src/salmon/tagger/tags.py CLASSICAL_GENRES); elsewhere it names
    /// songwriters. A composer is not also a main artist (tagger/pre_data.py
    /// construct_track_artists). The old code sent every COMPOSER tag.
    @Test func composersOnlyForClassicalMusic() throws {
        let rock = Self.release(["ALBUMARTIST": "Band", "COMPOSER": "Song Writer", "GENRE": "Rock"])
        #expect(try Self.credits(rock) == ["Band 1"])
        let classical = Self.release(["ALBUMARTIST": "Some Orchestra & J. S. Bach", "COMPOSER": "J. S. Bach", "CONDUCTOR": "A. Conductor", "GENRE": "Classical"])
        #expect(try Self.credits(classical) == ["Some Orchestra 1", "J. S. Bach 4", "A. Conductor 5"])
        var score = Self.release(["ALBUMARTIST": "Film Orchestra", "COMPOSER": "Score Writer", "GENRE": "Soundtrack", "RELEASETYPE": "soundtrack"])
        #expect(score.releaseType == .soundtrack)
        #expect(try Self.credits(score) == ["Film Orchestra 1", "Score Writer 4"])
        score.releaseType = .album
        score.artistRoles = ReleaseDescriber.roles(description: score, audio: [], facts: [:])
        #expect(try Self.credits(score) == ["Film Orchestra 1"])
    }

    /// Guests, remixers, producers, conductors and DJs get Gazelle's own
    /// numbers: 2, 3, 7, 5, 6 (OPSnet/Gazelle lib/config.php ARTIST_GUEST,
    /// ARTIST_REMIXER, ARTIST_PRODUCER, ARTIST_CONDUCTOR, ARTIST_DJ).
    @Test func everyRoleHasGazellesNumber() throws {
        let release = Self.release(
            ["ALBUMARTIST": "Main Act", "PRODUCER": "The Producer", "CONDUCTOR": "The Conductor", "DJMIXER": "The DJ", "GENRE": "Electronic"],
            trackArtists: ["Main Act feat. Guest One", "Main Act"], titles: ["One", "Two (Other Person Remix)"])
        #expect(try Self.credits(release) == ["Main Act 1", "Guest One 2", "Other Person 3", "The Conductor 5", "The DJ 6", "The Producer 7"])
        #expect(UploadForm.importance.map(\.value) == [1, 2, 3, 4, 5, 6, 7, 8])
    }
}
