import MKTMetadata
@testable import MKTSources
import Testing

struct MusicBrainzTests {
    /// Secondary types win in order, then the primary; bootlegs by status.
    @Test func releaseTypesMapForTheTrackers() {
        #expect(ReleaseType(musicBrainzPrimary: "Album", secondary: [], status: "Official", artists: 1) == .album)
        #expect(ReleaseType(musicBrainzPrimary: "Album", secondary: ["Live", "Remix"], status: nil, artists: 1) == .liveAlbum)
        #expect(ReleaseType(musicBrainzPrimary: "Album", secondary: ["Remix", "Soundtrack"], status: nil, artists: 1) == .soundtrack)
        #expect(ReleaseType(musicBrainzPrimary: "Album", secondary: ["DJ-mix"], status: nil, artists: 1) == .djMix)
        #expect(ReleaseType(musicBrainzPrimary: "Album", secondary: ["Mixtape/Street"], status: nil, artists: 1) == .mixtape)
        #expect(ReleaseType(musicBrainzPrimary: "Album", secondary: ["Compilation"], status: nil, artists: 1) == .anthology)
        #expect(ReleaseType(musicBrainzPrimary: "Album", secondary: ["Compilation"], status: nil, artists: 5) == .compilation)
        #expect(ReleaseType(musicBrainzPrimary: "EP", secondary: [], status: nil, artists: 1) == .ep)
        #expect(ReleaseType(musicBrainzPrimary: "Single", secondary: [], status: "Bootleg", artists: 1) == .bootleg)
        #expect(ReleaseType(musicBrainzPrimary: "Broadcast", secondary: [], status: nil, artists: 1) == .unknown)
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

    /// What a match adds: only what the files left open, the release type and
    /// the cover always, each field with its source.
    @Test func mergingKeepsTheFilesWordAndNamesTheSource() {
        var local = ReleaseDescription()
        local.title = "Fixture Album"
        local.label = "From The Tags"
        local.releaseType = .single
        var candidate = ReleaseCandidate(
            source: "musicbrainz", id: "m1", url: "", title: "Fixture Album", artists: ["A"], guests: [], year: 2019, label: "Web Label",
            catalogueNumber: "CAT-1", barcode: nil, media: "WEB", trackCount: 3, releaseType: .liveAlbum, score: 100, cover: "https://c/1.jpg", releaseGroup: nil)
        candidate.tags = ["Hip Hop", "electronic"]
        let merged = candidate.merged(into: local)
        #expect(merged.label == "From The Tags" && merged.catalogueNumber == "CAT-1" && merged.year == 2019 && merged.media == "WEB")
        #expect(merged.releaseType == .liveAlbum)
        #expect(merged.coverURL == "https://c/1.jpg" && merged.tags == Genres.tags(from: ["Hip Hop", "electronic"]))
        #expect(merged.provenance == ["catalogueNumber": "musicbrainz:m1", "year": "musicbrainz:m1", "media": "musicbrainz:m1", "releaseType": "musicbrainz:m1",
                                      "coverURL": "coverartarchive:m1", "tags": "musicbrainz:m1"])
        local.tags = ["rock"]
        #expect(candidate.merged(into: local).tags == ["rock"])
    }

    /// Discogs's token goes with a HEAD of its own image host, never elsewhere.
    @Test func theTokenStaysOnTheServicesSite() {
        #expect(SourceConnection.sameSite("https://i.discogs.com/x.jpg", "https://api.discogs.com"))
        #expect(SourceConnection.sameSite("https://api.discogs.com/images/x.jpg", "https://api.discogs.com"))
        #expect(SourceConnection.sameSite("https://discogs.com/x.jpg", "https://api.discogs.com"))
        #expect(!SourceConnection.sameSite("https://evil.example/discogs.com.jpg", "https://api.discogs.com"))
        #expect(!SourceConnection.sameSite("https://notdiscogs.com/x.jpg", "https://api.discogs.com"))
        #expect(SourceConnection.sameSite("http://127.0.0.1:8080/x.jpg", "http://127.0.0.1:8080"))
        #expect(!SourceConnection.sameSite("http://10.0.0.1/x.jpg", "http://127.0.0.1:8080"))
        #expect(!SourceConnection.sameSite("not a url", "https://api.discogs.com"))
    }

    @Test func anAudiobookTakesItsPeopleAndSeries() {
        var local = ReleaseDescription()
        local.title = "The Fixture Book"
        local.category = "Audiobooks"
        var book = ReleaseCandidate(
            source: "audnexus", id: "B0X", url: "", title: "The Fixture Book", artists: ["An Author"], guests: [], year: 2021, label: nil,
            catalogueNumber: nil, barcode: nil, media: "WEB", trackCount: 2, releaseType: .unknown, score: 90, cover: "https://m/b.jpg", releaseGroup: nil)
        book.narrators = ["A Narrator", "B Narrator"]
        book.series = "Fixture Saga #2"
        let merged = book.merged(into: local)
        #expect(merged.author == "An Author" && merged.narrator == "A Narrator, B Narrator" && merged.series == "Fixture Saga #2")
        #expect(merged.coverURL == "https://m/b.jpg" && merged.provenance?["coverURL"] == "audnexus:B0X" && merged.provenance?["narrator"] == "audnexus:B0X")
        #expect(merged.chapters.isEmpty, "no file to give the chapters to")

        // One file without chapters takes Audible's, and the synopsis; the files' own chapters win.
        book.chapters = [("Opening Credits", 0), ("Chapter 1", 9000)]
        book.synopsis = "A book."
        local.tracks = [.init(path: "book.m4b")]
        let single = book.merged(into: local)
        #expect(single.chapters == ["book.m4b": [.init(startMilliseconds: 0, title: "Opening Credits"), .init(startMilliseconds: 9000, title: "Chapter 1")]])
        #expect(single.provenance?["chapters"] == "audnexus:B0X" && single.synopsis == "A book." && single.provenance?["synopsis"] == "audnexus:B0X")
        local.chapters = ["book.m4b": [.init(startMilliseconds: 0, title: "Tagged")]]
        #expect(book.merged(into: local).chapters == local.chapters)
    }
}
