import MKTTorrent
import Testing

struct PieceLengthTests {
    static let cases: [(total: Int64, expected: Int64)] = [
        (1, 32 << 10),
        (64 << 20, 32 << 10),
        (100_000_000, 64 << 10),
        (400_000_000, 256 << 10),
        (539_311_293, 512 << 10),
        (4 << 30, 2 << 20),
        (8 << 30, 4 << 20),
        (40 << 30, 16 << 20),
        (1 << 50, 16 << 20),
    ]

    @Test(arguments: cases)
    func automaticRule(total: Int64, expected: Int64) {
        #expect(PieceLength.automatic(totalSize: total) == expected)
    }

    @Test func onlyPowersOfTwoInRange() throws {
        try PieceLength.validate(16 << 10)
        try PieceLength.validate(64 << 20)
        for bad: Int64 in [0, 8 << 10, 100_000, 128 << 20] {
            #expect(throws: TorrentError.badPieceLength(bad)) { try PieceLength.validate(bad) }
        }
    }
}
