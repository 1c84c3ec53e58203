import MKTCrypto

/// A release's torrent with the tracker-specific parts left open, so that
/// torrents for many trackers cost one encoding of the file list.
///
/// Canonical bencode sorts keys, and every key that differs between
/// trackers sorts after `pieces` in `info` (`private`, `source`) or before
/// `info` at the top (`announce`, `comment`, `created by`, `creation date`).
/// So the middle, `files`/`length`, `name`, `piece length`, `pieces`, is
/// encoded once, and each torrent is that run of bytes with a few short
/// entries around it: the same bytes `TorrentBuilder.info` would encode to.
public struct TorrentTemplate: Sendable {
    /// The encoded key/value pairs of `info` up to and including `pieces`.
    private let sharedInfoEntries: [UInt8]

    public init(tree: ReleaseTree, pieces: PieceHashes) {
        var shared = TorrentBuilder.info(tree: tree, pieces: pieces, source: nil, isPrivate: false)
        shared["private"] = nil
        var bytes = Bencode.dictionary(shared).encoded()
        bytes.removeFirst()
        bytes.removeLast()
        sharedInfoEntries = bytes
    }

    /// The bencoded `info` dictionary for these flags.
    public func info(source: String?, isPrivate: Bool) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "d")]
        out.reserveCapacity(sharedInfoEntries.count + 64)
        out += sharedInfoEntries
        if isPrivate { append("private", .integer(1), to: &out) }
        if let source { append("source", .string(source), to: &out) }
        out.append(UInt8(ascii: "e"))
        return out
    }

    public func infoHash(source: String?, isPrivate: Bool) -> [UInt8] {
        DigestAlgorithm.sha1.digest(info(source: source, isPrivate: isPrivate))
    }

    /// The whole .torrent; `announce` only for bytes that leave mkt.
    public func torrent(options: TorrentOptions, announce: String? = nil) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "d")]
        if let announce { append("announce", .string(announce), to: &out) }
        if let comment = options.comment { append("comment", .string(comment), to: &out) }
        if let createdBy = options.createdBy { append("created by", .string(createdBy), to: &out) }
        if let date = options.creationDate { append("creation date", .integer(date), to: &out) }
        Bencode.string("info").encode(into: &out)
        out += info(source: options.source, isPrivate: options.isPrivate)
        out.append(UInt8(ascii: "e"))
        return out
    }

    private func append(_ key: String, _ value: Bencode, to out: inout [UInt8]) {
        Bencode.string(key).encode(into: &out)
        value.encode(into: &out)
    }
}
