import Foundation
import MKTHTTP

/// A torrent for a client to seed: the bytes (with the announce URL and
/// passkey, made for this moment and never stored), and where its data is.
public struct SeedRequest: Sendable {
    public var torrent: [UInt8]
    /// v1 infohash, 40 lower-case hex digits.
    public var infohash: String
    /// The folder holding the release folder (or the single file), as this machine sees it.
    public var savePath: String
    public var tags: [String]

    public init(torrent: [UInt8], infohash: String, savePath: String, tags: [String] = []) {
        self.torrent = torrent
        self.infohash = infohash
        self.savePath = savePath
        self.tags = tags
    }
}

/// What a client said about a torrent it has.
public struct ClientTorrent: Equatable, Sendable {
    /// 0 to 1.
    public var progress: Double
    /// The client's own word for it: `checkingUP`, `pausedUP`, `stalledUP`, …
    public var state: String
    public var checking: Bool
    /// The client said outright that files are missing.
    public var missingFiles: Bool

    public init(progress: Double, state: String, checking: Bool, missingFiles: Bool = false) {
        self.progress = progress
        self.state = state
        self.checking = checking
        self.missingFiles = missingFiles
    }
}

/// A BitTorrent client mkt hands torrents to. Adding checks the data first
/// (the torrent is added paused and verified): a client that does not find
/// every byte where it was told gets the torrent removed again, so nothing is
/// ever downloaded over the user's files.
public protocol SeedingClient: Sendable {
    var settings: ClientSettings { get }
    /// Logs in and checks the client answers.
    func connect() throws(ClientError)
    /// Adds the torrent paused; the client may list it only a moment later.
    func add(_ request: SeedRequest) throws(ClientError)
    /// Has the client check the torrent's data against its pieces.
    func verify(infohash: String) throws(ClientError)
    func torrent(infohash: String) throws(ClientError) -> ClientTorrent?
    func start(infohash: String) throws(ClientError)
    /// Removes the torrent, never its data.
    func remove(infohash: String) throws(ClientError)
    /// What this client, as it is set up, cannot do of what the settings ask
    /// (a label without Deluge's Label plugin): one sentence each.
    func limitations() throws(ClientError) -> [String]
}

extension SeedingClient {
    public func limitations() throws(ClientError) -> [String] { [] }
}

/// What came of handing a torrent to a client.
public enum SeedOutcome: Equatable, Sendable {
    /// The client checked the data, found every byte, and seeds it (or holds it paused, as configured).
    case seeding
    /// Written into a folder another client watches: nothing could be checked or confirmed.
    case handedOff(folder: String)
}

public enum ClientError: Error, Equatable, CustomStringConvertible {
    case unreachable(client: String, reason: String)
    case auth(client: String)
    case refused(client: String, reason: String)
    case dataNotFound(client: String, path: String, progress: Double)
    case stillChecking(client: String)
    case config(client: String, reason: String)

    public var description: String {
        switch self {
        case .unreachable(let client, let reason): "client \(client) cannot be reached: \(reason)"
        case .auth(let client): "client \(client) refused the username or password"
        case .refused(let client, let reason): "client \(client) refused the torrent: \(reason)"
        case .dataNotFound(let client, let path, let progress):
            "client \(client) does not find the data under \(path) (\(Int(progress * 100)) % there); the torrent was removed again, nothing downloaded"
        case .stillChecking(let client): "client \(client) is still checking the data; it starts seeding when done"
        case .config(let client, let reason): "client \(client): \(reason)"
        }
    }
}

/// `[client "NAME"]` in the config.
public struct ClientSettings: Sendable {
    public enum Kind: String, Sendable, CaseIterable { case qbittorrent, transmission, deluge, rtorrent, watch }

    public var name: String
    public var kind: Kind
    /// Where the client is: its Web UI or RPC URL (qBittorrent, Transmission,
    /// deluge-web), rTorrent's SCGI `HOST:PORT` or socket path, or the watch folder.
    public var url: String
    public var username: String?
    /// Filled from the credential store by the caller.
    public var password: String?
    /// (here, there): a path under `here` is `there` + the rest, for the client.
    public var pathMaps: [(local: String, remote: String)]
    public var category: String?
    /// Leave the torrent paused after the check.
    public var paused: Bool
    /// How long to wait for the client's check of the data.
    public var checkTimeout: TimeInterval

    public init(name: String, kind: Kind, url: String, username: String? = nil, password: String? = nil,
                pathMaps: [(local: String, remote: String)] = [], category: String? = nil, paused: Bool = false, checkTimeout: TimeInterval = 600) {
        self.name = name
        self.kind = kind
        self.url = url.hasSuffix("/") ? String(url.dropLast()) : url
        self.username = username
        self.password = password
        self.pathMaps = pathMaps
        self.category = category
        self.paused = paused
        self.checkTimeout = checkTimeout
    }

    /// The password is needed: a client with a username, or deluge-web (a password only).
    public var asksPassword: Bool { username != nil || kind == .deluge }

    /// `path-map = LOCAL:REMOTE` entries: the longest matching LOCAL wins,
    /// matched on whole path components.
    public func clientPath(_ local: String) -> String {
        let candidates = pathMaps.filter { local == $0.local || local.hasPrefix($0.local.hasSuffix("/") ? $0.local : $0.local + "/") }
        guard let best = candidates.max(by: { $0.local.count < $1.local.count }) else { return local }
        let rest = local.dropFirst(best.local.count).drop { $0 == "/" }
        return rest.isEmpty ? best.remote : (best.remote.hasSuffix("/") ? best.remote : best.remote + "/") + rest
    }

    /// The client of this kind, talking through `transport`.
    public func makeClient(transport: any HTTPTransport) -> any SeedingClient {
        switch kind {
        case .qbittorrent: QBittorrentClient(settings: self, transport: transport)
        case .transmission: TransmissionClient(settings: self, transport: transport)
        case .deluge: DelugeClient(settings: self, transport: transport)
        case .rtorrent: RTorrentClient(settings: self)
        case .watch: WatchFolderClient(settings: self)
        }
    }

    /// The client of this kind over libcurl.
    public func makeClient(userAgent: String) -> any SeedingClient {
        makeClient(transport: HTTPClient(userAgent: userAgent))
    }
}

/// Adds a torrent the safe way: paused, checked, started only when the
/// client has all the data; removed again when it has not.
public enum Seeder {
    @discardableResult
    public static func seed(_ request: SeedRequest, with client: any SeedingClient, poll: TimeInterval = 0.2, settle: TimeInterval = 3) throws(ClientError) -> SeedOutcome {
        let name = client.settings.name
        try client.connect()
        if let folder = client as? WatchFolderClient {
            try folder.add(request)
            return .handedOff(folder: folder.settings.url)
        }
        if let existing = try client.torrent(infohash: request.infohash), !existing.checking, existing.progress >= 1 {
            if !client.settings.paused { try client.start(infohash: request.infohash) }
            return .seeding
        }
        try client.add(request)
        let listed = Date().addingTimeInterval(10)
        while try client.torrent(infohash: request.infohash) == nil {
            guard Date() < listed else { throw .refused(client: name, reason: "it took the torrent but does not list it") }
            Thread.sleep(forTimeInterval: poll / 4)
        }
        try client.verify(infohash: request.infohash)
        let deadline = Date().addingTimeInterval(client.settings.checkTimeout)
        // A client may list the torrent as stopped and empty for a moment
        // before its check begins: "incomplete" counts once it has lasted.
        var incompleteSince: Date?
        while true {
            guard let state = try client.torrent(infohash: request.infohash) else {
                throw .refused(client: name, reason: "it took the torrent but does not list it")
            }
            if !state.checking && state.progress >= 1 {
                if !client.settings.paused { try client.start(infohash: request.infohash) }
                return .seeding
            }
            if state.checking {
                incompleteSince = nil
            } else {
                let since = incompleteSince ?? Date()
                incompleteSince = since
                if state.missingFiles || Date().timeIntervalSince(since) >= settle {
                    try client.remove(infohash: request.infohash)
                    throw .dataNotFound(client: name, path: client.settings.clientPath(request.savePath), progress: state.progress)
                }
            }
            guard Date() < deadline else { throw .stillChecking(client: name) }
            Thread.sleep(forTimeInterval: poll)
        }
    }
}

extension HTTPTransport {
    /// A request to a client: transport failures become `unreachable`.
    func call(_ request: HTTPRequest, client: String) throws(ClientError) -> HTTPResponse {
        do {
            return try send(request)
        } catch {
            throw .unreachable(client: client, reason: error.description)
        }
    }
}
