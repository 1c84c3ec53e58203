import MKTTorrent

/// Entry points for fuzzing: each takes arbitrary bytes and must neither
/// trap nor break an invariant. `mkt-fuzz` runs them under libFuzzer, and
/// `swift test` replays the committed corpus through them.
public enum FuzzTargets {
    public static let all: [String: @Sendable ([UInt8]) -> Void] = ["bencode": bencode, "torrent": torrent]

    /// Whatever the strict decoder accepts must re-encode to the same bytes.
    public static func bencode(_ bytes: [UInt8]) {
        guard let value = try? BencodeDecoder().decode(bytes) else { return }
        let encoded = value.encoded()
        precondition(encoded == bytes, "accepted bencode did not round-trip")
    }

    /// A parsed torrent's paths are safe and its sizes agree with its pieces.
    public static func torrent(_ bytes: [UInt8]) {
        guard let torrent = try? TorrentFile.parse(bytes, label: "fuzz") else { return }
        for file in torrent.files {
            precondition(!file.path.isEmpty && file.path.allSatisfy { !$0.isEmpty && $0 != ".." && $0 != "." && !$0.contains("/") }, "unsafe path accepted")
        }
        let needed = (torrent.totalLength + torrent.pieceLength - 1) / torrent.pieceLength
        precondition(Int64(torrent.pieceCount) == needed, "piece count disagrees with the payload")
    }
}
