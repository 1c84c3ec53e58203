import Foundation
import MKTTestSupport
import Testing

/// The fake refuses what the sites' code refuses, in its words (issue 15's
/// Build: a faithful model). Each case failed against the fake written from
/// notes: it took an edition on RED without `remaster`, never named a missing
/// field, took a CD from before 1982, took a one-letter edition title on RED,
/// and limited every OPS request alike.
struct FakeFidelityJourneyTests {
    /// A one-file torrent in strict bencode; `byte` makes each one's infohash its own.
    static func torrent(_ byte: UInt8 = 0xab) -> Data {
        Data("d4:infod6:lengthi1e4:name5:a.mp312:piece lengthi16384e6:pieces20:".utf8) + Data(repeating: byte, count: 20) + Data("7:privatei1eee".utf8)
    }

    static let group: [(String, String)] = [
        ("type", "0"), ("artists[]", "Artist"), ("importance[]", "1"), ("title", "Album"), ("year", "2019"),
        ("releasetype", "1"), ("tags", "rock"), ("album_desc", "An album description."),
    ]

    static func upload(_ fake: FakeTracker, _ fields: [(String, String)], torrent byte: UInt8 = 0xab, in directory: String) throws -> String {
        try fake.send(fake.site == "dic" ? "upload.php" : "ajax.php?action=upload", fields: fields, torrent: Self.torrent(byte), in: directory)
    }

    /// WhatCD/Gazelle sections/upload/upload_handle.php (RED's ancestor) keeps
    /// the edition only with `remaster` set; the old fake kept it on RED anyway.
    @Test func redKeepsTheEditionOnlyWithRemaster() throws {
        try withTemporaryDirectory { directory in
            let red = try FakeTracker(site: "red", extra: ["--rate", "100/10"])
            let torrent = Self.group + [("remaster_year", "2020"), ("format", "MP3"), ("bitrate", "320"), ("media", "WEB")]
            _ = try Self.upload(red, torrent, in: directory)
            #expect(try red.torrents.first?["remasterYear"] as? Int == 0)
            _ = try Self.upload(red, [("remaster", "1")] + torrent, torrent: 0xcd, in: directory)
            #expect(try red.torrents.last?["remasterYear"] as? Int == 2020)
        }
    }

    /// OPSnet/Gazelle app/Util/Validator.php names a required field that is
    /// absent; its handler wants a CD's year at 1982 or later (the number's
    /// rule appends the minimum to the message), and says "You must choose a
    /// bitrate." for one not on its list.
    @Test func opsAnswersAsItsValidatorDoes() throws {
        try withTemporaryDirectory { directory in
            let ops = try FakeTracker(site: "ops")
            let media = try Self.upload(ops, Self.group + [("format", "MP3"), ("bitrate", "320")], in: directory)
            #expect(media.contains(#""error": "media is not specified""#), "\(media)")
            let old = try Self.upload(ops, Self.group.map { $0.0 == "year" ? ($0.0, "1975") : $0 } + [("format", "FLAC"), ("bitrate", "Lossless"), ("media", "CD")], in: directory)
            #expect(old.contains("You have selected a year for an album that predates the media you say it was created on.1982"), "\(old)")
            let bitrate = try Self.upload(ops, Self.group + [("format", "MP3"), ("bitrate", "330"), ("media", "WEB")], in: directory)
            #expect(bitrate.contains("You must choose a bitrate."), "\(bitrate)")
        }
    }

    /// WhatCD's handler takes edition fields of 2 to 80 characters (OPS: 1 to
    /// 80), and each of its checks replaces the error before it: with a title
    /// too long and no main artist, the artists' is the one shown.
    @Test func redAnswersAsWhatCDsHandlerDoes() throws {
        try withTemporaryDirectory { directory in
            let red = try FakeTracker(site: "red", extra: ["--rate", "100/10"])
            let torrent = [("format", "MP3"), ("bitrate", "320"), ("media", "WEB")]
            let short = try Self.upload(red, Self.group + [("remaster", "1"), ("remaster_year", "2019"), ("remaster_title", "X")] + torrent, in: directory)
            #expect(short.contains("Remaster title must be between 2 and 80 characters."), "\(short)")
            let fields = Self.group.filter { $0.0 != "artists[]" && $0.0 != "importance[]" }.map { $0.0 == "title" ? ($0.0, String(repeating: "x", count: 201)) : $0 }
            let answer = try Self.upload(red, fields + torrent, in: directory)
            #expect(answer.contains("Please enter at least one main artist"), "\(answer)")
        }
    }

    /// OPSnet/Gazelle sections/ajax/index.php limits only the actions in
    /// $LimitedPages (browse 5 per 10 s, one counter per user, refused once
    /// the count before the request is over 5); index is not limited.
    @Test func opsLimitsPerAction() throws {
        try withTemporaryDirectory { directory in
            let ops = try FakeTracker(site: "ops")
            for _ in 1...12 { #expect(try ops.send("ajax.php?action=index", in: directory).contains(#""status": "success""#)) }
            let browses = try (1...8).map { _ in try ops.send("ajax.php?action=browse&searchstr=x", in: directory).contains("Rate limit exceeded") }
            #expect(browses == [false, false, false, false, false, false, false, true])
        }
    }
}
