import Foundation
import MKTStore
import MKTTorrent

/// `cache/stat/<release id>`: the last scan of a release's folder whose
/// files were hashed, or proved unchanged by hashing: where the folder was,
/// each file's stat data, and the pieces objects hashed from exactly those
/// files, by piece length.
///
/// Stat data is kept here, as git keeps it in its index, and not in the
/// `release` object, so that `touch` or `cp -a` of an unchanged folder keeps
/// the release's id and its meta snapshot. The folder is kept here too,
/// rather than in the meta object, for the same reason: a copy elsewhere
/// would otherwise make a new snapshot. One file per release id, replaced
/// whole: the last folder it was seen in is the one `verify`, `seed` and
/// `push` read. It is a cache: a missing or damaged entry costs one hashing
/// pass (which records it again) and, until then, commands that need the
/// folder ask for it. The pieces ids in it keep those objects from `mkt gc`,
/// as every file outside `objects/` does.
struct ScanRecord: Codable, Equatable {
    struct FileRecord: Codable, Equatable {
        let path: String
        let modified: Int64
        let changed: Int64
        let inode: UInt64
        let device: UInt64
    }

    let root: String
    let files: [FileRecord]
    /// Piece length (decimal) -> pieces object id.
    private let piecesByLength: [String: String]

    private enum CodingKeys: String, CodingKey {
        case root, files
        case piecesByLength = "pieces"
    }

    init(scan: ReleaseScan, pieces: [Int64: ObjectID]) {
        root = scan.root
        files = scan.tree.files.compactMap { file in
            scan.stats[file.path].map { FileRecord(path: file.path, modified: $0.modified, changed: $0.changed, inode: $0.inode, device: $0.device) }
        }
        piecesByLength = Dictionary(uniqueKeysWithValues: pieces.map { (String($0.key), $0.value.hex) })
    }

    var pieces: [Int64: ObjectID] {
        Dictionary(uniqueKeysWithValues: piecesByLength.compactMap { key, value in
            guard let length = Int64(key), let id = ObjectID(hex: value) else { return nil }
            return (length, id)
        })
    }

    /// True when every file `scan` found has the stat data recorded, and no other file is recorded.
    func matches(_ scan: ReleaseScan) -> Bool {
        files.count == scan.stats.count && files.allSatisfy { file in
            scan.stats[file.path] == FileStat(modified: file.modified, changed: file.changed, inode: file.inode, device: file.device)
        }
    }
}

extension Repository {
    private func scanRecordPath(release: ObjectID) -> String { "\(directory)/cache/stat/\(release.hex)" }

    /// The stat cache's entry for `release`; nil when there is none or it is damaged.
    func scanRecord(release: ObjectID) -> ScanRecord? {
        guard let data = try? DurableFile.read(scanRecordPath(release: release)) else { return nil }
        return try? JSONDecoder().decode(ScanRecord.self, from: data)
    }

    /// Replaces `release`'s entry, durably (the next add trusts it).
    func recordScan(_ scan: ReleaseScan, release: ObjectID, pieces: [Int64: ObjectID]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let path = scanRecordPath(release: release)
        try DurableFile.makeDirectories((path as NSString).deletingLastPathComponent)
        try DurableFile.replace(path, contents: try encoder.encode(ScanRecord(scan: scan, pieces: pieces)) + Data("\n".utf8), mode: 0o644)
    }
}
