import Foundation
import MKTHTTP

/// Deluge 2 through deluge-web's JSON-RPC (`POST URL/json`, `{"method", "params",
/// "id"}` answered by `{"result", "error", "id"}`): `auth.login` with the web
/// password sets the `_session_id` cookie; `web.connected`, and if it is not,
/// `web.get_hosts` and `web.connect` to the first daemon it knows; then the
/// daemon's own `core.*` calls pass through. Names, arguments and answers as in
/// deluge-torrent/deluge: deluge/ui/web/json_api.py (the web calls),
/// deluge/ui/web/auth.py (`login`), deluge/core/core.py (`add_torrent_file`
/// with `add_paused` and `download_location`, `force_recheck`,
/// `get_torrent_status`, `resume_torrent`, `remove_torrent` with `remove_data`),
/// deluge/core/torrent.py (states `Checking`, `Allocating`, `Paused`,
/// `Seeding`, `Error`; `progress` in percent). A label goes through the Label
/// plugin (deluge/plugins/Label/deluge_label/core.py: `label.add`,
/// `label.set_torrent`; lower-case `[a-z0-9_-.]` only) when it is enabled.
public final class DelugeClient: SeedingClient, @unchecked Sendable {
    public let settings: ClientSettings
    let http: any HTTPTransport
    private var cookie: String?
    private var nextID = 0

    init(settings: ClientSettings, transport: any HTTPTransport) {
        self.settings = settings
        http = transport
    }

    /// One JSON-RPC request body.
    static func request(_ method: String, _ params: [Any], id: Int) -> Data? {
        try? JSONSerialization.data(withJSONObject: ["method": method, "params": params, "id": id], options: [.sortedKeys])
    }

    /// The label the Label plugin can take: the category, else the first tag,
    /// lower-cased, with characters it refuses made `_`; nil when there is none.
    static func label(category: String?, tags: [String]) -> String? {
        guard let wanted = category ?? tags.first, !wanted.isEmpty else { return nil }
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789_-.")
        return String(wanted.lowercased().map { allowed.contains($0) ? $0 : "_" })
    }

    public func connect() throws(ClientError) {
        if cookie == nil {
            let (result, response) = try call("auth.login", [settings.password ?? ""])
            guard result as? Bool == true else { throw .auth(client: settings.name) }
            guard let session = response.headers["set-cookie"]?.first(where: { $0.hasPrefix("_session_id=") }) else {
                throw .refused(client: settings.name, reason: "auth.login set no _session_id cookie")
            }
            cookie = String(session.prefix { $0 != ";" })
        }
        guard try call("web.connected", []).result as? Bool != true else { return }
        let hosts = try call("web.get_hosts", []).result as? [[Any]] ?? []
        guard let host = hosts.first?.first as? String else {
            throw .unreachable(client: settings.name, reason: "deluge-web knows no daemon (add one in its Connection Manager)")
        }
        _ = try call("web.connect", [host])
        guard try call("web.connected", []).result as? Bool == true else {
            throw .unreachable(client: settings.name, reason: "deluge-web cannot connect to its daemon (is deluged running?)")
        }
    }

    public func add(_ request: SeedRequest) throws(ClientError) {
        let options: [String: Any] = ["add_paused": true, "download_location": settings.clientPath(request.savePath), "seed_mode": false]
        let filename = "\(request.infohash).torrent"
        guard let id = try call("core.add_torrent_file", [filename, Data(request.torrent).base64EncodedString(), options]).result as? String else {
            throw .refused(client: settings.name, reason: "core.add_torrent_file answered without a torrent id")
        }
        guard let label = Self.label(category: settings.category, tags: request.tags), try labelPluginEnabled() else { return }
        let labels = try call("label.get_labels", []).result as? [String] ?? []
        if !labels.contains(label) { _ = try call("label.add", [label]) }
        _ = try call("label.set_torrent", [id, label])
    }

    public func verify(infohash: String) throws(ClientError) {
        _ = try call("core.force_recheck", [[infohash]])
    }

    public func torrent(infohash: String) throws(ClientError) -> ClientTorrent? {
        guard let status = try call("core.get_torrent_status", [infohash, ["state", "progress", "message"]]).result as? [String: Any], !status.isEmpty else {
            return nil
        }
        let state = status["state"] as? String ?? ""
        let progress = ((status["progress"] as? NSNumber)?.doubleValue ?? 0) / 100
        return ClientTorrent(progress: min(progress, 1), state: state, checking: state == "Checking" || state == "Allocating" || state == "Moving",
                             missingFiles: state == "Error" && (status["message"] as? String ?? "").lowercased().contains("no such file"))
    }

    public func start(infohash: String) throws(ClientError) {
        _ = try call("core.resume_torrent", [infohash])
    }

    public func remove(infohash: String) throws(ClientError) {
        _ = try call("core.remove_torrent", [infohash, false])
    }

    /// The label is always wanted (the tracker's name, if no category): without the plugin there is none.
    public func limitations() throws(ClientError) -> [String] {
        guard try !labelPluginEnabled() else { return [] }
        return ["the daemon's Label plugin is not enabled: labels are not supported, torrents are added without one"]
    }

    private func labelPluginEnabled() throws(ClientError) -> Bool {
        (try call("core.get_enabled_plugins", []).result as? [String] ?? []).contains("Label")
    }

    /// One call: its `result`, or its `error` as a refusal.
    private func call(_ method: String, _ params: [Any]) throws(ClientError) -> (result: Any?, response: HTTPResponse) {
        // Every call but the login needs the session (and a daemon behind deluge-web).
        if cookie == nil && method != "auth.login" { try connect() }
        nextID += 1
        guard let body = Self.request(method, params, id: nextID) else { throw .config(client: settings.name, reason: "cannot encode \(method)") }
        let headers: [(name: String, value: String)] = [("Accept", "application/json")] + (cookie.map { [("Cookie", $0)] } ?? [])
        let response = try http.call(HTTPRequest(method: "POST", url: "\(settings.url)/json", headers: headers, body: .data(body, contentType: "application/json")),
                                     client: settings.name)
        guard response.status == 200, let answer = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] else {
            throw .refused(client: settings.name, reason: "HTTP \(response.status) to \(method)")
        }
        if let error = answer["error"] as? [String: Any] {
            let message = error["message"] as? String ?? "\(method) failed"
            // deluge-web's answer to a call without a valid session (json_api.py, code 1).
            if message == "Not authenticated" { throw .auth(client: settings.name) }
            throw .refused(client: settings.name, reason: "\(method): \(message)")
        }
        return (answer["result"].flatMap { $0 is NSNull ? nil : $0 }, response)
    }
}
