import Foundation
import MKTObjects
import MKTCatalog
import MKTHTTP
import MKTTestSupport
import MKTTorrent
import MKTTrackerFakes
@testable import MKTTrackers
import Testing

/// One attempt of the Uploader against a scripted Gazelle site: what it
/// sends, and how each answer (or its absence) lands in the receipt.
struct UploaderTests {
    private func withSite<T>(_ body: (ScriptedSite, UploadJob) throws -> T) throws -> T {
        try withTemporaryDirectory { directory in
            let site = ScriptedSite(stateDirectory: directory)
            return try body(site, try UploadFixture.job(for: site.site))
        }
    }

    private func unknownOutcome(_ job: UploadJob) -> (id: String, receipt: UploadReceipt) {
        var receipt = UploadReceipt(tracker: "red", site: "https://red.example", torrent: job.torrentID, infohash: job.torrent.infoHashHex, attempt: 1, started: 0)
        receipt.outcome = .outcomeUnknown
        return (String(repeating: "1", count: 64), receipt)
    }

    /// A site URL from the config that URLComponents cannot read is a one-line
    /// error naming the tracker and the URL, not a trap.
    @Test func aSiteURLThatIsNotOneIsAnError() throws {
        try withTemporaryDirectory { directory in
            let scripted = ScriptedSite(stateDirectory: directory)
            let site = TrackerSite(
                name: "red", family: .red, url: "https://red.example:port/%zz", source: "RED",
                announceTemplate: scripted.site.announceTemplate, rateLimit: scripted.site.rateLimit)
            let connection = TrackerConnection(site: site, credential: "k", limiter: scripted.limiter, transport: scripted.transport) { _ in }
            #expect(throws: TrackerError.local("tracker red: url 'https://red.example:port/%zz' is not a URL")) { try connection.url("/ajax.php", query: [("action", "index")]) }
            let good = TrackerConnection(site: scripted.site, credential: "k", limiter: scripted.limiter, transport: scripted.transport) { _ in }
            let url = try good.url("/ajax.php", query: [("a", "b+c")])
            #expect(url == "https://red.example/ajax.php?a=b%2Bc")
        }
    }

    /// After an unknown outcome, a lookup that itself fails answers nothing:
    /// the attempt stays "unknown" (never "failed", which would send it
    /// again blind), and the next attempt looks again and finds it.
    @Test func aFailedLookupAfterALostAnswerLeavesItUnknown() throws {
        try withSite { site, job in
            site.answersLookups()
            site.transport.queue("action=torrent&", .status(503))
            let lost = unknownOutcome(job)
            let first = site.uploader().attempt(job, previous: lost).receipt
            #expect(first.outcome == .outcomeUnknown && site.transport.sent("action=upload").isEmpty, "\(first.summary)")
            site.finds(torrentID: 9, infohash: job.torrent.infoHashHex)
            let second = site.uploader().attempt(job, previous: (String(repeating: "2", count: 64), first)).receipt
            #expect(second.outcome == .recovered && second.siteTorrentID == 9 && site.transport.sent("action=upload").isEmpty, "\(second.summary)")
        }
    }

    @Test func aSuccessSendsTheTorrentWithTheAnnounceAndTheKey() throws {
        try withSite { site, job in
            site.answersLookups()
            site.takesUpload(torrentID: 9)
            let result = site.uploader().attempt(job)
            let receipt = result.receipt
            #expect(receipt.outcome == .success && receipt.category == nil, "\(receipt.summary)")
            #expect(receipt.siteTorrentID == 9 && receipt.siteGroupID == 5 && receipt.url == "https://red.example/torrents.php?id=5&torrentid=9")
            #expect(receipt.requests == 3 && receipt.attempt == 1 && receipt.key == TrackerConnection.fingerprint(site.credential))
            #expect(site.transport.sent.map { $0.query("action") } == ["index", "browse", "upload"])
            #expect(site.transport.sent.allSatisfy { $0.header("Authorization") == site.credential })
            let uploaded = try #require(try site.uploadedTorrents().first)
            #expect(uploaded.announce == "https://flacsfor.example/\(site.passkey)/announce")
            #expect(uploaded.infoHashHex == job.torrent.infoHashHex && result.siteTorrent == nil)
            #expect(site.transport.sent("action=upload")[0].field("bitrate") == "Lossless")
            #expect(Set(site.protected) == [site.passkey, site.authkey])
            #expect(site.transport.unanswered.isEmpty && site.clock.slept.isEmpty)
        }
    }

    @Test func aRefusalIsFinal() throws {
        try withSite { site, job in
            site.answersLookups()
            site.transport.queue("action=upload", .gazelleFailure("Please select a valid bitrate."))
            let receipt = site.uploader().attempt(job).receipt
            #expect(receipt.outcome == .rejected && receipt.category == .validation && !receipt.isRetryable)
            #expect(receipt.field == "bitrate" && receipt.message == "red.example: Please select a valid bitrate.")
        }
    }

    /// The upload left and no answer came back: the site may have it.
    @Test func aLostAnswerToTheUploadIsAnUnknownOutcome() throws {
        try withSite { site, job in
            site.answersLookups()
            site.transport.queue("action=upload", .lost)
            let receipt = site.uploader().attempt(job).receipt
            #expect(receipt.outcome == .outcomeUnknown && receipt.category == .network && receipt.isRetryable)
            #expect(receipt.message == "red.example: no answer in time")
        }
    }

    /// A 5xx to the upload is an unknown outcome; to a lookup it is only a failure.
    @Test func serverErrorsAreUnknownOnlyForTheUpload() throws {
        try withSite { site, job in
            site.answersLookups()
            site.transport.queue("action=upload", .status(503))
            let upload = site.uploader().attempt(job).receipt
            #expect(upload.outcome == .outcomeUnknown && upload.category == .server && upload.httpStatus == 503)
            #expect(upload.message == "red.example answered HTTP 503; the upload may or may not have been taken")
        }
        try withSite { site, job in
            site.transport.queue("action=index", .status(502))
            let lookup = site.uploader().attempt(job).receipt
            #expect(lookup.outcome == .failed && lookup.category == .server && lookup.isRetryable)
            #expect(site.transport.sent.count == 1)
        }
    }

    /// After an unknown outcome the infohash is looked up before anything
    /// else; found, the attempt is a recovery and nothing is sent again.
    @Test func anUnknownOutcomeFoundOnTheSiteIsRecovered() throws {
        try withSite { site, job in
            site.finds(torrentID: 9, infohash: job.torrent.infoHashHex)
            let receipt = site.uploader().attempt(job, previous: unknownOutcome(job)).receipt
            #expect(receipt.outcome == .recovered && receipt.siteTorrentID == 9 && receipt.attempt == 2)
            #expect(receipt.previous == String(repeating: "1", count: 64) && receipt.requests == 1)
            #expect(site.transport.sent.map { $0.query("hash") } == [job.torrent.infoHashHex.uppercased()])
        }
    }

    @Test func anUnknownOutcomeNotOnTheSiteIsSentAgain() throws {
        try withSite { site, job in
            site.findsNothing()
            site.answersLookups()
            site.takesUpload(torrentID: 10)
            let receipt = site.uploader().attempt(job, previous: unknownOutcome(job)).receipt
            #expect(receipt.outcome == .success && receipt.siteTorrentID == 10, "\(receipt.summary)")
            #expect(site.transport.sent.map { $0.query("action") } == ["torrent", "index", "browse", "upload"])
        }
    }

    @Test func aRefusedKeyStopsBeforeTheUpload() throws {
        try withSite { site, job in
            site.transport.queue("action=index", .json(#"{"status":"failure","error":"bad credentials"}"#, status: 401))
            let receipt = site.uploader().attempt(job).receipt
            #expect(receipt.outcome == .rejected && receipt.category == .auth && receipt.httpStatus == 401 && !receipt.isRetryable)
            #expect(receipt.message == "red.example refused the api-key (HTTP 401): bad credentials")
            #expect(site.transport.sent.count == 1)
        }
    }

    /// A 429 to the upload ends the attempt (every upload attempt gets its own
    /// receipt) and blocks the limiter every process shares for the account.
    @Test func aRateLimitedUploadBlocksTheSharedLimiter() throws {
        try withSite { site, job in
            site.answersLookups()
            site.transport.queue("action=upload", .json(#"{"status":"failure","error":"slow down"}"#, status: 429, headers: ["Retry-After": "30"]))
            let result = site.uploader().attempt(job)
            #expect(result.receipt.outcome == .failed && result.receipt.category == .rateLimit && result.receipt.httpStatus == 429)
            #expect(result.retryAfter == 30 && result.receipt.message == "red.example asks to wait 30 s (rate limit)")
            // Another process on the same state: its next request waits the 30 s out.
            let waited = try site.limiter.acquire().waited
            #expect(waited == .seconds(30))
        }
    }

    /// A 429 to a lookup is waited out inside the attempt, on the test clock.
    @Test func aRateLimitedLookupIsWaitedOut() throws {
        try withSite { site, job in
            site.transport.queue("action=browse", .status(429, headers: ["Retry-After": "2"]))
            site.answersLookups()
            site.takesUpload(torrentID: 9)
            let receipt = site.uploader().attempt(job).receipt
            #expect(receipt.outcome == .success && receipt.requests == 4)
            #expect(receipt.rateLimitWaitMilliseconds == 2000 && site.clock.slept == [.seconds(2)])
        }
    }

    /// A site that quotes the key, or the passkey it told, in its message:
    /// the receipt says `[redacted]` instead.
    @Test func secretsQuotedBySiteMessagesAreRedacted() throws {
        try withSite { site, job in
            site.answersLookups()
            site.transport.queue("action=upload", .gazelleFailure("Key \(site.credential) with passkey \(site.passkey) may not upload"))
            let refused = site.uploader().attempt(job).receipt
            #expect(refused.message == "red.example: Key [redacted] with passkey [redacted] may not upload")
        }
        try withSite { site, job in
            site.transport.queue("action=index", .json(#"{"error":"token \#(site.credential) is revoked"}"#, status: 403))
            let refused = site.uploader().attempt(job).receipt
            #expect(refused.category == .auth && refused.message?.contains(site.credential) == false && refused.message?.contains("[redacted]") == true)
        }
        try withSite { site, job in
            site.answersLookups()
            site.transport.queue("action=upload", .gazelle(#"{"torrentid":9,"groupid":5,"warnings":["announce https://flacsfor.example/\#(site.passkey)/announce was replaced"]}"#))
            let receipt = site.uploader().attempt(job).receipt
            #expect(receipt.outcome == .success && receipt.warnings == ["announce https://flacsfor.example/[redacted]/announce was replaced"])
        }
    }
}
