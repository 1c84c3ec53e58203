import Foundation
import MKTCatalog
import MKTMetadata

/// A torrent as a site knows it.
public struct SiteTorrent: Equatable, Sendable {
    public var id: Int
    public var groupID: Int?
    /// The torrent's page.
    public var url: String
    /// Lower-case hex, when the site said.
    public var infohash: String?

    public init(id: Int, groupID: Int? = nil, url: String, infohash: String? = nil) {
        self.id = id
        self.groupID = groupID
        self.url = url
        self.infohash = infohash
    }
}

/// What the site said to an upload.
public struct UploadAnswer: Sendable {
    public var torrent: SiteTorrent
    public var warnings: [String]
    /// The site changed the torrent's `info` (source or private flag).
    public var rewritten: Bool
    /// The exact torrent was on the site already.
    public var alreadyPresent: Bool
    public var dryRun: Bool

    public init(torrent: SiteTorrent, warnings: [String] = [], rewritten: Bool = false, alreadyPresent: Bool = false, dryRun: Bool = false) {
        self.torrent = torrent
        self.warnings = warnings
        self.rewritten = rewritten
        self.alreadyPresent = alreadyPresent
        self.dryRun = dryRun
    }
}

/// What the site knows of a release before the upload: the group to add to,
/// and a torrent of the same edition and encoding if there is one.
public struct ExistingRelease: Sendable {
    public var groupID: Int?
    public var duplicate: SiteTorrent?

    public init(groupID: Int? = nil, duplicate: SiteTorrent? = nil) {
        self.groupID = groupID
        self.duplicate = duplicate
    }
}

/// What is uploaded: the torrent with its announce URL, and the form.
public struct UploadRequest: Sendable {
    public var torrentBytes: [UInt8]
    /// `<name>.torrent`.
    public var filename: String
    public var release: ReleaseDescription
    public var logs: [AttachedFile]
    public var groupID: Int?
    public var dryRun: Bool
    /// The torrent's own description, when it has one.
    public var torrentDescription: String?
    /// The torrent's v1 infohash: how an answer that names only the group is resolved.
    public var infohash: String?
}

/// One site family's protocol. Every call goes through the connection, so
/// every request is rate-limited and authenticated the same way.
/// `TrackerConnection.makeAdapter()` picks the one for a site's family.
public protocol SiteAdapter {
    var connection: TrackerConnection { get }
    /// Checks the credential; returns the account's passkey when the site tells it.
    func passkey() throws(TrackerError) -> String?
    /// The torrent with this infohash (40 hex digits), if the site has it.
    func lookup(infohash: String, name: String) throws(TrackerError) -> SiteTorrent?
    /// The torrent with this site id, if the site has it.
    func torrent(id: Int) throws(TrackerError) -> SiteTorrent?
    /// The torrent the site holds under this name, whatever its infohash, on
    /// a site where names are unique (UNIT3D); nil on one where they are not.
    func named(_ name: String) throws(TrackerError) -> SiteTorrent?
    func existing(_ release: ReleaseDescription) throws(TrackerError) -> ExistingRelease
    /// The form `upload` sends for `request`, exactly: fields in order, the torrent file among them.
    func form(_ request: UploadRequest) throws(TrackerError) -> [MultipartField]
    /// The upload itself: the one request that changes the site.
    func upload(_ request: UploadRequest) throws(TrackerError) -> UploadAnswer
    /// The site's copy of a torrent, with the site's announce URL.
    func download(_ torrent: SiteTorrent) throws(TrackerError) -> [UInt8]
    /// Whether the announce URL (with the passkey) goes into the uploaded torrent.
    var sendsAnnounce: Bool { get }
}

extension TrackerConnection {
    /// The adapter for this site's family.
    public func makeAdapter() -> any SiteAdapter {
        switch site.family {
        case .red, .ops, .dic: GazelleAdapter(connection: self)
        case .unit3d: Unit3DAdapter(connection: self)
        case .mam: ManualUploadAdapter(connection: self)
        }
    }
}

extension SiteAdapter {
    public var site: TrackerSite { connection.site }

    /// Turns an HTTP status the request cannot go on from into an error:
    /// 401/403 are auth, 5xx server (outcome unknown for the upload), a
    /// redirect to a login page auth.
    func refuseStatus(_ response: HTTPResponseSummary, committing: Bool) throws(TrackerError) {
        let status = response.status
        if status == 401 || status == 403 {
            throw TrackerError(.auth, "\(site.host) refused the \(site.family.credential.rawValue) (HTTP \(status))\(response.detail.map { ": \($0)" } ?? "")", httpStatus: status)
        }
        if (300..<400).contains(status), (response.location ?? "").contains("login") {
            throw TrackerError(.auth, "\(site.host) sent mkt to its login page: the session cookie is not valid", httpStatus: status)
        }
        if status >= 500 {
            throw TrackerError(.server, "\(site.host) answered HTTP \(status)\(committing ? "; the upload may or may not have been taken" : "")", httpStatus: status, outcomeUnknown: committing)
        }
    }
}

/// The parts of an answer error handling looks at.
struct HTTPResponseSummary {
    var status: Int
    var location: String?
    /// A short message from the body, if it had one.
    var detail: String?
}

/// Picks out the form field a Gazelle error message is about.
enum GazelleMessages {
    static let fields: [(words: String, field: String)] = [
        ("bitrate", "bitrate"), ("album description", "album_desc"), ("description", "album_desc"), ("artist", "artists[]"),
        ("tag", "tags"), ("release type", "releasetype"), ("category", "type"), ("format", "format"), ("media", "media"),
        ("year", "year"), ("title", "title"), ("torrent file", "file_input"), ("group", "groupid"), ("log", "logfiles[]"),
    ]

    static func field(of message: String) -> String? {
        let lowered = message.lowercased()
        return fields.first { lowered.contains($0.words) }?.field
    }

    static func isAuth(_ message: String) -> Bool {
        let lowered = message.lowercased()
        return ["credentials", "token", "authorization", "api key", "not logged in", "userclass", "disabled", "banned"].contains { lowered.contains($0) }
    }

    /// "The exact same torrent file already exists on the site! <a href="torrents.php?id=5&amp;torrentid=7">"
    /// "Thank you for fixing this torrent" is the same: the site had lost the
    /// file of a torrent it lists, and has just stored ours (upload_handle.php).
    static func existingTorrent(in message: String) -> (group: Int?, torrent: Int)? {
        let lowered = message.lowercased()
        guard lowered.contains("already exists") || lowered.contains("thank you for fixing this torrent") else { return nil }
        let pattern = #/torrents\.php\?id=(\d+)&(?:amp;)?torrentid=(\d+)/#
        if let match = message.firstMatch(of: pattern), let torrent = Int(match.2) { return (Int(match.1), torrent) }
        if let match = message.firstMatch(of: #/torrentid=(\d+)/#), let torrent = Int(match.1) { return (nil, torrent) }
        return nil
    }

    /// Tags stripped, entities decoded, space collapsed: a site message fit for one line.
    static func plain(_ html: String) -> String {
        let text = html.replacingOccurrences(of: #"<[^>]*>"#, with: " ", options: .regularExpression)
        return HTMLEntities.decode(text).split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
