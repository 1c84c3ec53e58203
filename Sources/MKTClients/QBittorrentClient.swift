import Foundation
import MKTHTTP

/// qBittorrent's Web API v2: a login cookie (`SID`), then form and multipart
/// requests under `/api/v2/`. Web API 2.11 (qBittorrent 5.0) renamed pause and
/// resume to stop and start (`torrents/stop`, `torrents/start`, the add
/// form's `stopped`, states `stoppedUP`/`stoppedDL`); the version, asked once
/// after the login (`app/webapiVersion`), picks the words (qBittorrent's pull
/// request #20532; jesec/flood pull request #801 switches at 2.11 the same way).
public final class QBittorrentClient: SeedingClient, @unchecked Sendable {
    public let settings: ClientSettings
    let http: any HTTPTransport
    private var cookie: String?
    /// Web API 2.11 or later: stop/start, not pause/resume.
    private(set) var startStopNames = false

    /// `2.11.2` is 2.11 or later; an answer that is no version counts as older.
    static func hasStartStopNames(webAPIVersion text: String) -> Bool {
        let parts = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").map { Int($0) }
        guard parts.count >= 2, let major = parts[0], let minor = parts[1] else { return false }
        return major > 2 || (major == 2 && minor >= 11)
    }

    init(settings: ClientSettings, transport: any HTTPTransport) {
        self.settings = settings
        http = transport
    }

    public func connect() throws(ClientError) {
        guard cookie == nil else { return }
        let form = FormEncoding.encode([("username", settings.username ?? "admin"), ("password", settings.password ?? "")])
        // qBittorrent checks Referer/Origin against its own address when they are sent.
        let response = try http.call(HTTPRequest(method: "POST", url: "\(settings.url)/api/v2/auth/login", headers: [("Referer", settings.url)],
                                                 body: .data(Data(form.utf8), contentType: "application/x-www-form-urlencoded")), client: settings.name)
        if response.status == 403 { throw .auth(client: settings.name) }
        let text = String(decoding: response.body, as: UTF8.self)
        guard response.status == 200, text.hasPrefix("Ok"), let setCookie = response.headers["set-cookie"]?.first(where: { $0.hasPrefix("SID=") }) else {
            throw response.status == 200 ? .auth(client: settings.name) : .unreachable(client: settings.name, reason: "HTTP \(response.status) from the login")
        }
        cookie = String(setCookie.prefix { $0 != ";" })
        startStopNames = Self.hasStartStopNames(webAPIVersion: String(decoding: try get("app/webapiVersion").body, as: UTF8.self))
    }

    public func add(_ request: SeedRequest) throws(ClientError) {
        try connect() // the form's words depend on the version
        var parts = [
            MultipartPart(name: "torrents", file: Data(request.torrent), filename: "\(request.infohash).torrent", contentType: "application/x-bittorrent"),
            MultipartPart(name: "savepath", value: settings.clientPath(request.savePath)),
            MultipartPart(name: startStopNames ? "stopped" : "paused", value: "true"),
            MultipartPart(name: "skip_checking", value: "false"),
            MultipartPart(name: "contentLayout", value: "Original"),
            MultipartPart(name: "autoTMM", value: "false"),
        ]
        if let category = settings.category { parts.append(MultipartPart(name: "category", value: category)) }
        if !request.tags.isEmpty { parts.append(MultipartPart(name: "tags", value: request.tags.joined(separator: ","))) }
        let response = try post("torrents/add", body: .multipart(parts))
        guard String(decoding: response.body, as: UTF8.self).hasPrefix("Ok") else {
            throw .refused(client: settings.name, reason: String(decoding: response.body.prefix(200), as: UTF8.self))
        }
    }

    public func verify(infohash: String) throws(ClientError) {
        _ = try post("torrents/recheck", form: ["hashes": infohash])
    }

    public func torrent(infohash: String) throws(ClientError) -> ClientTorrent? {
        let response = try get("torrents/info?hashes=\(infohash)")
        guard let list = (try? JSONSerialization.jsonObject(with: response.body)) as? [[String: Any]] else {
            throw .refused(client: settings.name, reason: "its torrent list is not JSON")
        }
        guard let item = list.first else { return nil }
        let state = item["state"] as? String ?? ""
        let progress = (item["progress"] as? NSNumber)?.doubleValue ?? 0
        return ClientTorrent(progress: progress, state: state, checking: state.hasPrefix("checking") || state == "metaDL" || state.hasPrefix("queued"),
                             missingFiles: state == "missingFiles")
    }

    public func start(infohash: String) throws(ClientError) {
        _ = try post(startStopNames ? "torrents/start" : "torrents/resume", form: ["hashes": infohash])
    }

    public func remove(infohash: String) throws(ClientError) {
        _ = try post("torrents/delete", form: ["hashes": infohash, "deleteFiles": "false"])
    }

    private func get(_ path: String) throws(ClientError) -> HTTPResponse {
        try connect()
        let response = try http.call(HTTPRequest(url: "\(settings.url)/api/v2/\(path)", headers: headers), client: settings.name)
        try check(response)
        return response
    }

    private func post(_ path: String, form: [String: String]) throws(ClientError) -> HTTPResponse {
        let body = FormEncoding.encode(form.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        return try post(path, body: .data(Data(body.utf8), contentType: "application/x-www-form-urlencoded"))
    }

    private func post(_ path: String, body: HTTPRequest.Body) throws(ClientError) -> HTTPResponse {
        try connect()
        let response = try http.call(HTTPRequest(method: "POST", url: "\(settings.url)/api/v2/\(path)", headers: headers, body: body), client: settings.name)
        try check(response)
        return response
    }

    private var headers: [(name: String, value: String)] { [("Referer", settings.url)] + (cookie.map { [("Cookie", $0)] } ?? []) }

    private func check(_ response: HTTPResponse) throws(ClientError) {
        if response.status == 403 { throw .auth(client: settings.name) }
        guard (200..<300).contains(response.status) else {
            throw .refused(client: settings.name, reason: "HTTP \(response.status): \(String(decoding: response.body.prefix(200), as: UTF8.self))")
        }
    }
}
