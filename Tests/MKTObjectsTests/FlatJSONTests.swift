import Foundation
@testable import MKTObjects
import Testing

struct FlatJSONTests {
    static func sample() -> UploadReceipt {
        var receipt = UploadReceipt(tracker: "red", site: "https://redacted.sh", torrent: String(repeating: "c", count: 64), infohash: String(repeating: "d", count: 40), attempt: 3, started: 1_764_000_000_123)
        receipt.finished = receipt.started + 1234
        receipt.outcome = .rejected
        receipt.category = .validation
        receipt.message = "redacted.sh: \"Quoted\" \\ back/slash, tab\t, newline\n, Café ☕ 𝄞 \u{1}"
        receipt.field = "year"
        receipt.httpStatus = 200
        receipt.siteTorrentID = 5
        receipt.siteGroupID = 9
        receipt.url = "https://redacted.sh/torrents.php?id=9&torrentid=5"
        receipt.warnings = ["one", "two \"2\""]
        receipt.requests = 4
        receipt.rateLimitWaitMilliseconds = 900
        receipt.meta = String(repeating: "e", count: 64)
        receipt.key = "sha256:0123456789abcdef"
        receipt.previous = String(repeating: "f", count: 64)
        receipt.rewritten = true
        receipt.siteInfohash = String(repeating: "a", count: 40)
        receipt.siteTorrent = String(repeating: "b", count: 64)
        receipt.seedClient = "qbt"
        receipt.seedError = "client qbt cannot be reached"
        receipt.seedHandedTo = "watch folder /srv/watch"
        return receipt
    }

    /// A torrent only dropped into a watch folder is never called seeding.
    @Test func aHandedOffTorrentIsNotCalledSeeding() {
        var receipt = UploadReceipt(tracker: "red", site: "https://redacted.sh", torrent: "t", infohash: "h", attempt: 1, started: 0)
        receipt.outcome = .success
        receipt.seedClient = "drop"
        receipt.seedHandedTo = "watch folder /srv/watch"
        #expect(receipt.summary == "success; handed to watch folder /srv/watch")
        receipt.seedHandedTo = nil
        #expect(receipt.summary == "success; seeding in drop")
    }

    /// An unknown outcome says so once; another category is named beside its outcome.
    @Test func anOutcomeIsNotSaidTwice() {
        var receipt = UploadReceipt(tracker: "red", site: "https://redacted.sh", torrent: "t", infohash: "h", attempt: 1, started: 0)
        receipt.outcome = .outcomeUnknown
        receipt.category = .outcomeUnknown
        receipt.message = "the connection dropped after the upload was sent"
        #expect(receipt.summary == "outcome-unknown: the connection dropped after the upload was sent")
        receipt.outcome = .failed
        receipt.category = .server
        #expect(receipt.summary == "failed (server): the connection dropped after the upload was sent")
    }

    /// A prepared upload kit (a site without an upload API) says what is next and where the kit is.
    @Test func aPreparedKitSaysWhatIsNext() throws {
        var receipt = UploadReceipt(tracker: "mam", site: "https://www.myanonamouse.net", torrent: "t", infohash: "h", attempt: 1, started: 0)
        receipt.outcome = .prepared
        receipt.message = "upload by hand at https://www.myanonamouse.net/tor/upload.php, then mkt adopt mam book --id ID"
        receipt.kit = "/s/.mkt/kits/mam/book"
        #expect(receipt.summary == "prepared: upload by hand at https://www.myanonamouse.net/tor/upload.php, then mkt adopt mam book --id ID; upload kit in /s/.mkt/kits/mam/book")
        #expect(!receipt.succeeded && !receipt.isRetryable)
        let fields = try #require(FlatJSON.parse(receipt.objectBody()))
        #expect(UploadReceipt(fields) == receipt)
        #expect(try UploadReceipt(objectBody: receipt.objectBody()) == receipt)
    }

    /// The fast reader and JSONDecoder agree on every receipt mkt writes.
    @Test func theFastPathReadsWhatJSONDecoderReads() throws {
        let full = Self.sample()
        let minimal = UploadReceipt(tracker: "ops", site: "https://orpheus.network", torrent: "t", infohash: "h", attempt: 1, started: 0)
        for receipt in [full, minimal] {
            let body = try receipt.objectBody()
            let fields = try #require(FlatJSON.parse(body))
            #expect(UploadReceipt(fields) == receipt)
            #expect(try JSONDecoder().decode(UploadReceipt.self, from: body) == receipt)
        }
        // Escapes JSONEncoder does not write, and white space, read the same.
        let escaped = Data(#"{ "a" : "\u00e9\ud834\udd1e\/" , "b" : [ ] , "c" : -12, "d": null, "e": false }"#.utf8)
        #expect(FlatJSON.parse(escaped) == ["a": .string("é𝄞/"), "b": .strings([]), "c": .integer(-12), "d": .null, "e": .bool(false)])
    }

    /// What the fast path does not take is left to JSONDecoder: the result, or its error, is JSONDecoder's.
    @Test func anythingElseFallsBack() throws {
        for text in [#"{"a": 1.5}"#, #"{"a": {"b": 1}}"#, #"{"a": [1]}"#, #"{"a": "x",}"#, #"{"a": "x"} trailing"#, #"{"a": "\ud834"}"#, #"{"a": 1, "a": 2}"#, "{\"a\": \"\u{1}\"}", #"{"a": 99999999999999999999}"#] {
            #expect(FlatJSON.parse(Data(text.utf8)) == nil, "\(text)")
        }
        var body = try JSONSerialization.jsonObject(with: try Self.sample().objectBody()) as! [String: Any]
        body["extra"] = "a key this mkt does not know"
        let extra = try JSONSerialization.data(withJSONObject: body)
        #expect(UploadReceipt(try #require(FlatJSON.parse(extra))) == nil)
        #expect(try UploadReceipt(objectBody: extra) == Self.sample())
        body["attempt"] = "three"
        #expect(throws: ObjectFormatError(.receipt, "attempt: expected an integer")) { try UploadReceipt(objectBody: JSONSerialization.data(withJSONObject: body)) }
    }
}
