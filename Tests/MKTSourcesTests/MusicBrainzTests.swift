@testable import MKTSources
import Testing

struct MusicBrainzTests {
    /// research/metadata.md §3: secondary types win in order, then the primary; bootlegs by status.
    @Test func releaseTypesMapForTheTrackers() {
        #expect(MusicBrainz.releaseType(primary: "Album", secondary: [], status: "Official", artists: 1) == .album)
        #expect(MusicBrainz.releaseType(primary: "Album", secondary: ["Live", "Remix"], status: nil, artists: 1) == .liveAlbum)
        #expect(MusicBrainz.releaseType(primary: "Album", secondary: ["Remix", "Soundtrack"], status: nil, artists: 1) == .soundtrack)
        #expect(MusicBrainz.releaseType(primary: "Album", secondary: ["DJ-mix"], status: nil, artists: 1) == .djMix)
        #expect(MusicBrainz.releaseType(primary: "Album", secondary: ["Mixtape/Street"], status: nil, artists: 1) == .mixtape)
        #expect(MusicBrainz.releaseType(primary: "Album", secondary: ["Compilation"], status: nil, artists: 1) == .anthology)
        #expect(MusicBrainz.releaseType(primary: "Album", secondary: ["Compilation"], status: nil, artists: 5) == .compilation)
        #expect(MusicBrainz.releaseType(primary: "EP", secondary: [], status: nil, artists: 1) == .ep)
        #expect(MusicBrainz.releaseType(primary: "Single", secondary: [], status: "Bootleg", artists: 1) == .bootleg)
        #expect(MusicBrainz.releaseType(primary: "Broadcast", secondary: [], status: nil, artists: 1) == .unknown)
    }

    @Test func creditsMediaAndText() {
        let credits: [[String: Any]] = [["name": "A", "joinphrase": " & "], ["name": "B", "joinphrase": " feat. "], ["name": "C", "joinphrase": ""]]
        #expect(MusicBrainz.artists(credits).main == ["A", "B"] && MusicBrainz.artists(credits).guests == ["C"])
        #expect(["Digital Media", "CD", "Enhanced CD", "12\" Vinyl", "Cassette", "Blu-ray", "SACD"].map(MusicBrainz.media) == ["WEB", "CD", "CD", "Vinyl", "Cassette", "BD", "SACD"])
        #expect(MusicBrainz.escape("AC/DC: Live (1992) [Remastered]") == #"AC\/DC\: Live \(1992\) \[Remastered\]"#)
        #expect(MusicBrainz.similarity("Björk", "bjork") == 1)
        #expect(MusicBrainz.similarity("Fixture Album", "Fixture Album (Deluxe Edition)") > 0.5)
        #expect(MusicBrainz.similarity("Fixture Album", "Another Record") < 0.3)
    }
}
