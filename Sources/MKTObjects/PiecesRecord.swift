import Foundation
import MKTStore
import MKTTorrent

/// A `pieces` object: the piece hashes of one release's content.
public struct PiecesRecord: Equatable, Sendable {
    /// The `release` object the hashes were computed from.
    public let releaseID: ObjectID
    public let hashes: PieceHashes

    public init(releaseID: ObjectID, hashes: PieceHashes) {
        self.releaseID = releaseID
        self.hashes = hashes
    }

    /// Hand-made objects can disagree with the release they name: every
    /// reader (listing, verify, torrent making) indexes these hashes by the
    /// tree's offsets, so the lengths must agree.
    /// - Parameter object: this record's id, for the error.
    public func check(against tree: ReleaseTree, object: ObjectID) throws(ObjectFormatError) {
        guard hashes.totalLength == tree.totalSize else {
            throw ObjectFormatError(.pieces, "length \(hashes.totalLength) is not the \(tree.totalSize) bytes of release \(releaseID.hex)", object: object.hex)
        }
    }

    /// Canonical bencode: `{length, piece length, pieces, release}`.
    public func objectBody() -> Data {
        let body: BencodeDictionary = [
            "length": .integer(hashes.totalLength),
            "piece length": .integer(hashes.pieceLength),
            "pieces": .bytes(hashes.hashes),
            "release": .string(releaseID.hex),
        ]
        return Data(Bencode.dictionary(body).encoded())
    }

    public init(objectBody: Data) throws(ObjectFormatError) {
        func bad(_ reason: String) -> ObjectFormatError { ObjectFormatError(.pieces, reason) }
        let value: Bencode
        do {
            value = try BencodeDecoder().decode(Array(objectBody))
        } catch {
            throw bad("\(error)")
        }
        guard let body = value.dictionaryValue, body.keys.count == 4,
            let total = body["length"]?.integerValue, let pieceLength = body["piece length"]?.integerValue,
            let hashes = body["pieces"]?.bytesValue, let release = body["release"]?.stringValue
        else { throw bad("expected exactly length, piece length, pieces and release") }
        do {
            try PieceLength.validate(pieceLength)
        } catch {
            throw bad("\(error)")
        }
        let releaseID = try ObjectJSON.id(release, key: "release", in: .pieces)
        // Counted without `total + pieceLength - 1`, which a length near Int64.max would overflow.
        let pieceCount = total / pieceLength + (total % pieceLength == 0 ? 0 : 1)
        guard total > 0, Int64(hashes.count) == pieceCount * 20 else {
            throw bad("\(hashes.count / 20) hashes do not fit \(total) bytes in \(pieceLength)-byte pieces")
        }
        self.init(releaseID: releaseID, hashes: PieceHashes(pieceLength: pieceLength, totalLength: total, hashes: hashes))
    }
}
