import MKTCrypto

/// The parts of a torrent outside the piece hashes.
public struct TorrentOptions: Equatable, Sendable {
    /// `info.source`: the tracker's flag; it changes the infohash on purpose.
    public var source: String?
    public var isPrivate = true
    public var comment: String?
    /// `created by`, outside `info`.
    public var createdBy: String? = "mkt"
    /// `creation date` (Unix seconds), outside `info`; off by default so the
    /// same release always gives the same bytes.
    public var creationDate: Int64?

    public init(source: String? = nil, isPrivate: Bool = true, comment: String? = nil, createdBy: String? = "mkt", creationDate: Int64? = nil) {
        self.source = source
        self.isPrivate = isPrivate
        self.comment = comment
        self.createdBy = createdBy
        self.creationDate = creationDate
    }
}

/// The v1 `info` dictionary (BEP 3) of a scan and its piece hashes: the
/// definition `TorrentTemplate` encodes quickly, built without re-reading data.
public enum TorrentBuilder {
    public static func info(tree: ReleaseTree, pieces: PieceHashes, source: String?, isPrivate: Bool) -> BencodeDictionary {
        var info = BencodeDictionary()
        info["name"] = .string(tree.name)
        info["piece length"] = .integer(pieces.pieceLength)
        info["pieces"] = .bytes(pieces.hashes)
        if tree.isSingleFile {
            info["length"] = .integer(tree.totalSize)
        } else {
            info["files"] = .list(tree.files.map { file in
                .dictionary(["length": .integer(file.size), "path": .list(file.components.map(Bencode.string))])
            })
        }
        if isPrivate { info["private"] = .integer(1) }
        if let source { info["source"] = .string(source) }
        return info
    }

    /// The same torrent with `announce` set; the infohash does not change.
    public static func withAnnounce(_ torrent: BencodeDictionary, announce: String) -> BencodeDictionary {
        var copy = torrent
        copy["announce"] = .string(announce)
        return copy
    }

    /// SHA-1 of the bencoded `info`: the v1 infohash.
    public static func infoHash(_ info: BencodeDictionary) -> [UInt8] {
        DigestAlgorithm.sha1.digest(Bencode.dictionary(info).encoded())
    }
}
