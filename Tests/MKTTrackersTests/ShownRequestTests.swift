import Testing
@testable import MKTTrackers

/// What `mkt push --verbose` shows of a request: no host, no secret value.
struct ShownRequestTests {
    @Test func secretParametersAndKnownSecretsAreNotShown() {
        let shown = TrackerConnection.shownRequest(
            method: "GET", url: "https://redacted.sh/torrents.php?action=download&id=7&authkey=AUTHKEY123&torrent_pass=PASSKEY456&q=LEARNT789",
            redact: { $0.replacingOccurrences(of: "LEARNT789", with: "[redacted]") })
        #expect(shown == "GET /torrents.php?action=download&id=7&authkey=…&torrent_pass=…&q=[redacted]")
        #expect(TrackerConnection.shownRequest(method: "POST", url: "http://127.0.0.1:8080/api/torrents/upload?api_token=T0KEN", redact: { $0 })
            == "POST /api/torrents/upload?api_token=…")
    }
}
