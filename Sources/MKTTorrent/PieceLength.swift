/// Piece lengths: the automatic choice and the allowed range.
///
/// The rule: the smallest power of two from 32 KiB to 16 MiB that keeps the
/// torrent at 2048 pieces or fewer. That gives 256 KiB for a 400 MB album,
/// 512 KiB for a 540 MB one, 2 MiB for 4 GiB and 16 MiB past 32 GiB, and
/// keeps the piece list (20 bytes a piece) under 40 KiB for anything up to
/// 32 GiB. See Documentation/torrents.md for how it compares with
/// mktorrent, qBittorrent and the trackers.
public enum PieceLength {
    public static let minimum: Int64 = 16 << 10
    public static let maximum: Int64 = 64 << 20
    public static let automaticMinimum: Int64 = 32 << 10
    public static let automaticMaximum: Int64 = 16 << 20
    public static let targetPieceCount: Int64 = 2048

    public static func automatic(totalSize: Int64) -> Int64 {
        var length = automaticMinimum
        while length < automaticMaximum && Int64(PieceHashes.pieceCount(totalLength: totalSize, pieceLength: length)) > targetPieceCount {
            length *= 2
        }
        return length
    }

    /// A power of two from 16 KiB (BEP 52's minimum) to 64 MiB.
    public static func validate(_ length: Int64) throws(TorrentError) {
        guard length >= minimum, length <= maximum, length & (length - 1) == 0 else { throw .badPieceLength(length) }
    }
}
