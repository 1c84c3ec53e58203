import Foundation
import MKTClients
import MKTConfig
import MKTObjects
import MKTStore
import MKTTorrent
import MKTTrackers

/// What is handed to a client after an upload: the torrent to seed (the
/// site's copy when the site changed it), without announce URL, and the
/// folder that holds the release.
public struct SeedJob: Sendable {
    public var tracker: String
    public var release: String
    public var torrent: TorrentFile
    public var savePath: String
}

/// Hands a job to a client: the command layer renders the announce URL
/// (with the passkey) and fetches the client's password. Returns the
/// client's name and, if it does not seed, why.
public typealias SeedAction = @Sendable (SeedJob) -> SeedReport

/// What a seed action did: `error` nil and `handedTo` nil is seeding;
/// `handedTo` (`watch folder DIR`) is a torrent only dropped where a client
/// watches, which mkt cannot confirm and never calls seeding.
public typealias SeedReport = (client: String, error: String?, handedTo: String?)

extension Config {
    /// Every `[client "NAME"]` section.
    public var clientNames: [String] {
        subsections(of: "client")
    }

    /// The client pushes hand their torrents to: `seed.client`, or the only one configured.
    public func seedingClient() throws(ConfigError) -> String? {
        if let named = try string("seed", "client") { return named.isEmpty ? nil : named }
        return clientNames.count == 1 ? clientNames[0] : nil
    }

    /// `[client "NAME"]`: `type` (qbittorrent, transmission, deluge, rtorrent,
    /// watch), `url` (rTorrent: `scgi`; watch: `watch-dir`), `username`,
    /// `path-map = LOCAL:REMOTE` (repeatable), `category`, `paused`, `check-timeout`.
    public func clientSettings(_ name: String) throws -> ClientSettings {
        guard clientNames.contains(name) else {
            throw ClientError.config(client: name, reason: "no [client \"\(name)\"] section in the config (known: \(clientNames.joined(separator: ", ")))")
        }
        let kinds = ClientSettings.Kind.allCases.map(\.rawValue).joined(separator: ", ")
        guard let typeName = try string("client", "type", subsection: name), let kind = ClientSettings.Kind(rawValue: typeName) else {
            throw ClientError.config(client: name, reason: "type must be one of \(kinds)")
        }
        let address: String
        switch kind {
        case .qbittorrent, .transmission, .deluge:
            guard let url = try string("client", "url", subsection: name) else {
                throw ClientError.config(client: name, reason: "url must be the client's http:// or https:// address")
            }
            address = url
        case .rtorrent:
            guard let scgi = try string("client", "scgi", subsection: name) else {
                throw ClientError.config(client: name, reason: "scgi must be rTorrent's SCGI HOST:PORT or the absolute path of its socket")
            }
            address = scgi
        case .watch:
            guard let folder = try string("client", "watch-dir", subsection: name), folder.hasPrefix("/") else {
                throw ClientError.config(client: name, reason: "watch-dir must be the absolute path of the folder the client watches")
            }
            address = folder
        }
        return ClientSettings(
            name: name, kind: kind, url: address, username: try string("client", "username", subsection: name),
            pathMaps: try pathMaps("client", "path-map", subsection: name).map { ($0.local, $0.remote) },
            category: try string("client", "category", subsection: name), paused: try bool("client", "paused", subsection: name),
            checkTimeout: try seconds("client", "check-timeout", subsection: name))
    }
}

extension Repository {
    /// The seed job for an upload receipt: its torrent (the site's copy if it
    /// rewrote ours) and the folder above the release.
    public func seedJob(for receipt: UploadReceipt, release: String, siteCopy: [UInt8]? = nil) throws -> SeedJob {
        let torrentBytes: [UInt8]
        if let siteCopy {
            torrentBytes = siteCopy
        } else {
            guard let seeded = receipt.seededTorrent.flatMap(ObjectID.init(hex:)) else { throw WorkflowError.unknownRelease(release) }
            torrentBytes = Array(try objects.read(seeded, as: .torrent))
        }
        let torrent = try TorrentFile.parse(torrentBytes, label: "torrent of \(receipt.tracker)/\(release)")
        guard let metaID = receipt.meta.flatMap(ObjectID.init(hex:)) else { throw WorkflowError.unknownRelease(release) }
        let meta = try objects.readMeta(metaID)
        let root = try self.release(named: meta.pieces.hex).knownFolder()
        return SeedJob(tracker: receipt.tracker, release: release, torrent: torrent, savePath: (root as NSString).deletingLastPathComponent)
    }

    static func seedingRef(_ tracker: String, _ release: String) -> String { "refs/seeding/\(tracker)/\(release)" }

    /// Records that the torrent of `receipt` is being seeded.
    public func recordSeeding(tracker: String, release: String, receipt: ObjectID, client: String) throws {
        try update([RefUpdate(name: Self.seedingRef(tracker, release), action: .set(receipt))], message: "seed: \(client)")
    }

    /// The upload receipt whose torrent a client seeds, if any.
    public func seeding(tracker: String, release: String) throws -> ObjectID? {
        try refs.read(Self.seedingRef(tracker, release))
    }
}
