import Foundation
import MKTCrypto

// The bodies of the `release` and `pieces` objects. Both are canonical
// (sorted keys, no floats), so the same content always has the same id.

extension ReleaseTree {
    private struct Body: Codable {
        struct FileBody: Codable {
            let path: String
            let size: Int64
            let modified: Int64
            let changed: Int64
            let inode: UInt64
            let device: UInt64
        }

        let name: String
        let root: String
        let single: Bool
        let files: [FileBody]
        let excluded: [String]
    }

    /// Canonical JSON: keys sorted, no insignificant white space.
    public func objectBody() -> Data {
        let body = Body(
            name: name, root: root, single: isSingleFile,
            files: files.map { .init(path: $0.path, size: $0.size, modified: $0.modified, changed: $0.changed, inode: $0.inode, device: $0.device) },
            excluded: excluded)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings and integers cannot fail.
        return try! encoder.encode(body)
    }

    /// Parses and checks a `release` object body.
    public init(objectBody: Data) throws(TorrentError) {
        let body: Body
        do {
            body = try JSONDecoder().decode(Body.self, from: objectBody)
        } catch {
            throw .invalidObject(kind: "release", reason: "not the release JSON layout")
        }
        _ = try TorrentFile.component(Array(body.name.utf8), field: "name", label: "release")
        guard !body.files.isEmpty else { throw .invalidObject(kind: "release", reason: "no files") }
        for file in body.files {
            guard file.size >= 0 else { throw .invalidObject(kind: "release", reason: "negative size for \(file.path)") }
            for component in file.path.split(separator: "/", omittingEmptySubsequences: false) {
                _ = try TorrentFile.component(Array(component.utf8), field: "path \(file.path)", label: "release")
            }
        }
        let tree = ReleaseTree(
            name: body.name, root: body.root, isSingleFile: body.single,
            files: body.files.map { ReleaseTree.File(path: $0.path, size: $0.size, modified: $0.modified, changed: $0.changed, inode: $0.inode, device: $0.device) },
            excluded: body.excluded)
        guard tree.files.map(\.path) == body.files.map(\.path), Set(body.files.map(\.path)).count == body.files.count else {
            throw .invalidObject(kind: "release", reason: "files are not in byte order, or repeat")
        }
        self = tree
    }
}

/// A `pieces` object: the piece hashes of one release scan.
public struct PiecesRecord: Equatable, Sendable {
    /// The `release` object the hashes were computed from.
    public let releaseID: String
    public let hashes: PieceHashes

    public init(releaseID: String, hashes: PieceHashes) {
        self.releaseID = releaseID
        self.hashes = hashes
    }

    /// Canonical bencode: `{length, piece length, pieces, release}`.
    public func objectBody() -> Data {
        let body: BencodeDictionary = [
            "length": .integer(hashes.totalLength),
            "piece length": .integer(hashes.pieceLength),
            "pieces": .bytes(hashes.hashes),
            "release": .string(releaseID),
        ]
        return Data(Bencode.dictionary(body).encoded())
    }

    public init(objectBody: Data) throws(TorrentError) {
        func bad(_ reason: String) -> TorrentError { .invalidObject(kind: "pieces", reason: reason) }
        let value: Bencode
        do {
            value = try BencodeDecoder().decode(Array(objectBody))
        } catch {
            throw .bencode(source: "pieces object", error)
        }
        guard let body = value.dictionaryValue, body.keys.count == 4,
            let total = body["length"]?.integerValue, let pieceLength = body["piece length"]?.integerValue,
            let hashes = body["pieces"]?.bytesValue, let release = body["release"]?.stringValue
        else { throw bad("expected exactly length, piece length, pieces and release") }
        try PieceLength.validate(pieceLength)
        guard release.utf8.count == 64, Hex.decode(release) != nil, release == release.lowercased() else { throw bad("release is not an object id") }
        guard total > 0, hashes.count == PieceHashes.pieceCount(totalLength: total, pieceLength: pieceLength) * 20 else {
            throw bad("\(hashes.count / 20) hashes do not fit \(total) bytes in \(pieceLength)-byte pieces")
        }
        self.init(releaseID: release, hashes: PieceHashes(pieceLength: pieceLength, totalLength: total, hashes: hashes))
    }
}
