import Foundation
import MKTCatalog
@testable import MKTMetadata
import MKTObjects
import MKTTestSupport
import MKTTorrent
import MKTTrackerFakes
@testable import MKTTrackers
import Testing

/// What the sites' real code takes and answers (OPSnet/Gazelle
/// sections/upload/upload_handle.php and app/Util/Validator.php;
/// HDInnovations/UNIT3D-Community-Edition app/Http/Controllers/API/TorrentController.php
/// and app/Helpers/TorrentTools.php), and mkt's side of each.
struct RealAnswerTests {
    static func site(_ name: String) -> TrackerSite {
        TrackerCatalog.builtIn.first { $0.name == name }!
    }

    /// An AAC album: Gazelle files it as Other, with its average bitrate.
    static var aacAlbum: ReleaseDescription {
        var release = UploadFixture.release
        release.format = "AAC"
        release.encoding = "Other"
        release.otherBitrate = 245
        release.otherBitrateIsVariable = false
        return release
    }

    // MARK: - Gazelle: bitrate=Other (#2)

    @Test func otherIsSentWithItsBitrate() throws {
        for name in ["red", "ops"] {
            let fields = try UploadForm.gazelle(Self.aacAlbum, site: Self.site(name), groupID: nil, dryRun: false, logs: [])
            #expect(fields.contains(.value("bitrate", "Other")) && fields.contains(.value("other_bitrate", "245")), "\(name)")
            #expect(!fields.contains { $0.name == "vbr" }, "a constant rate has no vbr box ticked (\(name))")
        }
        var lame = Self.aacAlbum
        lame.format = "MP3"
        lame.otherBitrate = 130
        lame.otherBitrateIsVariable = true
        let fields = try UploadForm.gazelle(lame, site: Self.site("ops"), groupID: nil, dryRun: false, logs: [])
        #expect(fields.contains(.value("other_bitrate", "130")) && fields.contains(.value("vbr", "1")))
    }

    @Test func otherWithoutABitrateIsRefusedLocally() {
        var release = Self.aacAlbum
        release.otherBitrate = nil
        #expect(throws: TrackerError(.validation, "the encoding is Other and the files give no average bitrate for other_bitrate; set an encoding the site lists (--meta encoding=…)", field: "other_bitrate")) {
            try UploadForm.gazelle(release, site: Self.site("ops"), groupID: nil, dryRun: false, logs: [])
        }
    }

    /// The describer works the average out of the files' own rates.
    @Test func theAverageComesFromTheFiles() {
        func aac(_ bitrate: Int, mode: String?) -> AudioFacts {
            var facts = AudioFacts(codec: "AAC", container: "MP4", sampleRate: 44100, channels: 2)
            facts.bitrate = bitrate
            facts.bitrateMode = mode
            facts.encoding = "Other"
            return facts
        }
        let aacRelease = ReleaseDescriber.describe(name: "A - B (2019) [AAC]", files: ["1.m4a", "2.m4a"],
            facts: ["1.m4a": aac(240_400, mode: nil), "2.m4a": aac(250_000, mode: nil)], media: "WEB")
        #expect(aacRelease.encoding == "Other" && aacRelease.otherBitrate == 245 && aacRelease.otherBitrateIsVariable == false)
        let mp3 = ReleaseDescriber.describe(name: "A - B (2019) [MP3]", files: ["1.mp3"], facts: ["1.mp3": aac(130_000, mode: "VBR")], media: "WEB")
        #expect(mp3.otherBitrate == 130 && mp3.otherBitrateIsVariable == true)
    }

    // MARK: - OPS counts bytes (#13)

    /// RED and DIC: their ancestor's handler takes edition fields of 2 to 80
    /// bytes (WhatCD/Gazelle upload_handle.php), OPS's of 1 to 80.
    @Test func redAndDicTakeEditionFieldsOfTwoBytesOrMore() throws {
        var release = UploadFixture.release
        release.catalogueNumber = "7"
        #expect(try UploadForm.gazelle(release, site: Self.site("ops"), groupID: nil, dryRun: false, logs: []).contains(.value("remaster_catalogue_number", "7")))
        for name in ["red", "dic"] {
            #expect(throws: TrackerError(.validation, "remaster_catalogue_number is 1 bytes in UTF-8; \(name.uppercased()) takes 2 to 80", field: "remaster_catalogue_number")) {
                try UploadForm.gazelle(release, site: Self.site(name), groupID: nil, dryRun: false, logs: [])
            }
        }
    }

    @Test func opsLimitsAreInBytes() throws {
        var release = UploadFixture.release
        // 100 characters, 200 bytes: within OPS's limit.
        release.title = String(repeating: "é", count: 100)
        #expect(try UploadForm.gazelle(release, site: Self.site("ops"), groupID: nil, dryRun: false, logs: []).contains(.value("title", release.title ?? "")))
        // 101 characters, 202 bytes: a character count would let it through.
        release.title = String(repeating: "é", count: 101)
        #expect(throws: TrackerError(.validation, "title is 202 bytes in UTF-8; OPS takes 1 to 200", field: "title")) {
            try UploadForm.gazelle(release, site: Self.site("ops"), groupID: nil, dryRun: false, logs: [])
        }
        release = UploadFixture.release
        release.label = String(repeating: "ö", count: 41)
        #expect(throws: TrackerError(.validation, "remaster_record_label is 82 bytes in UTF-8; OPS takes 1 to 80", field: "remaster_record_label")) {
            try UploadForm.gazelle(release, site: Self.site("ops"), groupID: nil, dryRun: false, logs: [])
        }
        release = UploadFixture.release
        release.catalogueNumber = String(repeating: "ü", count: 41)
        #expect(throws: TrackerError(.validation, "remaster_catalogue_number is 82 bytes in UTF-8; OPS takes 1 to 80", field: "remaster_catalogue_number")) {
            try UploadForm.gazelle(release, site: Self.site("ops"), groupID: nil, dryRun: false, logs: [])
        }
        release = UploadFixture.release
        release.tags = ["a"]
        #expect(throws: TrackerError(.validation, "tags is 1 bytes in UTF-8; OPS takes 2 to 200", field: "tags")) {
            try UploadForm.gazelle(release, site: Self.site("ops"), groupID: nil, dryRun: false, logs: [])
        }
        release.tags = Array(repeating: "électronique", count: 16)
        #expect(throws: TrackerError(.validation, "tags is 223 bytes in UTF-8; OPS takes 2 to 200", field: "tags")) {
            try UploadForm.gazelle(release, site: Self.site("ops"), groupID: nil, dryRun: false, logs: [])
        }
    }

    // MARK: - The album description (#7)

    @Test func aGuestNamedInTheTitleIsNamedOnce() {
        var release = UploadFixture.release
        release.tracks = [.init(path: "01.flac", number: 1, title: "Closing Tone (feat. Guest Singer)", artists: ["Fixture Artist"], guests: ["Guest Singer"])]
        let description = AlbumDescription.bbcode(release)
        #expect(description.contains("[b]01.[/b] Closing Tone (feat. Guest Singer)\n") || description.hasSuffix("[b]01.[/b] Closing Tone (feat. Guest Singer)"), "\(description)")
        #expect(!description.contains("(feat. Guest Singer) (feat."))
        release.tracks = [.init(path: "01.flac", number: 1, title: "Closing Tone", artists: ["Fixture Artist"], guests: ["Guest Singer"])]
        #expect(AlbumDescription.bbcode(release).contains("Closing Tone (feat. Guest Singer)"))
    }

    // MARK: - UNIT3D (#8, #9)

    private func withUnit3D<T>(_ body: (ScriptedSite, Uploader, UploadJob) throws -> T) throws -> T {
        try withTemporaryDirectory { directory in
            let scripted = ScriptedSite(name: "blu", family: .unit3d, stateDirectory: directory)
            let site = TrackerSite(
                name: "blu", family: .unit3d, url: "https://blu.example", source: scripted.site.source,
                announceTemplate: "https://blu.example/announce/\(TrackerSite.passkeyPlaceholder)", categoryID: 4, typeID: 9)
            return try body(scripted, scripted.uploader(for: site), try UploadFixture.job(for: site))
        }
    }

    /// `sendError('Validation Error.', 'Invalid Filenames In Torrent Files!')`: `data` is the sentence.
    @Test func aSentenceInDataIsShown() throws {
        for sentence in ["Invalid Filenames In Torrent Files!", "You Must Provide A Valid Torrent File For Upload!"] {
            try withUnit3D { site, uploader, job in
                site.transport.queue("/api/torrents/upload", .json(#"{"success":false,"message":"Validation Error.","data":"\#(sentence)"}"#, status: 404))
                let receipt = uploader.attempt(job).receipt
                #expect(receipt.outcome == .rejected && receipt.message == "blu.example: \(sentence)", "\(receipt.summary)")
            }
        }
    }

    /// Laravel's unique rule on info_hash: the site has the torrent. Found by
    /// the search, it is a success with its id; hidden (moderation, the
    /// search's cache), a success without one, never a rejection.
    @Test func aTakenInfohashIsOnTheSite() throws {
        let taken = #"{"success":false,"message":"Validation Error.","data":{"info_hash":["The info hash has already been taken."],"name":["The name has already been taken."]}}"#
        try withUnit3D { site, uploader, job in
            site.transport.queue("/api/torrents/upload", .json(taken, status: 404))
            site.transport.queue("/api/torrents/filter", .json(#"{"data":[{"id":31,"attributes":{"name":"\#(job.torrent.name)","info_hash":"\#(job.torrent.infoHashHex)"}}]}"#))
            let receipt = uploader.attempt(job).receipt
            #expect(receipt.outcome == .success && receipt.siteTorrentID == 31 && receipt.message == "the torrent was on the site already", "\(receipt.summary)")
        }
        try withUnit3D { site, uploader, job in
            site.transport.queue("/api/torrents/upload", .json(taken, status: 404))
            site.transport.queue("/api/torrents/filter", .json(#"{"data":[]}"#))
            let receipt = uploader.attempt(job).receipt
            #expect(receipt.outcome == .success && receipt.siteTorrentID == nil, "\(receipt.summary)")
            #expect(receipt.warnings.contains { $0.contains("its id is not known") })
        }
    }

    /// TorrentTools::isValidFilename, before anything is sent.
    @Test func unit3dNamesAreCheckedLocally() {
        let bad = ["CON.flac", "lpt1", "Song.", "Song ", "____padding_file_0", ".pad", String(repeating: "ä", count: 128) + ".flac", "a|b.flac", "tab\there.flac"]
        for name in bad { #expect(ReleaseCheck.unit3dNameProblem(name) != nil, "\(name)") }
        for name in ["01 - Song.flac", "com10.flac", "Console.flac", "cover.jpg", String(repeating: "a", count: 255)] {
            #expect(ReleaseCheck.unit3dNameProblem(name) == nil, "\(name)")
        }
        var rules = Self.site("ops").releaseRules
        rules.checksUNIT3DNames = true
        let files = ["CD1./01 - Song.flac", "aux.txt"]
        let findings = ReleaseCheck.check(name: "A - B", files: files, facts: [:], description: UploadFixture.release, rules: rules)
        #expect(findings.filter { $0.code == "unit3d-filename" }.map(\.path) == ["CD1.", "aux.txt"])
        #expect(!ReleaseCheck.check(name: "A - B", files: files, facts: [:], description: UploadFixture.release, rules: Self.site("ops").releaseRules).contains { $0.code == "unit3d-filename" })
    }
}
