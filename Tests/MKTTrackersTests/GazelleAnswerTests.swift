import Foundation
import MKTCatalog
import MKTObjects
import MKTTestSupport
import MKTTorrent
import MKTTrackerFakes
@testable import MKTTrackers
import Testing

/// Answers the real Gazelle code gives that the adapters must read right.
struct GazelleAnswerTests {
    private func withSite<T>(_ family: TrackerFamily, _ body: (ScriptedSite, UploadJob) throws -> T) throws -> T {
        try withTemporaryDirectory { directory in
            let site = ScriptedSite(name: family.rawValue, family: family, stateDirectory: directory)
            site.answersLookups()
            return try body(site, try UploadFixture.job(for: site.site))
        }
    }

    /// DIC's form redirects to the group alone (upload_handle.php's closing
    /// redirect): the torrent's id is asked by infohash, and the upload is a
    /// success, not an unknown outcome. A group named by the job goes in the URL.
    @Test func aRedirectToTheGroupAloneIsASuccess() throws {
        try withSite(.dic) { site, job in
            site.transport.queue("upload.php", .status(302, headers: ["Location": "torrents.php?id=7"]))
            site.finds(torrentID: 77, groupID: 7, infohash: job.torrent.infoHashHex)
            let receipt = site.uploader().attempt(job).receipt
            #expect(receipt.outcome == .success && receipt.siteTorrentID == 77 && receipt.siteGroupID == 7, "\(receipt.summary)")
            #expect(site.transport.sent("action=torrent&").first?.query("hash") == job.torrent.infoHashHex.uppercased())
        }
        try withSite(.dic) { site, job in
            site.transport.queue("upload.php", .status(302, headers: ["Location": "torrents.php?id=7"]))
            site.findsNothing()
            let receipt = site.uploader().attempt(job).receipt
            #expect(receipt.outcome == .outcomeUnknown, "not found yet: the next attempt looks again before sending: \(receipt.summary)")
        }
        try withSite(.dic) { site, job in
            var grouped = job
            grouped.groupID = 12
            site.transport.queue("upload.php", .status(302, headers: ["Location": "torrents.php?id=12&torrentid=5"]))
            let receipt = site.uploader().attempt(grouped).receipt
            #expect(receipt.outcome == .success && receipt.siteTorrentID == 5)
            #expect(site.transport.sent("upload.php").first?.query("groupid") == "12")
        }
    }

    /// WhatCD's `error()` page: the title in an h2, the reason in the box.
    @Test func anErrorPageIsARefusalWithItsReason() throws {
        try withSite(.dic) { site, job in
            let page = #"<html><div class="thin"><div class="header"><h2>Error</h2></div><div class="box pad"><p>You must enter at least one tag. Maximum length is 200 characters.</p></div></div></html>"#
            site.transport.queue("upload.php", .status(200, body: Data(page.utf8)))
            let receipt = site.uploader().attempt(job).receipt
            #expect(receipt.outcome == .rejected && receipt.category == .validation && receipt.field == "tags", "\(receipt.summary)")
            #expect(receipt.message?.hasSuffix("You must enter at least one tag. Maximum length is 200 characters.") == true)
        }
    }

    /// "Thank you for fixing this torrent": the site had lost this torrent's
    /// file and stored ours; it has the torrent.
    @Test func aFixedTorrentIsOnTheSite() {
        #expect(GazelleMessages.existingTorrent(in: "Thank you for fixing this torrent (torrentid=31)")?.torrent == 31)
        #expect(GazelleMessages.existingTorrent(in: #"<a href="torrents.php?torrentid=32">Thank you for fixing this torrent</a>"#)?.torrent == 32)
    }

    /// OPS spends a freeleech token whenever `usetoken` is present; RED reads 0 as none.
    @Test func theSiteCopyIsDownloadedWithoutAToken() throws {
        for family in [TrackerFamily.ops, .red] {
            try withSite(family) { site, _ in
                site.transport.queue("action=download", .status(200, body: Data("d4:infod4:name1:aee".utf8)))
                let connection = TrackerConnection(site: site.site, credential: site.credential, limiter: site.limiter, transport: site.transport) { _ in }
                _ = try connection.makeAdapter().download(SiteTorrent(id: 3, url: site.site.url))
                let sent = try #require(site.transport.sent("action=download").first)
                #expect(sent.query("usetoken") == (family == .red ? "0" : nil), "\(family): \(sent.line)")
            }
        }
    }
}
