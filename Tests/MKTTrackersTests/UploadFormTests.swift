import Foundation
import MKTCatalog
import MKTMetadata
@testable import MKTTrackers
import MKTObjects
import Testing

/// The forms each site gets, field by field, from one description.
struct UploadFormTests {
    static var album: ReleaseDescription {
        var release = ReleaseDescription()
        release.artists = ["Fixture Artist"]
        release.artistRoles = ["main": ["Fixture Artist"], "guest": ["Guest Singer"], "producer": ["Knob Twiddler"]]
        release.title = "Fixture Album"
        release.year = 2019
        release.label = "Fixture Records"
        release.catalogueNumber = "FIX-001"
        release.genres = ["Electronic", "Hip Hop"]
        release.tags = ["electronic", "hip.hop"]
        release.format = "FLAC"
        release.encoding = "Lossless"
        release.media = "CD"
        release.releaseType = .djMix
        release.tracks = [
            .init(path: "01 - Opening Tone.flac", disc: 1, number: 1, title: "Opening Tone", artists: ["Fixture Artist"], guests: [], durationMilliseconds: 183_400),
            .init(path: "02 - Café.flac", disc: 1, number: 2, title: "Café", artists: ["Fixture Artist"], guests: ["Guest Singer"], durationMilliseconds: 61_000),
        ]
        return release
    }

    /// A built-in site's catalog entry.
    static func site(_ name: String) -> TrackerSite {
        TrackerCatalog.builtIn.first { $0.name == name }!
    }

    static func pairs(_ fields: [MultipartField]) -> [String] {
        fields.map { field in
            switch field {
            case .value(let name, let text): "\(name)=\(text.contains("\n") ? "<\(text.split(separator: "\n").count) lines>" : text)"
            case .file(let name, let data, let filename, let type): "\(name)=@\(filename) (\(type), \(data.count) bytes)"
            }
        }
    }

    /// A meta object is anyone's: durations near Int64.max (from an `mdhd`
    /// or written by hand) make a clamped track list, not a trap.
    @Test func extremeDurationsAreClampedInTheDescription() {
        var release = Self.album
        for index in release.tracks.indices { release.tracks[index].durationMilliseconds = .max }
        release.tracks[0].durationMilliseconds = .min
        let text = AlbumDescription.bbcode(release)
        #expect(text.contains("[i](0:00)[/i]") && text.contains("[b]Total length:[/b] 2562047788015:12:55"), "\(text)")
    }

    @Test func extremeReceiptTimesGiveAClampedDuration() {
        var receipt = UploadReceipt(tracker: "red", site: "https://x", torrent: "t", infohash: "i", attempt: .max, started: .min)
        receipt.finished = .max
        #expect(receipt.durationMilliseconds == .max && receipt.nextAttempt == .max)
        receipt.started = .max
        receipt.finished = .min
        #expect(receipt.durationMilliseconds == .min)
    }

    @Test func red() throws {
        let log = AttachedFile(filename: "rip.log", data: Data("Exact Audio Copy".utf8))
        let fields = try UploadForm.gazelle(Self.album, site: Self.site("red"), groupID: nil, dryRun: true, logs: [log])
        #expect(Self.pairs(fields) == [
            "type=0",
            "artists[]=Fixture Artist", "importance[]=1",
            "artists[]=Guest Singer", "importance[]=2",
            "artists[]=Knob Twiddler", "importance[]=7",
            "title=Fixture Album", "year=2019", "releasetype=19",
            "tags=electronic,hip.hop", "album_desc=<9 lines>",
            // `remaster` on RED too: without it WhatCD's code (RED's ancestor) drops the edition.
            "remaster=1", "remaster_year=2019", "remaster_record_label=Fixture Records", "remaster_catalogue_number=FIX-001",
            "format=FLAC", "bitrate=Lossless", "media=CD",
            "dryrun=1",
            "logfiles[]=@rip.log (text/plain, 16 bytes)",
        ])
    }

    @Test func ops() throws {
        var release = Self.album
        release.media = "Blu-Ray"
        let fields = try UploadForm.gazelle(release, site: Self.site("ops"), groupID: nil, dryRun: true, logs: [])
        #expect(Self.pairs(fields) == [
            "type=0",
            "artists[]=Fixture Artist", "importance[]=1",
            "artists[]=Guest Singer", "importance[]=2",
            "artists[]=Knob Twiddler", "importance[]=7",
            "title=Fixture Album", "year=2019", "releasetype=17",
            "tags=electronic,hip.hop", "album_desc=<9 lines>",
            "remaster=1", "remaster_year=2019", "remaster_record_label=Fixture Records", "remaster_catalogue_number=FIX-001",
            "format=FLAC", "bitrate=Lossless", "media=BD",
            "workaround_broken_html_entities=0",
        ])
    }

    /// Added to an existing group, the group's fields are the site's.
    @Test func existingGroup() throws {
        let fields = try UploadForm.gazelle(Self.album, site: Self.site("red"), groupID: 77, dryRun: false, logs: [])
        #expect(Self.pairs(fields).prefix(4) == ["type=0", "groupid=77", "remaster=1", "remaster_year=2019"])
        #expect(!fields.contains { ["artists[]", "title", "tags", "album_desc", "releasetype"].contains($0.name) })
    }

    @Test func audiobook() throws {
        var book = ReleaseDescription()
        book.category = "Audiobooks"
        book.author = "An Author"
        book.artists = ["An Author"]
        book.title = "A Book"
        book.year = 2021
        book.tags = ["fantasy"]
        book.format = "AAC"
        book.encoding = "256"
        let fields = try UploadForm.gazelle(book, site: Self.site("ops"), groupID: nil, dryRun: false, logs: [])
        #expect(Self.pairs(fields) == [
            "type=3", "title=An Author - A Book", "year=2021", "tags=fantasy", "album_desc=<4 lines>", "remaster=1", "remaster_year=2021",
            "format=AAC", "bitrate=256", "workaround_broken_html_entities=0",
        ])
    }

    /// What the site would refuse is refused before any request, naming the field.
    @Test func missingFacts() throws {
        var release = Self.album
        release.media = nil
        #expect(throws: TrackerError(.validation, "the release has no media (CD, WEB, Vinyl, …); set it in its metadata", field: "media")) {
            try UploadForm.gazelle(release, site: Self.site("red"), groupID: nil, dryRun: false, logs: [])
        }
        release = Self.album
        release.releaseType = .sampler
        #expect(throws: TrackerError(.validation, "the release has no release type Sampler on RED; choose another; set it in its metadata", field: "releasetype")) {
            try UploadForm.gazelle(release, site: Self.site("red"), groupID: nil, dryRun: false, logs: [])
        }
        #expect(try UploadForm.gazelle(release, site: Self.site("ops"), groupID: nil, dryRun: false, logs: []).contains(.value("releasetype", "8")))
    }

    @Test func unit3d() {
        let fields = UploadForm.unit3d(Self.album, name: "Fixture Artist - Fixture Album (2019) [FLAC]", categoryID: 4, typeID: 9)
        #expect(Self.pairs(fields) == [
            "name=Fixture Artist - Fixture Album (2019) [FLAC]", "description=<9 lines>", "mediainfo=", "category_id=4", "type_id=9",
            "imdb=0", "tvdb=0", "tmdb=0", "mal=0", "igdb=0", "anonymous=0", "stream=0", "sd=0", "personal_release=0",
            "keywords=electronic, hip.hop",
        ])
    }

    @Test func albumDescription() {
        #expect(AlbumDescription.bbcode(Self.album) == """
            [size=4][b]Fixture Artist – Fixture Album[/b][/size]

            [b]Year:[/b] 2019
            [b]Label:[/b] Fixture Records
            [b]Catalogue number:[/b] FIX-001
            [b]Genre:[/b] Electronic, Hip Hop

            [b]Tracklist[/b]
            [b]01.[/b] Opening Tone [i](3:03)[/i]
            [b]02.[/b] Café (feat. Guest Singer) [i](1:01)[/i]

            [b]Total length:[/b] 4:04
            """)
        // Titles that look like BBCode stay text; the sources the metadata came from are linked.
        var sourced = Self.album
        sourced.title = "Live [Remastered]"
        sourced.provenance = ["releaseType": "musicbrainz:m1", "coverURL": "coverartarchive:m1", "label": "discogs:42", "tags": "lastfm:A/B"]
        let text = AlbumDescription.bbcode(sourced)
        #expect(text.hasPrefix("[size=4][b][plain]Fixture Artist – Live [Remastered][/plain][/b][/size]"))
        #expect(text.hasSuffix("\n\n[b]More info:[/b] [url=https://musicbrainz.org/release/m1]MusicBrainz[/url] | [url=https://www.discogs.com/release/42]Discogs[/url]"), "\(text)")
    }

    @Test func gazelleMessages() {
        let duplicate = #"The exact same torrent file already exists on the site! <a href="torrents.php?id=12&amp;torrentid=345">link</a>"#
        #expect(GazelleMessages.existingTorrent(in: duplicate)! == (12, 345))
        #expect(GazelleMessages.existingTorrent(in: "Please select a valid format.") == nil)
        #expect(GazelleMessages.field(of: "FLAC bitrate must be lossless.") == "bitrate")
        #expect(GazelleMessages.field(of: "You must enter at least one tag. Maximum length is 200 characters.") == "tags")
        #expect(GazelleMessages.field(of: "The album description has a minimum length of 10 characters.") == "album_desc")
        #expect(GazelleMessages.isAuth("invalid token") && GazelleMessages.isAuth("Your userclass does not allow you to upload."))
        #expect(GazelleMessages.plain("<b>Bad</b> &amp;  <i>worse</i>") == "Bad & worse")
    }

    @Test func retryPolicyIsCappedFullJitter() {
        let policy = RetryPolicy(base: 1, cap: 10)
        #expect(policy.delay(afterAttempt: 1, retryAfter: nil) { $0.upperBound } == 1)
        #expect(policy.delay(afterAttempt: 3, retryAfter: nil) { $0.upperBound } == 4)
        #expect(policy.delay(afterAttempt: 9, retryAfter: nil) { $0.upperBound } == 10)
        #expect(policy.delay(afterAttempt: 9, retryAfter: nil) { $0.lowerBound } == 0)
        // Never sooner than the site asked.
        #expect(policy.delay(afterAttempt: 1, retryAfter: 30) { $0.upperBound } == 30)
        let samples = (0..<200).map { _ in policy.delay(afterAttempt: 4, retryAfter: nil) }
        #expect(samples.allSatisfy { (0...8).contains($0) } && Set(samples).count > 100)
        // Numbers from a config or a site that make no sense give a pause of 0 to an hour, never a trap.
        for (base, cap) in [(-1.0, 120.0), (2, -1), (.nan, .nan), (.infinity, .infinity)] {
            let odd = RetryPolicy(base: base, cap: cap)
            #expect((0...3600).contains(odd.delay(afterAttempt: 1_000_000, retryAfter: -5)), "\(base) \(cap)")
        }
    }

    @Test func receiptBodyIsCanonicalAndRoundTrips() throws {
        var receipt = UploadReceipt(tracker: "red", site: "https://redacted.sh", torrent: String(repeating: "a", count: 64), infohash: String(repeating: "b", count: 40), attempt: 1, started: 1_000)
        receipt.outcome = .success
        receipt.siteTorrentID = 5
        let body = try receipt.objectBody()
        #expect(String(decoding: body, as: UTF8.self).hasPrefix(#"{"attempt":1,"finished":1000,"infohash":"bbbb"#))
        #expect(try UploadReceipt(objectBody: body) == receipt)
        #expect(throws: ObjectFormatError(.receipt, "tracker: missing")) { try UploadReceipt(objectBody: Data("{}".utf8)) }
    }
}
