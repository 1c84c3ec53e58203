import Foundation
import MKTCatalog
import MKTMetadata
import MKTTestSupport
import MKTTorrent
import MKTTrackerFakes
@testable import MKTTrackers
import Testing

/// Issue 15, "Done means": the exact form each site gets for five kinds of
/// upload, pinned field by field, and each taken by the fake tracker, which
/// checks what the sites' code checks (contrib/fake-tracker/gazelle.py follows
/// OPSnet/Gazelle's upload_handle.php for OPS and WhatCD/Gazelle's for RED and
/// DIC; unit3d.py follows UNIT3D's TorrentController::store).
/// Documentation/trackers.md's conformance table says which rule each field meets.
struct SiteFormTests {
    enum Case: String, CaseIterable, Sendable {
        case cdFlacWithLog, webMP3V0, aacAlbum, m4bAudiobook, secondFormat
    }

    static let log = AttachedFile(filename: "Fixture Album.log", data: Data("Exact Audio Copy V1.6 log of Fixture Album".utf8))

    /// The release of each case (UploadFixture's album, changed as the case says).
    static func release(_ kind: Case) -> ReleaseDescription {
        var release = UploadFixture.release
        release.label = "Fixture Records"
        release.catalogueNumber = "FIX-001"
        switch kind {
        case .cdFlacWithLog:
            release.media = "CD"
        case .webMP3V0:
            release.format = "MP3"
            release.encoding = "V0 (VBR)"
        case .aacAlbum:
            // Gazelle has no AAC bitrate of its own: Other, with the files' average (issue #2).
            release.format = "AAC"
            release.encoding = "Other"
            release.otherBitrate = 256
            release.otherBitrateIsVariable = false
        case .m4bAudiobook:
            release.category = "Audiobooks"
            release.artists = ["Fixture Author"]
            release.artistRoles = ["main": ["Fixture Author"]]
            release.author = "Fixture Author"
            release.title = "Fixture Book"
            release.tags = ["audiobook"]
            release.format = "AAC"
            release.encoding = "Other"
            release.otherBitrate = 64
            release.otherBitrateIsVariable = false
            release.media = nil
            release.label = nil
            release.catalogueNumber = nil
        case .secondFormat:
            release.format = "MP3"
            release.encoding = "320"
        }
        return release
    }

    static func name(_ kind: Case) -> String {
        switch kind {
        case .cdFlacWithLog: "Fixture Artist - Fixture Album (2019) [CD FLAC]"
        case .webMP3V0: "Fixture Artist - Fixture Album (2019) [WEB MP3 V0]"
        case .aacAlbum: "Fixture Artist - Fixture Album (2019) [WEB AAC]"
        case .m4bAudiobook: "Fixture Author - Fixture Book (2019) [M4B]"
        case .secondFormat: "Fixture Artist - Fixture Album (2019) [WEB MP3 320]"
        }
    }

    static let sites = ["red", "ops", "dic", "unit3d"]

    static func site(_ name: String, url: String = "https://example.invalid") -> TrackerSite {
        if name == "unit3d" {
            return TrackerSite(name: "unit3d", family: .unit3d, url: url, source: "UNIT3D", announceTemplate: "\(url)/announce/{passkey}", categoryID: 3, typeID: 1)
        }
        let known = TrackerCatalog.builtIn.first { $0.name == name }!
        return TrackerSite(name: name, family: known.family, url: url, source: known.source, announceTemplate: "\(url)/{passkey}/announce")
    }

    /// The form without the torrent file, as `name = value` lines (`MultipartField.preview`).
    static func form(_ kind: Case, site: TrackerSite, groupID: Int?) throws -> [String] {
        let release = Self.release(kind)
        let fields = site.family == .unit3d
            ? UploadForm.unit3d(release, name: name(kind), categoryID: 3, typeID: 1)
            : try UploadForm.gazelle(release, site: site, groupID: groupID, dryRun: false, logs: kind == .cdFlacWithLog ? [log] : [])
        return MultipartField.preview(fields)
    }

    @Test(arguments: sites)
    func formsArePinnedAndTheFakeTakesThem(site name: String) throws {
        let fake = try FakeTracker(site: name, extra: ["--rate", "100/10"])
        try withExtendedLifetime(fake) {
            try withTemporaryDirectory { directory in
                let site = Self.site(name, url: fake.url)
                for kind in Case.allCases {
                    // Each case on a site of its own; the second format joins the group a FLAC made.
                    try fake.reset()
                    let group = kind == .secondFormat ? try fake.addGroup(
                        ["artist": "Fixture Artist", "name": "Fixture Album", "year": 2019, "releasetype": 1, "tags": "electronic",
                         "torrents": [["media": "WEB", "format": "FLAC", "encoding": "Lossless", "remasterYear": 2019]]]) : nil
                    let groupID = site.family == .unit3d ? nil : group
                    let form = try Self.form(kind, site: site, groupID: groupID)
                    #expect(form == Self.pinned(name, kind), "\(name) \(kind.rawValue):\n\(form.joined(separator: "\n"))")
                    // The fake takes it.
                    var job = UploadJob(
                        torrentID: String(repeating: "7", count: 64), torrent: try UploadFixture.torrent(name: Self.name(kind), source: site.source),
                        release: Self.release(kind), metaID: nil, logs: kind == .cdFlacWithLog ? [Self.log] : [])
                    let uploader = Uploader(site: site, credential: fake.apiKey, stateDirectory: directory, userAgent: "mkt-test") { _ in }
                    let receipt = uploader.attempt(job).receipt
                    #expect(receipt.outcome == .success, "\(name) \(kind.rawValue): \(receipt.summary)")
                    if let upload = try fake.uploads.last {
                        let sent = FakeTracker.fields(of: upload)
                        for line in form where !line.contains(" = file ") && !line.hasPrefix("album_desc") && !line.hasPrefix("description") {
                            let (key, value) = (String(line.prefix { $0 != " " }), String(line.drop { $0 != "=" }.dropFirst(2)))
                            #expect(sent[key]?.contains(value) == true, "\(name) \(kind.rawValue): the fake got \(key) = \(sent[key] ?? [])")
                        }
                    }
                }
            }
        }
    }

    /// The pinned form of `kind` on `site`. Rule by rule (Documentation/trackers.md, conformance):
    /// `type` 0 Music / 3 Audiobooks (CATEGORY); artists[] with importance[] and at least one
    /// importance 1; title, year, releasetype, tags (2–200 bytes), album_desc (≥ 10) for a new
    /// group only; `remaster` with the edition's year, label and number (dropped without it);
    /// format and bitrate from the site's lists, Other with other_bitrate (≤ 9); media for music;
    /// a CD's year ≥ 1982; logfiles[] named .log for a CD FLAC; groupid and no group fields
    /// when adding to a group. UNIT3D: name, description and the required ids and flags
    /// (TorrentController::store's rules).
    static func pinned(_ site: String, _ kind: Case) -> [String] {
        if site == "unit3d", let own = unit3dForms[kind] { return Array(own.prefix(2)) + unit3dFixed + own.suffix(1) }
        let red = gazelleForms[kind] ?? []
        guard site != "red" else { return red }
        // OPS (and DIC, its fork) unescape a script's text unless told not to (OPSnet/Gazelle upload_handle.php).
        return red.filter { !$0.hasPrefix("logfiles[]") } + ["workaround_broken_html_entities = 0"] + red.filter { $0.hasPrefix("logfiles[]") }
    }

    static let unit3dFixed = [
        "mediainfo = ", "category_id = 3", "type_id = 1", "imdb = 0", "tvdb = 0", "tmdb = 0", "mal = 0", "igdb = 0",
        "anonymous = 0", "stream = 0", "sd = 0", "personal_release = 0",
    ]

    /// RED's form per case (WhatCD/Gazelle's fields; RED's own code is closed): a new group's
    /// fields, the edition's, then the torrent's.
    static let newGroup = ["type = 0", "artists[] = Fixture Artist", "importance[] = 1", "title = Fixture Album", "year = 2019", "releasetype = 1", "tags = electronic",
                           "album_desc = [size=4][b]Fixture Artist – Fixture Album[/b][/size]\\n\\n[b]Year:[/b] 2019\\n[b]Label:[/b] Fixture Records\\n[b]Catalogue number:[/b] FIX-001"]
    static let edition = ["remaster = 1", "remaster_year = 2019", "remaster_record_label = Fixture Records", "remaster_catalogue_number = FIX-001"]
    static let gazelleForms: [Case: [String]] = [
        .cdFlacWithLog: newGroup + edition + ["format = FLAC", "bitrate = Lossless", "media = CD", "logfiles[] = file Fixture Album.log (42 bytes)"],
        .webMP3V0: newGroup + edition + ["format = MP3", "bitrate = V0 (VBR)", "media = WEB"],
        .aacAlbum: newGroup + edition + ["format = AAC", "bitrate = Other", "other_bitrate = 256", "media = WEB"],
        .m4bAudiobook: [
            "type = 3",
            "title = Fixture Author - Fixture Book",
            "year = 2019",
            "tags = audiobook",
            "album_desc = [size=4][b]Fixture Author – Fixture Book[/b][/size]\\n\\n[b]Author:[/b] Fixture Author\\n[b]Year:[/b] 2019\\n[b]Format:[/b] AAC, 64 kbps",
            "remaster = 1",
            "remaster_year = 2019",
            "format = AAC",
            "bitrate = Other",
            "other_bitrate = 64",
        ],
        .secondFormat: ["type = 0", "groupid = 100"] + edition + ["format = MP3", "bitrate = 320", "media = WEB"],
    ]

    /// UNIT3D's form per case: name, description, keywords (the rest is the same for every case).
    static let unit3dForms: [Case: [String]] = [
        .cdFlacWithLog: ["name = Fixture Artist - Fixture Album (2019) [CD FLAC]", "description = [size=4][b]Fixture Artist – Fixture Album[/b][/size]\\n\\n[b]Year:[/b] 2019\\n[b]Label:[/b] Fixture Records\\n[b]Catalogue number:[/b] FIX-001", "keywords = electronic"],
        .webMP3V0: ["name = Fixture Artist - Fixture Album (2019) [WEB MP3 V0]", "description = [size=4][b]Fixture Artist – Fixture Album[/b][/size]\\n\\n[b]Year:[/b] 2019\\n[b]Label:[/b] Fixture Records\\n[b]Catalogue number:[/b] FIX-001", "keywords = electronic"],
        .aacAlbum: ["name = Fixture Artist - Fixture Album (2019) [WEB AAC]", "description = [size=4][b]Fixture Artist – Fixture Album[/b][/size]\\n\\n[b]Year:[/b] 2019\\n[b]Label:[/b] Fixture Records\\n[b]Catalogue number:[/b] FIX-001", "keywords = electronic"],
        .m4bAudiobook: ["name = Fixture Author - Fixture Book (2019) [M4B]", "description = [size=4][b]Fixture Author – Fixture Book[/b][/size]\\n\\n[b]Author:[/b] Fixture Author\\n[b]Year:[/b] 2019\\n[b]Format:[/b] AAC, 64 kbps", "keywords = audiobook"],
        .secondFormat: ["name = Fixture Artist - Fixture Album (2019) [WEB MP3 320]", "description = [size=4][b]Fixture Artist – Fixture Album[/b][/size]\\n\\n[b]Year:[/b] 2019\\n[b]Label:[/b] Fixture Records\\n[b]Catalogue number:[/b] FIX-001", "keywords = electronic"],
    ]
}
