import Foundation
import MKTHTTP

/// Transmission's JSON RPC (`/transmission/rpc`): a session id learnt from a
/// 409 answer, HTTP basic authentication when the daemon asks for it.
public final class TransmissionClient: SeedingClient, @unchecked Sendable {
    public let settings: ClientSettings
    let http: any HTTPTransport
    private var sessionID: String?

    init(settings: ClientSettings, transport: any HTTPTransport) {
        self.settings = settings
        http = transport
    }

    public func connect() throws(ClientError) {
        _ = try rpc("session-get", [:])
    }

    public func add(_ request: SeedRequest) throws(ClientError) {
        var arguments: [String: Any] = [
            "metainfo": Data(request.torrent).base64EncodedString(),
            "download-dir": settings.clientPath(request.savePath),
            "paused": true,
        ]
        let labels = request.tags + (settings.category.map { [$0] } ?? [])
        if !labels.isEmpty { arguments["labels"] = labels }
        let answer = try rpc("torrent-add", arguments)
        guard answer["torrent-added"] != nil || answer["torrent-duplicate"] != nil else {
            throw .refused(client: settings.name, reason: "torrent-add answered without the torrent")
        }
    }

    public func verify(infohash: String) throws(ClientError) {
        _ = try rpc("torrent-verify", ["ids": [infohash]])
    }

    public func torrent(infohash: String) throws(ClientError) -> ClientTorrent? {
        let answer = try rpc("torrent-get", ["ids": [infohash], "fields": ["status", "percentDone", "error", "errorString"]])
        guard let item = (answer["torrents"] as? [[String: Any]])?.first else { return nil }
        // 0 stopped, 1 waiting to check, 2 checking, 3/4 download, 5/6 seed.
        let status = (item["status"] as? NSNumber)?.intValue ?? 0
        let progress = (item["percentDone"] as? NSNumber)?.doubleValue ?? 0
        return ClientTorrent(progress: progress, state: "status \(status)", checking: status == 1 || status == 2,
                             missingFiles: ((item["errorString"] as? String) ?? "").lowercased().contains("no data found"))
    }

    public func start(infohash: String) throws(ClientError) {
        _ = try rpc("torrent-start", ["ids": [infohash]])
    }

    public func remove(infohash: String) throws(ClientError) {
        _ = try rpc("torrent-remove", ["ids": [infohash], "delete-local-data": false])
    }

    private func rpc(_ method: String, _ arguments: [String: Any]) throws(ClientError) -> [String: Any] {
        guard let body = try? JSONSerialization.data(withJSONObject: ["method": method, "arguments": arguments]) else {
            throw .config(client: settings.name, reason: "cannot encode \(method)")
        }
        for _ in 0..<2 {
            var headers: [(name: String, value: String)] = []
            if let sessionID { headers.append(("X-Transmission-Session-Id", sessionID)) }
            if let username = settings.username {
                headers.append(("Authorization", "Basic " + Data("\(username):\(settings.password ?? "")".utf8).base64EncodedString()))
            }
            let response = try http.call(HTTPRequest(method: "POST", url: "\(settings.url)/transmission/rpc", headers: headers,
                                                     body: .data(body, contentType: "application/json")), client: settings.name)
            if response.status == 409, let id = response.header("X-Transmission-Session-Id") {
                sessionID = id
                continue
            }
            if response.status == 401 || response.status == 403 { throw .auth(client: settings.name) }
            guard response.status == 200, let json = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] else {
                throw .refused(client: settings.name, reason: "HTTP \(response.status) to \(method)")
            }
            guard json["result"] as? String == "success" else {
                throw .refused(client: settings.name, reason: json["result"] as? String ?? "\(method) failed")
            }
            return json["arguments"] as? [String: Any] ?? [:]
        }
        throw .refused(client: settings.name, reason: "no session id from the daemon")
    }
}
