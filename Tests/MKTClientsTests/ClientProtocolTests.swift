import Foundation
import MKTClients
import MKTTestSupport
import Testing

/// The clients' protocols against scripted answers, without a daemon.
struct ClientProtocolTests {
    @Test func transmissionLearnsItsSessionIDFromA409() throws {
        let transport = ScriptedTransport()
        transport.queue("/transmission/rpc", .status(409, headers: ["X-Transmission-Session-Id": "abc123"]), .json(#"{"result":"success","arguments":{}}"#))
        let settings = ClientSettings(name: "tr", kind: .transmission, url: "http://127.0.0.1:9091", username: "mkt", password: "secret")
        try settings.makeClient(transport: transport).connect()
        let sent = transport.sent
        #expect(sent.count == 2 && sent[0].header("X-Transmission-Session-Id") == nil && sent[1].header("X-Transmission-Session-Id") == "abc123")
        #expect(sent[1].header("Authorization") == "Basic " + Data("mkt:secret".utf8).base64EncodedString())
    }

    @Test func unreachableAndRefusedAreTold() throws {
        let transport = ScriptedTransport()
        transport.queue("auth/login", .refused, .status(403))
        let client = ClientSettings(name: "qbt", kind: .qbittorrent, url: "http://127.0.0.1:8080").makeClient(transport: transport)
        #expect(throws: ClientError.unreachable(client: "qbt", reason: "127.0.0.1: cannot connect: Connection refused")) { try client.connect() }
        #expect(throws: ClientError.auth(client: "qbt")) { try client.connect() }
    }
}
