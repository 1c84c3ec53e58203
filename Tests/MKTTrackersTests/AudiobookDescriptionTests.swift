import Foundation
import MKTMetadata
@testable import MKTTrackers
import Testing

/// An audiobook's album description: every part mkt knows, in BBCode Gazelle and UNIT3D both render.
struct AudiobookDescriptionTests {
    static var book: ReleaseDescription {
        var book = ReleaseDescription()
        book.category = "Audiobooks"
        book.artists = ["An Author"]
        book.author = "An Author"
        book.narrator = "A Narrator, Second & Voice"
        book.title = "The Book [Unabridged]"
        book.series = "The Saga #2.5"
        book.year = 2021
        book.label = "Fixture Audio"
        book.genres = ["Fantasy"]
        book.format = "AAC"
        book.encoding = "Other"
        book.otherBitrate = 62
        book.otherBitrateIsVariable = false
        book.asin = "B0FIXTURE1"
        book.synopsis = "One paragraph.\nAnother, with [brackets]."
        book.tracks = [
            .init(path: "Part 1.m4b", number: 1, title: "Part 1", durationMilliseconds: 3_600_000),
            .init(path: "Part 2.m4b", number: 2, title: "Part 2", durationMilliseconds: 1_830_000),
        ]
        book.chapters = [
            "Part 1.m4b": [.init(startMilliseconds: 0, title: "Opening"), .init(startMilliseconds: 65_000, title: "One")],
            "Part 2.m4b": [.init(startMilliseconds: 0, title: "Two")],
        ]
        return book
    }

    @Test func everyPart() {
        #expect(AlbumDescription.bbcode(Self.book) == """
            [size=4][b][plain]An Author – The Book [Unabridged][/plain][/b][/size]

            [b]Author:[/b] An Author
            [b]Narrator:[/b] A Narrator, Second & Voice
            [b]Series:[/b] The Saga, book 2.5
            [b]Year:[/b] 2021
            [b]Publisher:[/b] Fixture Audio
            [b]Genre:[/b] Fantasy
            [b]Runtime:[/b] 1:30:30
            [b]Format:[/b] AAC (M4B), 62 kbps

            [b]Synopsis[/b]
            [quote][plain]One paragraph.
            Another, with [brackets].[/plain][/quote]

            [b]Chapters[/b]
            [i]Part 1.m4b[/i]
            [b]01.[/b] Opening [i](0:00)[/i]
            [b]02.[/b] One [i](1:05)[/i]
            [i]Part 2.m4b[/i]
            [b]01.[/b] Two [i](0:00)[/i]

            [b]More info:[/b] [url=https://www.audible.com/pd/B0FIXTURE1]Audible[/url]
            """)
    }

    /// No chapters: the files with their lengths; one file and no chapters: nothing to list.
    @Test func filesWhenNoChapters() {
        var book = Self.book
        book.chapters = [:]
        book.encoding = "64"
        book.otherBitrate = nil
        let text = AlbumDescription.bbcode(book)
        #expect(text.contains("[b]Format:[/b] AAC (M4B), 64 kbps"))
        #expect(text.contains("[b]Files[/b]\n[b]01.[/b] Part 1 [i](1:00:00)[/i]\n[b]02.[/b] Part 2 [i](30:30)[/i]"))
        book.tracks.removeLast()
        #expect(!AlbumDescription.bbcode(book).contains("[b]Files[/b]"))
    }

    /// A music release keeps the music description.
    @Test func musicIsUnchanged() {
        var album = Self.book
        album.category = "Music"
        #expect(AlbumDescription.bbcode(album).contains("[b]Tracklist[/b]") && !AlbumDescription.bbcode(album).contains("[b]Synopsis[/b]"))
    }

    @Test func seriesAndLengths() {
        #expect(AudiobookDescription.seriesParts("Saga #2") == ("Saga", "2"))
        #expect(AudiobookDescription.seriesParts("No. 5 #") == ("No. 5 #", nil))
        #expect(AudiobookDescription.seriesParts("Plain") == ("Plain", nil))
        #expect(AudiobookDescription.hoursAndMinutes(32_730_000) == "9h 6m")
        // A hostile meta object's lengths are clamped, never trusted to add up.
        var book = Self.book
        book.tracks = [.init(path: "a.m4b", durationMilliseconds: .max), .init(path: "b.m4b", durationMilliseconds: .max), .init(path: "c.m4b", durationMilliseconds: -5)]
        #expect(AudiobookDescription.runtime(book) == .max)
    }
}
