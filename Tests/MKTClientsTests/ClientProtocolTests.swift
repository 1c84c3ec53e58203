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

/// qBittorrent 4.x and 5.x: the Web API version picks pause/resume or stop/start.
struct QBittorrentVersionTests {
    static func client(webAPI version: String) -> (ScriptedTransport, any SeedingClient) {
        let transport = ScriptedTransport()
        transport.queue("auth/login", .status(200, headers: ["set-cookie": "SID=abc; HttpOnly; path=/"], body: Data("Ok.".utf8)))
        transport.queue("app/webapiVersion", .status(200, body: Data(version.utf8)))
        transport.always("torrents/add", .status(200, body: Data("Ok.".utf8)))
        transport.always("torrents/resume", .status(200))
        transport.always("torrents/start", .status(200))
        transport.always("torrents/info", .json(#"[{"state":"stoppedUP","progress":1}]"#))
        return (transport, ClientSettings(name: "qbt", kind: .qbittorrent, url: "http://127.0.0.1:8080").makeClient(transport: transport))
    }

    static let request = SeedRequest(torrent: Array("d4:infod4:name1:xee".utf8), infohash: String(repeating: "a", count: 40), savePath: "/music")

    @Test func webAPI2_8UsesPausedAndResume() throws {
        let (transport, client) = Self.client(webAPI: "2.8.19")
        try client.add(Self.request)
        try client.start(infohash: Self.request.infohash)
        let add = try #require(transport.sent("torrents/add").first)
        #expect(add.field("paused") == "true" && add.field("stopped") == nil)
        #expect(transport.sent("torrents/resume").count == 1 && transport.sent("torrents/start").isEmpty)
        #expect(transport.unanswered.isEmpty)
    }

    @Test func webAPI2_11UsesStoppedAndStart() throws {
        let (transport, client) = Self.client(webAPI: "2.11.2\n")
        try client.add(Self.request)
        try client.start(infohash: Self.request.infohash)
        let add = try #require(transport.sent("torrents/add").first)
        #expect(add.field("stopped") == "true" && add.field("paused") == nil)
        #expect(transport.sent("torrents/start").count == 1 && transport.sent("torrents/resume").isEmpty)
        // 5.x's stoppedUP is a finished, stopped torrent: complete, not checking.
        #expect(try client.torrent(infohash: Self.request.infohash) == ClientTorrent(progress: 1, state: "stoppedUP", checking: false))
    }
}

/// deluge-web's JSON-RPC, scripted: the requests mkt sends, in order.
struct DelugeProtocolTests {
    static func calls(_ transport: ScriptedTransport) -> [(method: String, params: [Any])] {
        transport.sent("/json").compactMap { request in
            guard case .data(let body, _) = request.body, let json = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any],
                  let method = json["method"] as? String else { return nil }
            return (method, json["params"] as? [Any] ?? [])
        }
    }

    @Test func logsInConnectsAddsPausedAndLabels() throws {
        let transport = ScriptedTransport()
        transport.queue("/json", .json(#"{"result":true,"error":null,"id":1}"#, headers: ["set-cookie": "_session_id=s3ss10n; Path=/json"]),
                        .json(#"{"result":false,"error":null,"id":2}"#),
                        .json(#"{"result":[["h1","127.0.0.1",58846,"mkt"]],"error":null,"id":3}"#),
                        .json(#"{"result":["core.add_torrent_file"],"error":null,"id":4}"#),
                        .json(#"{"result":true,"error":null,"id":5}"#),
                        .json(#"{"result":"aaaa","error":null,"id":6}"#),
                        .json(#"{"result":["Label"],"error":null,"id":7}"#),
                        .json(#"{"result":[],"error":null,"id":8}"#),
                        .json(#"{"result":null,"error":null,"id":9}"#),
                        .json(#"{"result":null,"error":null,"id":10}"#))
        var settings = ClientSettings(name: "deluge", kind: .deluge, url: "http://127.0.0.1:8112/", password: "pw")
        settings.pathMaps = [("/music", "/data/music")]
        settings.category = "Music Uploads"
        let client = settings.makeClient(transport: transport)
        try client.connect()
        try client.add(SeedRequest(torrent: [1, 2, 3], infohash: "aaaa", savePath: "/music/x", tags: ["red"]))
        let calls = Self.calls(transport)
        #expect(calls.map(\.method) == ["auth.login", "web.connected", "web.get_hosts", "web.connect", "web.connected", "core.add_torrent_file",
                                        "core.get_enabled_plugins", "label.get_labels", "label.add", "label.set_torrent"])
        #expect(calls[0].params as? [String] == ["pw"])
        #expect(calls[3].params as? [String] == ["h1"])
        let add = calls[5].params
        #expect(add.first as? String == "aaaa.torrent" && add[1] as? String == "AQID")
        let options = try #require(add[2] as? [String: Any])
        #expect(options["add_paused"] as? Bool == true && options["download_location"] as? String == "/data/music/x")
        #expect(calls[8].params as? [String] == ["music_uploads"])
        #expect(calls[9].params as? [String] == ["aaaa", "music_uploads"])
        #expect(transport.sent("/json").dropFirst().allSatisfy { $0.header("Cookie") == "_session_id=s3ss10n" })
        #expect(transport.sent[0].url == "http://127.0.0.1:8112/json")
    }

    @Test func statusRecheckStartAndRemoveKeepData() throws {
        let transport = ScriptedTransport()
        transport.queue("/json", .json(#"{"result":true,"error":null,"id":1}"#, headers: ["set-cookie": "_session_id=s; Path=/json"]),
                        .json(#"{"result":true,"error":null,"id":2}"#),
                        .json(#"{"result":{"state":"Checking","progress":42.5,"message":"OK"},"error":null,"id":3}"#),
                        .json(#"{"result":{},"error":null,"id":4}"#))
        transport.always("/json", .json(#"{"result":null,"error":null,"id":9}"#))
        let client = ClientSettings(name: "deluge", kind: .deluge, url: "http://127.0.0.1:8112", password: "pw").makeClient(transport: transport)
        try client.connect()
        #expect(try client.torrent(infohash: "aaaa") == ClientTorrent(progress: 0.425, state: "Checking", checking: true))
        #expect(try client.torrent(infohash: "aaaa") == nil)
        try client.verify(infohash: "aaaa")
        try client.start(infohash: "aaaa")
        try client.remove(infohash: "aaaa")
        let calls = Self.calls(transport).suffix(3)
        #expect(calls.map(\.method) == ["core.force_recheck", "core.resume_torrent", "core.remove_torrent"])
        #expect((calls.first?.params.first as? [String]) == ["aaaa"])
        #expect(calls.last?.params.last as? Bool == false)
    }

    @Test func aWrongPasswordAndAnErrorAreNamed() throws {
        let transport = ScriptedTransport()
        transport.queue("/json", .json(#"{"result":false,"error":null,"id":1}"#),
                        .json(#"{"result":true,"error":null,"id":1}"#, headers: ["set-cookie": "_session_id=s; Path=/json"]),
                        .json(#"{"result":true,"error":null,"id":2}"#),
                        .json(#"{"result":null,"error":{"message":"Torrent already in session (aaaa).","code":4},"id":3}"#))
        let client = ClientSettings(name: "deluge", kind: .deluge, url: "http://127.0.0.1:8112", password: "pw").makeClient(transport: transport)
        #expect(throws: ClientError.auth(client: "deluge")) { try client.connect() }
        try client.connect()
        #expect(throws: ClientError.refused(client: "deluge", reason: "core.add_torrent_file: Torrent already in session (aaaa).")) {
            try client.add(SeedRequest(torrent: [1], infohash: "aaaa", savePath: "/music"))
        }
    }
}

/// The XML-RPC codec and the SCGI framing rTorrent speaks.
struct XMLRPCTests {
    @Test func aCallIsWrittenWithEveryType() {
        let xml = String(decoding: XMLRPC.call("d.custom1.set", [.string("A&B <c>"), .int(7), .int(5_000_000_000), .bool(true), .base64([0xFF, 0x00]),
                                                                 .array([.string("x")]), .structure(["b": .int(2), "a": .int(1)])]), as: UTF8.self)
        #expect(xml == "<?xml version=\"1.0\"?><methodCall><methodName>d.custom1.set</methodName><params>"
            + "<param><value><string>A&amp;B &lt;c&gt;</string></value></param><param><value><i4>7</i4></value></param>"
            + "<param><value><i8>5000000000</i8></value></param><param><value><boolean>1</boolean></value></param>"
            + "<param><value><base64>/wA=</base64></value></param><param><value><array><data><value><string>x</string></value></data></array></value></param>"
            + "<param><value><struct><member><name>a</name><value><i4>1</i4></value></member><member><name>b</name><value><i4>2</i4></value></member></struct></value></param>"
            + "</params></methodCall>")
    }

    @Test func answersAreRead() throws {
        let answer = """
            <?xml version="1.0" encoding="UTF-8"?>\r
            <methodResponse>\r
            <params>\r
            <param><value><array><data>\r
            <value><i8>12345678901</i8></value><value>plain &amp; &#233;&#x41;</value><value><string/></value><value><boolean>0</boolean></value>\r
            <value><double>-1.5</double></value><value><base64>AQI=</base64></value><value><struct></struct></value><value><array><data/></array></value>\r
            </data></array></value></param>\r
            </params>\r
            </methodResponse>\r

            """
        #expect(try XMLRPC.response(Array(answer.utf8)) == .value(.array([
            .int(12_345_678_901), .string("plain & éA"), .string(""), .bool(false), .double(-1.5), .base64([1, 2]), .structure([:]), .array([]),
        ])))
    }

    @Test func aFaultIsRead() throws {
        let fault = "<?xml version=\"1.0\"?><methodResponse><fault><value><struct><member><name>faultCode</name><value><i4>-501</i4></value></member>"
            + "<member><name>faultString</name><value><string>Could not find info-hash.</string></value></member></struct></value></fault></methodResponse>"
        #expect(try XMLRPC.response(Array(fault.utf8)) == .fault(code: -501, message: "Could not find info-hash."))
    }

    @Test func brokenAnswersAreRefused() {
        for broken in ["", "<methodResponse>", "<methodResponse><params><param><value><i4>x</i4></value></param></params></methodResponse>",
                       "<methodResponse><params><param><value><i4>1</i8></value></param></params></methodResponse>",
                       "<methodResponse><params><param><value><string>&bogus;</string></value></param></params></methodResponse>"] {
            #expect(throws: XMLRPCError.self, "\(broken)") { try XMLRPC.response(Array(broken.utf8)) }
        }
    }

    @Test func scgiFramesAndUnframes() throws {
        let framed = SCGI.request(body: Array("<x/>".utf8))
        let headers = "CONTENT_LENGTH\u{0}4\u{0}SCGI\u{0}1\u{0}REQUEST_METHOD\u{0}POST\u{0}REQUEST_URI\u{0}/RPC2\u{0}"
        #expect(framed == Array("\(headers.utf8.count):\(headers),<x/>".utf8))
        #expect(try SCGI.responseBody(Array("Status: 200 OK\r\nContent-Type: text/xml\r\n\r\n<a/>".utf8)) == Array("<a/>".utf8))
        #expect(throws: XMLRPCError(description: "SCGI answer 500 Internal Server Error")) {
            try SCGI.responseBody(Array("Status: 500 Internal Server Error\r\n\r\n".utf8))
        }
        #expect(throws: XMLRPCError.self) { try SCGI.responseBody(Array("no blank line".utf8)) }
        #expect(SCGI.Address("127.0.0.1:5000") == .tcp(host: "127.0.0.1", port: 5000))
        #expect(SCGI.Address("/run/rtorrent.sock") == .unix(path: "/run/rtorrent.sock"))
        #expect(SCGI.Address("127.0.0.1") == nil && SCGI.Address(":5000") == nil && SCGI.Address("host:0") == nil)
    }
}

/// The watch folder: the torrent written whole under its infohash, and never a claim of seeding.
struct WatchFolderTests {
    @Test func theTorrentLandsWholeAndIsOnlyHandedOff() throws {
        try withTemporaryDirectory { directory in
            let settings = ClientSettings(name: "drop", kind: .watch, url: directory)
            let bytes = Array("d4:infod4:name1:xee".utf8)
            let outcome = try Seeder.seed(SeedRequest(torrent: bytes, infohash: "abcd", savePath: "/music"), with: settings.makeClient(userAgent: "mkt-test"))
            #expect(outcome == .handedOff(folder: directory))
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["abcd.torrent"])
            #expect(try Data(contentsOf: URL(fileURLWithPath: "\(directory)/abcd.torrent")) == Data(bytes))
            // The file holds the passkey: not readable by others.
            #expect((try FileManager.default.attributesOfItem(atPath: "\(directory)/abcd.torrent")[.posixPermissions] as? Int).map { $0 & 0o007 } == 0)
            try settings.makeClient(userAgent: "mkt-test").remove(infohash: "abcd")
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
        }
    }

    @Test func aMissingFolderIsNamed() {
        let settings = ClientSettings(name: "drop", kind: .watch, url: "/nonexistent/watch")
        #expect(throws: ClientError.unreachable(client: "drop", reason: "the watch folder /nonexistent/watch does not exist")) {
            try Seeder.seed(SeedRequest(torrent: [1], infohash: "abcd", savePath: "/music"), with: settings.makeClient(userAgent: "mkt-test"))
        }
    }
}
