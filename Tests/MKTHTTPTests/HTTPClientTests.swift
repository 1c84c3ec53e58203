import Foundation
import MKTHTTP
import MKTTestSupport
import Synchronization
import Testing

/// Against a real HTTP server on a loopback port (Tests/Fixtures/http_test_server.py).
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "python3 is needed for the test server"))
struct HTTPClientTests {
    let client = HTTPClient(userAgent: "mkt/0.1.0 (tests)")

    private func json(_ response: HTTPResponse) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: response.body) as! [String: Any]
    }

    @Test func getWithHeaders() throws {
        let server = try LocalServer.http()
        let response = try client.send(HTTPRequest(url: "\(server.baseURL)/echo", headers: [("Authorization", "token abc")]))
        #expect(response.status == 200)
        #expect(response.header("content-type") == "application/json")
        let echo = try json(response)
        let headers = echo["headers"] as! [String: String]
        #expect(headers["authorization"] == "token abc" && headers["user-agent"] == "mkt/0.1.0 (tests)")
        #expect(echo["method"] as? String == "GET")
    }

    @Test func multipartUploadCarriesEveryPart() throws {
        let server = try LocalServer.http()
        let torrent = Data((0..<5000).map { UInt8(truncatingIfNeeded: $0) })
        let request = HTTPRequest(method: "POST", url: "\(server.baseURL)/echo", body: .multipart([
            MultipartPart(name: "file_input", file: torrent, filename: "album.torrent", contentType: "application/x-bittorrent"),
            MultipartPart(name: "title", value: "Café Interlude"),
            MultipartPart(name: "tags", value: "electronic,hip.hop"),
        ]))
        let parts = try json(try client.send(request))["parts"] as! [[String: Any]]
        #expect(parts.map { $0["name"] as? String } == ["file_input", "title", "tags"])
        #expect(parts[0]["filename"] as? String == "album.torrent" && parts[0]["size"] as? Int == 5000)
        #expect(parts[0]["type"] as? String == "application/x-bittorrent")
        #expect(parts[1]["text"] as? String == "Café Interlude")
    }

    /// A large body's progress: growing counts of one total, the last one the whole body.
    @Test func anUploadTellsItsProgress() throws {
        let server = try LocalServer.http()
        let torrent = Data(count: 3 << 20)
        var request = HTTPRequest(method: "POST", url: "\(server.baseURL)/echo", body: .multipart([
            MultipartPart(name: "file_input", file: torrent, filename: "big.torrent", contentType: "application/x-bittorrent"),
        ]))
        let told = Mutex<[(sent: Int64, total: Int64)]>([])
        request.onUploadProgress = { sent, total in told.withLock { $0.append((sent, total)) } }
        let response = try client.send(request)
        #expect(response.status == 200)
        let steps = told.withLock { $0 }
        let total = try #require(steps.last?.total)
        #expect(total > 3 << 20 && steps.last?.sent == total, "\(steps)")
        #expect(steps.allSatisfy { $0.total == total } && zip(steps, steps.dropFirst()).allSatisfy { $0.sent < $1.sent }, "\(steps)")
    }

    @Test func statusCodesAndRetryAfterComeBack() throws {
        let server = try LocalServer.http()
        let limited = try client.send(HTTPRequest(url: "\(server.baseURL)/status/429?retry_after=7"))
        #expect(limited.status == 429)
        #expect(limited.header("Retry-After").flatMap { RetryAfter.delay($0) } == 7)
        #expect(try client.send(HTTPRequest(url: "\(server.baseURL)/status/503")).status == 503)
    }

    @Test func timeoutsRefusalsAndDropsAreNamedByHost() throws {
        let server = try LocalServer.http()
        var slow = HTTPRequest(url: "\(server.baseURL)/slow?seconds=3")
        slow.totalTimeout = 0.5
        #expect(throws: HTTPError.timeout(host: "127.0.0.1")) { try client.send(slow) }
        #expect(throws: HTTPError.self) { try client.send(HTTPRequest(url: "\(server.baseURL)/drop")) }
        // A port that was just free: nothing listens there.
        let closed = try LocalServer.http()
        let unused = closed.port
        _ = consume closed
        let refused = #expect(throws: HTTPError.self) { try client.send(HTTPRequest(url: "http://127.0.0.1:\(unused)/echo?apikey=SECRET")) }
        if case .connection(let host, _) = refused { #expect(host == "127.0.0.1") } else { Issue.record("expected a connection error, got \(String(describing: refused))") }
        #expect(!String(describing: refused).contains("SECRET"), "no URL query in the message")
        #expect(throws: HTTPError.badURL) { try client.send(HTTPRequest(url: "file:///etc/passwd")) }
    }

    @Test func retryAfterForms() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(RetryAfter.delay("120", now: now) == 120)
        #expect(RetryAfter.delay("-5", now: now) == 0)
        #expect(RetryAfter.delay("999999", now: now) == RetryAfter.maximum)
        #expect(RetryAfter.delay("Tue, 14 Nov 2023 22:13:27 GMT", now: now) == 7)
        #expect(RetryAfter.delay("soon", now: now) == nil)
    }
}
