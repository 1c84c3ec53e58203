import Foundation
import MKTCatalog
import MKTConfig
import MKTObjects
import MKTStore
import MKTTorrent

/// A release as the store knows it: its tree, its piece hashes, their ids,
/// and the folder it was last seen in.
public struct StoredRelease: Sendable {
    public let releaseID: ObjectID
    public let piecesID: ObjectID
    public let tree: ReleaseTree
    public let pieces: PieceHashes
    /// Where the folder was when it was last added or hashed here (the stat
    /// cache, or a format-1 release body's root), if known: a hint, the data may move.
    public let folder: String?

    /// The folder, or an error saying that none is known.
    public func knownFolder() throws(WorkflowError) -> String {
        guard let folder else { throw .noKnownFolder(releaseID) }
        return folder
    }
}

extension Repository {
    /// Scans `path`, stores the `release` object and the `pieces` object.
    /// A folder whose files have the stat data recorded when they were last
    /// hashed is not read again: its pieces are found in the stat cache.
    /// - Returns: the release, and whether its hashes came from the cache.
    public func addRelease(
        at path: String,
        scan options: ScanOptions = ScanOptions(),
        pieceLength: Int64? = nil,
        hasher: PieceHasher = PieceHasher(),
        progress: (@Sendable (Int64) -> Void)? = nil
    ) throws -> (release: StoredRelease, cached: Bool) {
        try store(ReleaseScanner.scan(path, options: options), pieceLength: pieceLength, hasher: hasher, progress: progress)
    }

    /// Stores what `scan` found. The hashes are `known` when the caller
    /// already has those of exactly these files (at their piece length),
    /// else the stat cache's when every file is as recorded there, else read.
    func store(
        _ scan: ReleaseScan,
        pieceLength: Int64? = nil,
        known: PieceHashes? = nil,
        hasher: PieceHasher = PieceHasher(),
        progress: (@Sendable (Int64) -> Void)? = nil
    ) throws -> (release: StoredRelease, cached: Bool) {
        let length = pieceLength ?? PieceLength.automatic(totalSize: scan.tree.totalSize)
        try PieceLength.validate(length)
        let releaseID = try writeRelease(scan.tree)
        let record = scanRecord(release: releaseID)
        let vouched = record?.matches(scan) == true
        if vouched, let record, let cached = pieces(at: length, in: record, release: releaseID) {
            // A moved folder keeps its files' stat data; only where it is changes.
            if record.root != scan.root { try recordScan(scan, release: releaseID, pieces: record.pieces) }
            return (StoredRelease(releaseID: releaseID, piecesID: cached.id, tree: scan.tree, pieces: cached.hashes, folder: scan.root), true)
        }
        let hashes = try known.flatMap { $0.pieceLength == length ? $0 : nil } ?? hasher.hash(scan, pieceLength: length, progress: progress)
        let piecesID = try objects.write(type: .pieces, body: PiecesRecord(releaseID: releaseID, hashes: hashes).objectBody())
        // Hashes at other piece lengths still hold if the files are the ones
        // recorded, or if these hashes prove their content the same.
        var pieces = vouched || record?.pieces[length] == piecesID ? record?.pieces ?? [:] : [:]
        pieces[length] = piecesID
        try recordScan(scan, release: releaseID, pieces: pieces)
        return (StoredRelease(releaseID: releaseID, piecesID: piecesID, tree: scan.tree, pieces: hashes, folder: scan.root), false)
    }

    /// Writes a `release` object (format 2), raising a format-1 store's
    /// `core.format` first.
    public func writeRelease(_ tree: ReleaseTree) throws -> ObjectID {
        try raiseFormat()
        let id = try objects.write(type: .release, body: tree.objectBody())
        WriterPauseSeam.releaseWritten()
        return id
    }

    /// The hashes of exactly the files `scan` found, at `pieceLength`, when
    /// they can be known without reading: the stat cache records these files
    /// for `release`, or a format-1 release body (`formatOne`, whose hashes
    /// are `formatOneHashes`) recorded the same stat data.
    func knownHashes(of scan: ReleaseScan, release: ObjectID, pieceLength: Int64, formatOne: ReleaseScan?, formatOneHashes: PieceHashes) -> PieceHashes? {
        if let record = scanRecord(release: release), record.matches(scan), let cached = pieces(at: pieceLength, in: record, release: release) {
            return cached.hashes
        }
        if let formatOne, formatOne.stats == scan.stats, formatOneHashes.pieceLength == pieceLength { return formatOneHashes }
        return nil
    }

    /// The release a name stands for: a `pieces` object, a `release` object
    /// that was hashed here, a `meta` object (its pieces), or a ref to any of them.
    public func release(named name: String) throws -> StoredRelease {
        let id = try resolve(name)
        let object = try objects.read(id)
        switch object.type {
        case .meta:
            return try release(named: objects.readMeta(id).pieces.hex)
        case .pieces:
            let record = try objects.readPieces(id)
            let release = try objects.readRelease(record.releaseID)
            try record.check(against: release.tree, object: id)
            return StoredRelease(releaseID: record.releaseID, piecesID: id, tree: release.tree, pieces: record.hashes, folder: folder(of: record.releaseID, release))
        case .release:
            let release = try objects.readRelease(id)
            let length = PieceLength.automatic(totalSize: release.tree.totalSize)
            let recorded = scanRecord(release: id)
            let cached = recorded.flatMap { record in
                pieces(at: length, in: record, release: id) ?? record.pieces.keys.sorted().lazy.compactMap { pieces(at: $0, in: record, release: id) }.first
            } ?? formatOnePieces(release: id)
            guard let cached else { throw WorkflowError.noPiecesForRelease(id) }
            return StoredRelease(releaseID: id, piecesID: cached.id, tree: release.tree, pieces: cached.hashes, folder: folder(of: id, release))
        default:
            throw WorkflowError.notARelease(name: name, type: object.type)
        }
    }

    /// The meta snapshot a name stands for (a release's ref, a meta object),
    /// or nil for a name of bare pieces or a release object, which have none.
    public func snapshot(named name: String) throws -> MetaSnapshot? {
        let id = try resolve(name)
        guard try objects.read(id).type == .meta else { return nil }
        return try objects.readMeta(id)
    }

    func folder(of id: ObjectID, _ release: ReleaseObject) -> String? {
        scanRecord(release: id)?.root ?? release.recordedScan?.root
    }

    /// Stores one torrent per set of options (one per tracker) and returns
    /// their ids; the file list is encoded once for all of them.
    public func writeTorrents(for release: StoredRelease, options: [TorrentOptions]) throws -> [ObjectID] {
        let template = TorrentTemplate(tree: release.tree, pieces: release.pieces)
        return try options.map { try objects.write(type: .torrent, body: Data(template.torrent(options: $0))) }
    }

    /// The pieces object `record` names at `length`, if it is one of `release`'s.
    private func pieces(at length: Int64, in record: ScanRecord, release: ObjectID) -> (id: ObjectID, hashes: PieceHashes)? {
        guard let id = record.pieces[length], let pieces = try? objects.readPieces(id),
            pieces.releaseID == release, pieces.hashes.pieceLength == length
        else { return nil }
        return (id, pieces.hashes)
    }

    /// Format 1's pieces cache, `cache/pieces/<release id>-<piece length>`
    /// (one pieces id), read for the release objects of a format-1 store.
    private func formatOnePieces(release: ObjectID) -> (id: ObjectID, hashes: PieceHashes)? {
        let directory = "\(directory)/cache/pieces"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasPrefix(release.hex + "-") }.sorted().lazy.compactMap { name in
            guard let data = try? DurableFile.read("\(directory)/\(name)"),
                let id = ObjectID(hex: String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)),
                let pieces = try? objects.readPieces(id), pieces.releaseID == release
            else { return nil }
            return (id, pieces.hashes)
        }.first
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
