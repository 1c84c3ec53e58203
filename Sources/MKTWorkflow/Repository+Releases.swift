import Foundation
import MKTCatalog
import MKTConfig
import MKTStore
import MKTTorrent

/// A release as the store knows it: its scan, its piece hashes, and their ids.
public struct StoredRelease: Sendable {
    public let releaseID: ObjectID
    public let piecesID: ObjectID
    public let tree: ReleaseTree
    public let pieces: PieceHashes
}

extension Repository {
    /// Scans `path`, stores the `release` object and the `pieces` object.
    /// A folder whose scan is unchanged (same files, sizes, times, inodes)
    /// was hashed before: its pieces are found in the cache, nothing is read.
    /// - Returns: the release, and whether its hashes came from the cache.
    public func addRelease(
        at path: String,
        scan options: ScanOptions = ScanOptions(),
        pieceLength: Int64? = nil,
        hasher: PieceHasher = PieceHasher(),
        progress: (@Sendable (Int64) -> Void)? = nil
    ) throws -> (release: StoredRelease, cached: Bool) {
        let tree = try ReleaseScanner.scan(path, options: options)
        let length = pieceLength ?? PieceLength.automatic(totalSize: tree.totalSize)
        try PieceLength.validate(length)
        let releaseID = try objects.write(type: .release, body: tree.objectBody())
        if let cached = cachedPieces(release: releaseID, pieceLength: length) {
            return (StoredRelease(releaseID: releaseID, piecesID: cached.id, tree: tree, pieces: cached.hashes), true)
        }
        let hashes = try hasher.hash(tree, pieceLength: length, progress: progress)
        let piecesID = try objects.write(type: .pieces, body: PiecesRecord(releaseID: releaseID.hex, hashes: hashes).objectBody())
        try DurableFile.makeDirectories(piecesCacheDirectory)
        try DurableFile.replace(piecesCachePath(release: releaseID, pieceLength: length), contents: Data((piecesID.hex + "\n").utf8), mode: 0o644)
        return (StoredRelease(releaseID: releaseID, piecesID: piecesID, tree: tree, pieces: hashes), false)
    }

    /// The release a name stands for: a `pieces` object, a `release` object
    /// that was hashed here, a `meta` object (its pieces), or a ref to any of them.
    public func release(named name: String) throws -> StoredRelease {
        let id = try resolve(name)
        let object = try objects.read(id)
        switch object.type {
        case .meta:
            guard let pieces = (try? JSONSerialization.jsonObject(with: object.body) as? [String: Any])?["pieces"] as? String else {
                throw WorkflowError.notARelease(name: name, type: .meta)
            }
            return try release(named: pieces)
        case .pieces:
            let record = try PiecesRecord(objectBody: object.body)
            guard let releaseID = ObjectID(hex: record.releaseID) else { throw StoreError.unknownName(record.releaseID) }
            let tree = try ReleaseTree(objectBody: try objects.read(releaseID, as: .release))
            return StoredRelease(releaseID: releaseID, piecesID: id, tree: tree, pieces: record.hashes)
        case .release:
            let tree = try ReleaseTree(objectBody: object.body)
            let length = PieceLength.automatic(totalSize: tree.totalSize)
            if let cached = cachedPieces(release: id, pieceLength: length) ?? anyCachedPieces(release: id) {
                return StoredRelease(releaseID: id, piecesID: cached.id, tree: tree, pieces: cached.hashes)
            }
            throw WorkflowError.noPiecesForRelease(id)
        default:
            throw WorkflowError.notARelease(name: name, type: object.type)
        }
    }

    /// Stores one torrent per set of options (one per tracker) and returns
    /// their ids; the file list is encoded once for all of them.
    public func writeTorrents(for release: StoredRelease, options: [TorrentOptions]) throws -> [ObjectID] {
        let template = TorrentTemplate(tree: release.tree, pieces: release.pieces)
        return try options.map { try objects.write(type: .torrent, body: Data(template.torrent(options: $0))) }
    }

    // MARK: - The pieces cache

    /// `cache/pieces/<release id>-<piece length>` holds the id of the pieces
    /// object hashed from that scan. It is only a cache: a missing, damaged
    /// or stale entry means the release is hashed again.
    private var piecesCacheDirectory: String { "\(directory)/cache/pieces" }

    private func piecesCachePath(release: ObjectID, pieceLength: Int64) -> String {
        "\(piecesCacheDirectory)/\(release.hex)-\(pieceLength)"
    }

    private func cachedPieces(release: ObjectID, pieceLength: Int64) -> (id: ObjectID, hashes: PieceHashes)? {
        guard let data = try? DurableFile.read(piecesCachePath(release: release, pieceLength: pieceLength)),
            let id = ObjectID(hex: String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)),
            let body = try? objects.read(id, as: .pieces),
            let record = try? PiecesRecord(objectBody: body),
            record.releaseID == release.hex, record.hashes.pieceLength == pieceLength
        else { return nil }
        return (id, record.hashes)
    }

    private func anyCachedPieces(release: ObjectID) -> (id: ObjectID, hashes: PieceHashes)? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: piecesCacheDirectory)) ?? []
        return names.filter { $0.hasPrefix(release.hex + "-") }.sorted().lazy
            .compactMap { Int64($0.dropFirst(release.hex.count + 1)) }
            .compactMap { cachedPieces(release: release, pieceLength: $0) }.first
    }
}

extension Config {
    /// The tracker catalog with this config's `[tracker "NAME"]` sections on top (the last value of a key wins).
    public var trackers: TrackerCatalog {
        var sections: [String: [String: String]] = [:]
        for entry in entries where entry.section == "tracker" {
            if let name = entry.subsection { sections[name, default: [:]][entry.key] = entry.value }
        }
        return TrackerCatalog(sections: sections)
    }

    /// The site called `name`, or an error naming the key to set or the name meant.
    public func tracker(_ name: String) throws(CatalogError) -> TrackerSite { try trackers.site(name) }

    /// What torrents for the site called `name` carry (all a site mkt only makes torrents for must say).
    public func torrentSite(_ name: String) throws(CatalogError) -> TorrentSite { try trackers.torrentSite(name) }
}
