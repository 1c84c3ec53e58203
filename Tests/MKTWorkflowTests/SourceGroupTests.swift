import Foundation
import MKTMetadata
import MKTObjects
import MKTStore
import MKTTestSupport
@testable import MKTWorkflow
import Testing

/// Where a transcode goes on a site: its source's group, from the source's receipts there.
struct SourceGroupTests {
    static let lineage = MetaSnapshot.Lineage(
        source: "album-flac", sourceMeta: ObjectID(hex: String(repeating: "1", count: 64)) ?? ObjectID.zero, format: "V0",
        encoders: ["flac 1.4.2", "LAME 3.100"], commands: ["flac -dcs -- 'A [FLAC]/1.flac' | lame -V 0 - 'A [MP3 V0]/1.mp3'", "second"])

    @Test func theNewestReceiptThatNamesAGroupWins() throws {
        try withTemporaryDirectory { directory in
            let repository = try Repository.initialize(in: directory, hookSamples: []).repository
            #expect(try repository.sourceGroup(of: Self.lineage, tracker: "red") == nil)
            func store(_ receipt: UploadReceipt) throws -> ObjectID { try repository.objects.write(type: .receipt, body: try receipt.objectBody()) }
            var uploaded = UploadReceipt(tracker: "red", site: "https://red", torrent: String(repeating: "2", count: 64), infohash: String(repeating: "a", count: 40), attempt: 1, started: 1)
            uploaded.outcome = .success
            uploaded.siteGroupID = 42
            uploaded.url = "https://red/torrents.php?id=42&torrentid=7"
            let first = try store(uploaded)
            // A later attempt (of a changed torrent, say) that failed before the site named a group.
            var failed = UploadReceipt(tracker: "red", site: "https://red", torrent: String(repeating: "3", count: 64), infohash: String(repeating: "b", count: 40), attempt: 2, started: 2)
            failed.outcome = .failed
            failed.previous = first.hex
            try repository.update([RefUpdate(name: "refs/trackers/red/album-flac", action: .set(try store(failed)))], message: "test")
            let found = try #require(try repository.sourceGroup(of: Self.lineage, tracker: "red"))
            #expect(found.groupID == 42 && found.url == uploaded.url)
            #expect(try repository.sourceGroup(of: Self.lineage, tracker: "ops") == nil)
        }
    }

    /// The built-in template's {lineage} and {encoder} of a transcode; with push.made-with-mkt, its line after them.
    @Test func theLineageTextIsShort() throws {
        try withTemporaryDirectory { directory in
            let repository = try Repository.initialize(in: directory, hookSamples: []).repository
            let snapshot = MetaSnapshot(description: ReleaseDescription(), release: ObjectID.zero, pieces: ObjectID.zero, derived: Self.lineage)
            let text = try repository.torrentDescription(tracker: "red", snapshot: snapshot, stored: nil, sourceURL: "https://red/torrents.php?id=42&torrentid=7", spectrals: .off)
            #expect(text == Self.lineageText)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(repository.directory)/config"))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data("[push]\n    made-with-mkt = true\n".utf8))
            try handle.close()
            let signed = try Repository(directory: repository.directory).torrentDescription(tracker: "red", snapshot: snapshot, stored: nil, sourceURL: "https://red/torrents.php?id=42&torrentid=7", spectrals: .off)
            #expect(signed == Self.lineageText + "\n\nUploaded with mkt.")
        }
    }

    static let lineageText = """
            Transcoded by mkt from [url=https://red/torrents.php?id=42&torrentid=7]album-flac[/url] with flac 1.4.2, LAME 3.100.
            Command (track 1 of 2): [code]flac -dcs -- 'A [FLAC]/1.flac' | lame -V 0 - 'A [MP3 V0]/1.mp3'[/code]
            """
}

struct ReleaseOrderTests {
    @Test func transcodesComeUnderTheirSource() {
        let sources = [
            "a-mp3-v0": TranscodeSource(source: "a-flac", format: "V0"), "a-mp3-320": TranscodeSource(source: "a-flac", format: "320"),
            "orphan-v0": TranscodeSource(source: "gone-flac", format: "V0"),
        ]
        #expect(ReleaseOrder.sourcesFirst(["a-flac", "a-mp3-320", "a-mp3-v0", "b-flac", "orphan-v0"], sources: sources)
            == ["a-flac", "a-mp3-320", "a-mp3-v0", "b-flac", "orphan-v0"])
        #expect(ReleaseOrder.sourcesFirst(["a-mp3-v0", "b-flac", "a-flac"], sources: sources) == ["b-flac", "a-flac", "a-mp3-v0"])
        #expect(ReleaseOrder.sourcesFirst([], sources: sources).isEmpty)
    }
}
