import Foundation
import MKTHTTP
import MKTMetadata

/// Gazelle sites: RED and OPS through `ajax.php` with an API key, DIC through
/// the web upload form with a session cookie (its `ajax.php` reads the same
/// JSON). Documentation/trackers.md has the fields, the answers and what each rests on.
public struct GazelleAdapter: SiteAdapter {
    public let connection: TrackerConnection

    public init(connection: TrackerConnection) { self.connection = connection }

    /// The session's form key (DIC's upload form needs it), learnt from `index`.
    private let authkey = Box<String?>(nil)

    public var sendsAnnounce: Bool { true }

    /// Pages: `torrents.php?id=G&torrentid=T`.
    func page(group: Int?, torrent: Int) -> String {
        group.map { "\(site.url)/torrents.php?id=\($0)&torrentid=\(torrent)" } ?? "\(site.url)/torrents.php?torrentid=\(torrent)"
    }

    /// A GET of `ajax.php?action=…`: the `response` of a success, or the error it carries.
    func ajax(_ action: String, _ query: [(String, String)] = []) throws(TrackerError) -> Any? {
        let response = try connection.send(HTTPRequest(url: try connection.url("/ajax.php", query: [("action", action)] + query)), idempotent: true)
        let json = JSON.object(response.body)
        try refuseStatus(HTTPResponseSummary(status: response.status, location: response.header("Location"), detail: json?["error"] as? String), committing: false)
        guard let json else {
            throw TrackerError(.server, "\(site.host) answered \(action) with something other than JSON (HTTP \(response.status))", httpStatus: response.status)
        }
        if (json["status"] as? String)?.lowercased() == "success" { return json["response"] }
        let message = GazelleMessages.plain(json["error"] as? String ?? "failure")
        if GazelleMessages.isAuth(message) { throw TrackerError(.auth, "\(site.host): \(message)", httpStatus: response.status) }
        throw TrackerError(.validation, "\(site.host): \(message)", httpStatus: response.status)
    }

    /// The passkey `index` told, once per process: every later job saves the request.
    private let knownPasskey = Box<String??>(nil)

    public func passkey() throws(TrackerError) -> String? {
        if let known = knownPasskey.value { return known }
        let index = try ajax("index") as? [String: Any]
        let passkey = index?["passkey"] as? String
        let key = index?["authkey"] as? String
        connection.protect([passkey, key].compactMap { $0 })
        authkey.value = key
        knownPasskey.value = .some(passkey)
        return passkey
    }

    public func lookup(infohash: String, name: String) throws(TrackerError) -> SiteTorrent? {
        try torrent(query: ("hash", infohash.uppercased()))
    }

    public func torrent(id: Int) throws(TrackerError) -> SiteTorrent? {
        try torrent(query: ("id", String(id)))
    }

    /// Gazelle names need not be unique: the edition is found by `existing`.
    public func named(_ name: String) throws(TrackerError) -> SiteTorrent? { nil }

    /// `ajax.php?action=torrent` by `hash` or `id`.
    private func torrent(query: (String, String)) throws(TrackerError) -> SiteTorrent? {
        let answer: Any?
        do {
            answer = try ajax("torrent", [query])
        } catch where error.category == .validation {
            return nil  // "bad hash parameter", "bad id parameter", "could not find torrent": not there
        }
        guard let answer = answer as? [String: Any], let torrent = answer["torrent"] as? [String: Any], let id = JSON.int(torrent["id"]) else { return nil }
        let group = JSON.int((answer["group"] as? [String: Any])?["id"])
        return SiteTorrent(id: id, groupID: group, url: page(group: group, torrent: id), infohash: (torrent["infoHash"] as? String)?.lowercased())
    }

    /// `browse` by main artist and title: a group of the same name, artist
    /// and year is the one to add to; a torrent in it with the same media,
    /// format, encoding and edition is a duplicate.
    public func existing(_ release: ReleaseDescription) throws(TrackerError) -> ExistingRelease {
        guard release.category == "Music", let title = release.title, let artist = release.artistRoles["main"]?.first ?? release.artists.first else {
            return ExistingRelease()
        }
        let results = (try ajax("browse", [("artistname", artist), ("groupname", title)]) as? [String: Any])?["results"] as? [[String: Any]] ?? []
        let same = { (a: Any?, b: String?) in
            (a as? String).map { HTMLEntities.decode($0).lowercased() } == b?.lowercased()
        }
        let groupYear = release.originalYear ?? release.year
        guard let group = results.first(where: { same($0["groupName"], title) && same($0["artist"], artist) && (groupYear == nil || JSON.int($0["groupYear"]) == groupYear) }),
            let groupID = JSON.int(group["groupId"])
        else { return ExistingRelease() }
        let media = release.media.map { site.media($0) }
        let duplicate = (group["torrents"] as? [[String: Any]] ?? []).first { torrent in
            same(torrent["media"], media) && same(torrent["format"], release.format) && same(torrent["encoding"], release.encoding)
                && (JSON.int(torrent["remasterYear"]) ?? 0 == 0 || release.year == nil || JSON.int(torrent["remasterYear"]) == release.year)
                && ((torrent["remasterCatalogueNumber"] as? String ?? "").isEmpty || release.catalogueNumber == nil || same(torrent["remasterCatalogueNumber"], release.catalogueNumber))
        }
        return ExistingRelease(
            groupID: groupID,
            duplicate: duplicate.flatMap { JSON.int($0["torrentId"]) }.map { SiteTorrent(id: $0, groupID: groupID, url: page(group: groupID, torrent: $0)) })
    }

    public func form(_ request: UploadRequest) throws(TrackerError) -> [MultipartField] {
        var fields = try UploadForm.gazelle(
            request.release, site: site, groupID: request.groupID, dryRun: request.dryRun, logs: request.logs, torrentDescription: request.torrentDescription)
        fields.insert(.file("file_input", Data(request.torrentBytes), filename: request.filename, contentType: "application/x-bittorrent"), at: 0)
        if site.family == .dic {
            guard let key = authkey.value else { throw .local("DIC's upload form needs the session's authkey; \(site.host) did not give one") }
            fields.append(.value("auth", key))
            fields.append(.value("submit", "true"))
        }
        return fields
    }

    public func upload(_ request: UploadRequest) throws(TrackerError) -> UploadAnswer {
        let fields = try form(request)
        let path = site.family == .dic ? "/upload.php" : "/ajax.php"
        // DIC's form adds to a group named in the URL, as smoked-salmon found (its fix
        // "site_page_upload failure when uploading to existing group"); the body keeps it too.
        let query = site.family == .dic ? request.groupID.map { [("groupid", String($0))] } ?? [] : [("action", "upload")]
        var http = HTTPRequest(method: "POST", url: try connection.url(path, query: query), body: .multipart(fields.map(\.part)))
        http.lowSpeedTime = 60
        let response = try connection.send(http, idempotent: false)
        return site.family == .dic ? try formAnswer(response, infohash: request.infohash) : try jsonAnswer(response, dryRun: request.dryRun)
    }

    /// RED's and OPS's JSON answers (§3.4, §3.5): ids in either casing.
    private func jsonAnswer(_ response: HTTPResponse, dryRun: Bool) throws(TrackerError) -> UploadAnswer {
        let json = JSON.object(response.body)
        try refuseStatus(HTTPResponseSummary(status: response.status, location: response.header("Location"), detail: json?["error"] as? String), committing: true)
        guard let json, let status = (json["status"] as? String)?.lowercased() else {
            throw TrackerError(.outcomeUnknown, "\(site.host) answered the upload with something other than JSON (HTTP \(response.status)); the upload may or may not have been taken", httpStatus: response.status, outcomeUnknown: true)
        }
        if status.contains("dry run") || (dryRun && status == "success") {
            guard status.contains("success") else {
                throw TrackerError(.validation, "\(site.host) (dry run): \(GazelleMessages.plain(json["error"] as? String ?? status))", httpStatus: response.status)
            }
            return UploadAnswer(torrent: SiteTorrent(id: 0, url: site.url), dryRun: true)
        }
        guard status == "success" else {
            let message = GazelleMessages.plain(json["error"] as? String ?? "failure")
            if let existing = GazelleMessages.existingTorrent(in: json["error"] as? String ?? "") {
                return UploadAnswer(torrent: SiteTorrent(id: existing.torrent, groupID: existing.group, url: page(group: existing.group, torrent: existing.torrent)), alreadyPresent: true)
            }
            if GazelleMessages.isAuth(message) { throw TrackerError(.auth, "\(site.host): \(message)", httpStatus: response.status) }
            throw TrackerError(.validation, "\(site.host): \(message)", field: GazelleMessages.field(of: message), httpStatus: response.status)
        }
        let answer = json["response"] as? [String: Any] ?? [:]
        guard let torrentID = JSON.int(answer["torrentid"] ?? answer["torrentId"]) else {
            throw TrackerError(.outcomeUnknown, "\(site.host) said success but gave no torrent id", httpStatus: response.status, outcomeUnknown: true)
        }
        let groupID = JSON.int(answer["groupid"] ?? answer["groupId"])
        let warnings = (answer["warnings"] as? [Any] ?? []).compactMap { ($0 as? String).map(GazelleMessages.plain) }
        return UploadAnswer(
            torrent: SiteTorrent(id: torrentID, groupID: groupID, url: page(group: groupID, torrent: torrentID)),
            warnings: warnings,
            rewritten: JSON.bool(answer["private"]) == false || JSON.bool(answer["source"]) == false)
    }

    /// DIC's web form: a redirect to the torrent's page is success; the form
    /// again, with the error in red, is a refusal.
    ///
    /// Gazelle's form redirects a new torrent to its group, `torrents.php?id=GROUP`,
    /// without the torrent's id (WhatCD/Gazelle and OPSnet/Gazelle
    /// sections/upload/upload_handle.php, its closing redirect): the id is
    /// then asked by infohash. Its other refusals are `error()` pages, a 200
    /// with `<h2>TITLE</h2>` and the reason in the box below (WhatCD/Gazelle
    /// sections/error/index.php).
    private func formAnswer(_ response: HTTPResponse, infohash: String?) throws(TrackerError) -> UploadAnswer {
        let location = response.header("Location") ?? ""
        try refuseStatus(HTTPResponseSummary(status: response.status, location: location, detail: nil), committing: true)
        if let match = location.firstMatch(of: #/torrents\.php\?id=(\d+)(?:&(?:amp;)?torrentid=(\d+))?/#), let group = Int(match.1) {
            if let torrent = match.2.flatMap({ Int($0) }) {
                return UploadAnswer(torrent: SiteTorrent(id: torrent, groupID: group, url: page(group: group, torrent: torrent)))
            }
            if let infohash, let found = try? lookup(infohash: infohash, name: ""), found.groupID == nil || found.groupID == group {
                return UploadAnswer(torrent: SiteTorrent(id: found.id, groupID: group, url: page(group: group, torrent: found.id)))
            }
            throw TrackerError(.outcomeUnknown, "\(site.host) took the upload into group \(group) without naming the torrent, and the lookup by infohash did not find it yet", httpStatus: response.status, outcomeUnknown: true)
        }
        let html = String(decoding: response.body, as: UTF8.self)
        if let match = html.firstMatch(of: #/<p[^>]*color:\s*red[^>]*>([\s\S]*?)</p>/#) {
            let raw = String(match.1)
            if let existing = GazelleMessages.existingTorrent(in: raw) {
                return UploadAnswer(torrent: SiteTorrent(id: existing.torrent, groupID: existing.group, url: page(group: existing.group, torrent: existing.torrent)), alreadyPresent: true)
            }
            let message = GazelleMessages.plain(raw)
            throw TrackerError(.validation, "\(site.host): \(message)", field: GazelleMessages.field(of: message), httpStatus: response.status)
        }
        if let match = html.firstMatch(of: #/<h2>\s*(Error[^<]*|Invalid Input|Invalid request|Unexpected Error)\s*</h2>[\s\S]*?<div class="box pad">\s*<p>([\s\S]*?)</p>/#) {
            let message = GazelleMessages.plain(String(match.2))
            let title = String(match.1)
            if title == "Error 403" || GazelleMessages.isAuth(message) { throw TrackerError(.auth, "\(site.host): \(message)", httpStatus: response.status) }
            throw TrackerError(.validation, "\(site.host): \(title == "Error" ? "" : title + ": ")\(message)", field: GazelleMessages.field(of: message), httpStatus: response.status)
        }
        throw TrackerError(.outcomeUnknown, "\(site.host) answered the upload form with neither its torrent page nor an error (HTTP \(response.status)); the upload may or may not have been taken", httpStatus: response.status, outcomeUnknown: true)
    }

    public func download(_ torrent: SiteTorrent) throws(TrackerError) -> [UInt8] {
        // OPS spends a freeleech token when `usetoken` is there at all, whatever its value
        // (OPSnet/Gazelle sections/torrents/download.php: `isset($_REQUEST['usetoken'])`);
        // RED's API documents usetoken=0 as "no token". Others: left out, which WhatCD reads as no.
        let token = site.family == .red ? [("usetoken", "0")] : []
        let response = try connection.send(HTTPRequest(url: try connection.url("/ajax.php", query: [("action", "download"), ("id", String(torrent.id))] + token)), idempotent: true)
        try refuseStatus(HTTPResponseSummary(status: response.status, location: response.header("Location"), detail: nil), committing: false)
        guard response.status == 200, response.body.first == UInt8(ascii: "d") else {
            let message = JSON.object(response.body)?["error"] as? String ?? "HTTP \(response.status)"
            throw TrackerError(.server, "\(site.host) did not hand out torrent \(torrent.id): \(GazelleMessages.plain(message))", httpStatus: response.status)
        }
        return Array(response.body)
    }
}

/// A mutable cell in an otherwise immutable adapter.
final class Box<Value> {
    var value: Value
    init(_ value: Value) { self.value = value }
}

extension MultipartField {
    var part: MultipartPart {
        switch self {
        case .value(let name, let text): MultipartPart(name: name, value: text)
        case .file(let name, let data, let filename, let contentType): MultipartPart(name: name, file: data, filename: filename, contentType: contentType)
        }
    }
}
