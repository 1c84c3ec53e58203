import Foundation
import MKTHTTP
import MKTMetadata

/// UNIT3D sites: `/api/torrents/upload` with a
/// Bearer token. The site always rebuilds the torrent (its own source flag,
/// only the keys it knows), so the torrent to seed is the one it hands back.
public struct Unit3DAdapter: SiteAdapter {
    public let connection: TrackerConnection

    public init(connection: TrackerConnection) { self.connection = connection }

    /// The site strips the announce URL; the passkey need not travel.
    public var sendsAnnounce: Bool { false }

    func page(_ id: Int) -> String { "\(site.url)/torrents/\(id)" }

    /// UNIT3D has no account call an upload needs; the upload itself checks the token.
    public func passkey() throws(TrackerError) -> String? { nil }

    /// `/api/torrents/filter` by name (names are unique on UNIT3D), matched by infohash.
    public func lookup(infohash: String, name: String) throws(TrackerError) -> SiteTorrent? {
        try search(name) { attributes in
            (attributes["info_hash"] as? String)?.lowercased() == infohash.lowercased() || (attributes["info_hash"] == nil && attributes["name"] as? String == name)
        }
    }

    public func named(_ name: String) throws(TrackerError) -> SiteTorrent? {
        try search(name) { $0["name"] as? String == name }
    }

    /// The first torrent the name search lists whose attributes `wanted` picks.
    private func search(_ name: String, wanted: ([String: Any]) -> Bool) throws(TrackerError) -> SiteTorrent? {
        let response = try connection.send(HTTPRequest(url: try connection.url("/api/torrents/filter", query: [("name", name), ("perPage", "50")])), idempotent: true)
        try refuseStatus(HTTPResponseSummary(status: response.status, location: response.header("Location"), detail: JSON.object(response.body)?["message"] as? String), committing: false)
        guard response.status == 200, let results = JSON.object(response.body)?["data"] as? [[String: Any]] else {
            throw TrackerError(.server, "\(site.host) answered the search with something other than its JSON (HTTP \(response.status))", httpStatus: response.status)
        }
        for result in results {
            guard let id = JSON.int(result["id"]), let attributes = result["attributes"] as? [String: Any] else { continue }
            if wanted(attributes) {
                if let link = attributes["download_link"] as? String { remember(link, of: id) }
                return SiteTorrent(id: id, url: page(id), infohash: (attributes["info_hash"] as? String)?.lowercased())
            }
        }
        return nil
    }

    /// The search finds torrents by name; this adapter knows no call that finds one by id.
    public func torrent(id: Int) throws(TrackerError) -> SiteTorrent? {
        throw .local("\(site.host): mkt finds UNIT3D torrents by name, not by id; adopt with the torrent file instead")
    }

    /// `…/torrent/download/<id>.<rsskey>`: the rsskey is a secret like the passkey.
    private func remember(_ link: String, of id: Int) {
        let last = link.split(separator: "/").last.map(String.init) ?? ""
        connection.protect([String(last.drop { $0 != "." }.dropFirst())].filter { !$0.isEmpty })
        downloadLinks.value[id] = link
    }

    /// UNIT3D refuses a second torrent of the same name or infohash itself;
    /// the upload's answer says so, with the field.
    public func existing(_ release: ReleaseDescription) throws(TrackerError) -> ExistingRelease { ExistingRelease() }

    public func form(_ request: UploadRequest) throws(TrackerError) -> [MultipartField] {
        guard let categoryID = site.categoryID, let typeID = site.typeID else {
            throw .local("tracker \(site.name) has no category-id and type-id in the config")
        }
        let name = String(request.filename.dropLast(".torrent".count))
        var fields = UploadForm.unit3d(request.release, name: name, categoryID: categoryID, typeID: typeID, torrentDescription: request.torrentDescription)
        fields.insert(.file("torrent", Data(request.torrentBytes), filename: request.filename, contentType: "application/x-bittorrent"), at: 0)
        return fields
    }

    public func upload(_ request: UploadRequest) throws(TrackerError) -> UploadAnswer {
        let fields = try form(request)
        let name = String(request.filename.dropLast(".torrent".count))
        if request.dryRun { return UploadAnswer(torrent: SiteTorrent(id: 0, url: site.url), dryRun: true) }
        var http = HTTPRequest(method: "POST", url: try connection.url("/api/torrents/upload"), headers: [("Accept", "application/json")], body: .multipart(fields.map(\.part)))
        http.lowSpeedTime = 60
        let response = try connection.send(http, idempotent: false)
        let json = JSON.object(response.body)
        try refuseStatus(HTTPResponseSummary(status: response.status, location: response.header("Location"), detail: json?["message"] as? String), committing: true)
        guard let json else {
            throw TrackerError(.outcomeUnknown, "\(site.host) answered the upload with something other than JSON (HTTP \(response.status)); the upload may or may not have been taken", httpStatus: response.status, outcomeUnknown: true)
        }
        if JSON.bool(json["success"]) == true, let link = json["data"] as? String {
            let last = link.split(separator: "/").last.map(String.init) ?? ""
            guard let id = Int(last.prefix { $0 != "." }) else {
                connection.protect([String(last.drop { $0 != "." }.dropFirst())].filter { !$0.isEmpty })
                throw TrackerError(.outcomeUnknown, "\(site.host) said success with a download link mkt cannot read", httpStatus: response.status, outcomeUnknown: true)
            }
            remember(link, of: id)
            return UploadAnswer(torrent: SiteTorrent(id: id, url: page(id)), rewritten: true)
        }
        // `sendError` carries either Laravel's messages by field or one sentence
        // (the torrent file's own checks, TorrentController::store in
        // HDInnovations/UNIT3D-Community-Edition app/Http/Controllers/API/TorrentController.php).
        if let sentence = json["data"] as? String {
            throw TrackerError(.validation, "\(site.host): \(GazelleMessages.plain(sentence))", field: "torrent", httpStatus: response.status)
        }
        let errors = json["data"] as? [String: Any] ?? [:]
        let messages = errors.keys.sorted().map { key in (key, (errors[key] as? [Any] ?? [errors[key] as Any]).compactMap { $0 as? String }.joined(separator: " ")) }
        if let taken = messages.first(where: { $0.0 == "info_hash" }), Self.meansPresent(taken.1) {
            return try present(infohash: request.infohash ?? "", name: name)
        }
        // Only the name is taken (`'name' => unique:torrents`, HDInnovations/UNIT3D-Community-Edition
        // app/Http/Requests/StoreTorrentRequest.php, in Laravel's words "The name has already been
        // taken."): the site has a torrent of this release under another infohash.
        if messages.count == 1, messages[0].0 == "name", Self.meansPresent(messages[0].1) {
            throw TrackerError(.duplicate, "\(site.host) already has a torrent named \(name)", field: "name", httpStatus: response.status)
        }
        let summary = messages.isEmpty ? GazelleMessages.plain(json["message"] as? String ?? "refused") : messages.map { "\($0.0): \($0.1)" }.joined(separator: "; ")
        throw TrackerError(.validation, "\(site.host): \(summary)", field: messages.first?.0, httpStatus: response.status)
    }

    /// The unique rule on `info_hash` ("The info hash has already been
    /// taken.", the API's `Rule::unique('torrents')`) and the web form's "…has
    /// already been uploaded…" both say the site holds this very torrent.
    static func meansPresent(_ message: String) -> Bool {
        let lower = message.lowercased()
        return lower.contains("already been taken") || lower.contains("already been uploaded")
    }

    /// The torrent is on the site: found by the search when it lists it, else
    /// present without an id, since the search is cached (300 s) and leaves out
    /// torrents awaiting moderation.
    func present(infohash: String, name: String) throws(TrackerError) -> UploadAnswer {
        if let found = try lookup(infohash: infohash, name: name) {
            return UploadAnswer(torrent: found, alreadyPresent: true)
        }
        return UploadAnswer(
            torrent: SiteTorrent(id: 0, url: site.url),
            warnings: ["\(site.host) holds this torrent but does not list it yet (awaiting moderation, or its search is cached); its id is not known"],
            alreadyPresent: true)
    }

    /// Links handed out by uploads in this process, by torrent id.
    let downloadLinks = Box<[Int: String]>([:])

    public func download(_ torrent: SiteTorrent) throws(TrackerError) -> [UInt8] {
        guard let link = downloadLinks.value[torrent.id] else {
            throw .local("\(site.host) gave no download link for torrent \(torrent.id)")
        }
        let response = try connection.send(HTTPRequest(url: link), idempotent: true)
        try refuseStatus(HTTPResponseSummary(status: response.status, location: nil, detail: nil), committing: false)
        guard response.status == 200, response.body.first == UInt8(ascii: "d") else {
            throw TrackerError(.server, "\(site.host) did not hand out torrent \(torrent.id) (HTTP \(response.status))", httpStatus: response.status)
        }
        return Array(response.body)
    }
}
