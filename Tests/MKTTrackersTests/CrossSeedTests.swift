import Foundation
import MKTObjects
import MKTTestSupport
import MKTTorrent
import MKTTrackerFakes
@testable import MKTTrackers
import Testing

/// The site has the edition in a torrent made elsewhere: the Uploader fetches
/// it and asks the job's check; it never uploads.
struct CrossSeedTests {
    /// A scripted RED whose `browse` lists the edition as torrent 9 in group 5, whose
    /// lookup does not know mkt's infohash, and whose download hands out `theirs`.
    private func withDuplicate(_ theirs: TorrentFile, _ body: (ScriptedSite, UploadJob) throws -> Void) throws {
        try withTemporaryDirectory { directory in
            let site = ScriptedSite(stateDirectory: directory)
            site.transport.always("action=index", .gazelle(#"{"passkey":"\#(site.passkey)","authkey":"\#(site.authkey)"}"#))
            site.transport.always("action=browse", .gazelle(#"""
                {"results":[{"groupId":5,"groupName":"Fixture Album","artist":"Fixture Artist","groupYear":2019,
                "torrents":[{"torrentId":9,"media":"WEB","format":"FLAC","encoding":"Lossless","remasterYear":2019}]}]}
                """#))
            site.findsNothing()
            var announced = theirs.dictionary
            announced["announce"] = .string("https://flacsfor.example/\(site.passkey)/announce")
            site.transport.always("action=download", .status(200, body: Data(Bencode.dictionary(announced).encoded())))
            try body(site, try UploadFixture.job(for: site.site))
        }
    }

    @Test func aMatchingTorrentIsAdoptedAndNothingIsUploaded() throws {
        let theirs = try UploadFixture.torrent(source: "OTHER")
        try withDuplicate(theirs) { site, job in
            var job = job
            job.crossSeed = { torrent in torrent.infoHashHex == theirs.infoHashHex ? .matches(readData: false) : .otherLayout("not theirs") }
            let result = site.uploader().attempt(job)
            let receipt = result.receipt
            #expect(receipt.outcome == .adopted && receipt.succeeded, "\(receipt.summary)")
            #expect(receipt.siteTorrentID == 9 && receipt.siteGroupID == 5 && receipt.siteInfohash == theirs.infoHashHex && !receipt.rewritten)
            #expect(site.transport.sent.map { $0.query("action") } == ["index", "browse", "torrent", "download"])
            // RED: usetoken=0, so no freeleech token is spent.
            #expect(site.transport.sent("action=download").first?.query("usetoken") == "0")
            // The copy to store: the site's torrent without the announce URL (the passkey).
            let copy = try TorrentFile.parse(try #require(result.siteTorrent), label: "copy")
            #expect(copy.infoHashHex == theirs.infoHashHex && copy.announce == nil)
        }
    }

    @Test func aTorrentThatDiffersIsADuplicateNamingTheFile() throws {
        try withDuplicate(try UploadFixture.torrent(source: "OTHER")) { site, job in
            var job = job
            job.crossSeed = { _ in .differs(piece: 1, files: ["02 Track.flac"]) }
            let receipt = site.uploader().attempt(job).receipt
            #expect(receipt.outcome == .rejected && receipt.category == .duplicate, "\(receipt.summary)")
            #expect(receipt.message == "red.example already has this edition in FLAC Lossless from WEB in torrent 9, which does not match the local files, so it is not seeded: 02 Track.flac differs (piece 1 does not match)")
            #expect(receipt.url == "https://red.example/torrents.php?id=5&torrentid=9")
            #expect(site.transport.sent("action=upload").isEmpty)
        }
    }

    @Test func aDryRunSaysWhatAPushWouldDo() throws {
        try withDuplicate(try UploadFixture.torrent(source: "OTHER")) { site, job in
            var job = job
            job.dryRun = true
            job.crossSeed = { _ in .matches(readData: true) }
            let result = site.uploader().attempt(job)
            #expect(result.receipt.outcome == .dryRun && result.siteTorrent == nil, "\(result.receipt.summary)")
            #expect(result.receipt.message == "red.example has this edition in torrent 9, whose pieces all match the local files: a push adopts it and uploads nothing")
            #expect(site.transport.sent("action=upload").isEmpty)
        }
    }

    /// Without a check (push-tracker of a torrent with no stored release), a duplicate stays a refusal.
    @Test func withoutACheckADuplicateIsRefused() throws {
        try withDuplicate(try UploadFixture.torrent(source: "OTHER")) { site, job in
            let receipt = site.uploader().attempt(job).receipt
            #expect(receipt.outcome == .rejected && receipt.category == .duplicate && receipt.message == "red.example already has this edition in FLAC Lossless from WEB")
            #expect(!site.transport.sent.contains { $0.query("action") == "download" })
        }
    }
}
