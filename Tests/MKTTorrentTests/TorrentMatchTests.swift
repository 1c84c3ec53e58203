import Foundation
import MKTTestSupport
import MKTTorrent
import Testing

/// Cross-seeding's check: another tool's torrent against a release's files.
struct TorrentMatchTests {
    /// Four files of 40,000 bytes, scanned and hashed at 16 KiB.
    static func release(in directory: String) throws -> (scan: ReleaseScan, hashes: PieceHashes) {
        for index in 0..<4 { try pattern(40_000, seed: index).write(to: URL(fileURLWithPath: "\(directory)/r/t\(index).flac")) }
        let scan = try ReleaseScanner.scan("\(directory)/r")
        return (scan, try PieceHasher().hash(scan, pieceLength: 16384))
    }

    /// A torrent of `tree` with `pieces`, source OTHER, as another tool makes it.
    static func torrent(_ tree: ReleaseTree, _ pieces: PieceHashes, files: [(String, Int64)]? = nil) throws -> TorrentFile {
        var info = TorrentBuilder.info(tree: tree, pieces: pieces, source: "OTHER", isPrivate: true)
        if let files {
            info["files"] = .list(files.map { .dictionary(["length": .integer($0.1), "path": .list($0.0.split(separator: "/").map { .string(String($0)) })]) })
        }
        return try TorrentFile.parse(Bencode.dictionary(["info": .dictionary(info)]).encoded(), label: "other.torrent")
    }

    @Test func theSamePieceLengthComparesStoredHashesWithoutReading() throws {
        try withTemporaryDirectory { directory in
            try FileManager.default.createDirectory(atPath: "\(directory)/r", withIntermediateDirectories: true)
            let (scan, hashes) = try Self.release(in: directory)
            let theirs = try Self.torrent(scan.tree, hashes)
            let never: (Int64) throws -> PieceHashes = { _ in Issue.record("read the files"); return hashes }
            #expect(try TorrentMatch.compare(theirs, with: scan.tree, pieces: hashes, rehash: never) == .matches(readData: false))

            // The store's hashes of a release whose t2.flac has one byte changed: piece 6 differs, and says which file.
            var changed = hashes.hashes
            changed[6 * 20] ^= 0xff
            let stored = PieceHashes(pieceLength: hashes.pieceLength, totalLength: hashes.totalLength, hashes: changed)
            let differs = try TorrentMatch.compare(theirs, with: scan.tree, pieces: stored, rehash: never)
            #expect(differs == .differs(piece: 6, files: ["t2.flac"]))
            #expect("\(differs)" == "t2.flac differs (piece 6 does not match)")
        }
    }

    @Test func anotherPieceLengthReadsTheFilesAtThatLength() throws {
        try withTemporaryDirectory { directory in
            try FileManager.default.createDirectory(atPath: "\(directory)/r", withIntermediateDirectories: true)
            let (scan, hashes) = try Self.release(in: directory)
            let atTheirs = try PieceHasher().hash(scan, pieceLength: 32768)
            let theirs = try Self.torrent(scan.tree, atTheirs)
            var lengths: [Int64] = []
            let rehash: (Int64) throws -> PieceHashes = { length in
                lengths.append(length)
                return try PieceHasher().hash(scan.tree, root: scan.root, pieceLength: length)
            }
            #expect(try TorrentMatch.compare(theirs, with: scan.tree, pieces: hashes, rehash: rehash) == .matches(readData: true))
            #expect(lengths == [32768])

            // One byte changed on disk at 40,000 + 39,999 (the last of t1): piece 2 of 32 KiB, which covers t1 and t2.
            let handle = try FileHandle(forUpdating: URL(fileURLWithPath: "\(directory)/r/t1.flac"))
            try handle.seek(toOffset: 39_999)
            try handle.write(contentsOf: Data([0x00]))
            try handle.close()
            let differs = try TorrentMatch.compare(theirs, with: scan.tree, pieces: hashes, rehash: rehash)
            #expect(differs == .differs(piece: 2, files: ["t1.flac", "t2.flac"]))
            #expect("\(differs)" == "t1.flac, t2.flac differ (piece 2 does not match)")
        }
    }

    @Test func anotherLayoutIsRefusedWithoutComparingPieces() throws {
        try withTemporaryDirectory { directory in
            try FileManager.default.createDirectory(atPath: "\(directory)/r", withIntermediateDirectories: true)
            let (scan, hashes) = try Self.release(in: directory)
            let never: (Int64) throws -> PieceHashes = { _ in Issue.record("read the files"); return hashes }
            let names = scan.tree.files.map(\.path)
            func compare(_ files: [(String, Int64)]) throws -> TorrentMatch {
                try TorrentMatch.compare(Self.torrent(scan.tree, hashes, files: files), with: scan.tree, pieces: hashes, rehash: never)
            }
            #expect(try compare(names.map { ($0, $0 == "t3.flac" ? 39_999 : 40_000) } + [("pad", 1)])
                == .otherLayout("t3.flac is 39999 bytes in the torrent, 40000 here"))
            #expect(try compare([names[1], names[0], names[2], names[3]].map { ($0, 40_000) })
                == .otherLayout("the torrent lists the files in another order (t1.flac where the release has t0.flac)"))
            #expect(try compare(names.dropLast().map { ($0, 40_000) } + [("t3.flac", 20_000), ("cover.jpg", 20_000)])
                == .otherLayout("t3.flac is 20000 bytes in the torrent, 40000 here"))
            #expect(try compare(names.dropLast().map { ($0, 40_000) } + [("extra.flac", 40_000)])
                == .otherLayout("the torrent has extra.flac, which the release has not"))
            #expect(try compare(names.dropLast().map { ($0, 40_000) } + [("t3.flac", 40_000), ("cover.jpg", 0)])
                == .otherLayout("the torrent has cover.jpg, which the release has not"))
        }
    }

    @Test func aPieceIsMappedToEveryFileItCovers() {
        let tree = ReleaseTree(name: "r", isSingleFile: false, files: [
            ReleaseTree.File(path: "a", size: 10), ReleaseTree.File(path: "b", size: 0), ReleaseTree.File(path: "c", size: 5), ReleaseTree.File(path: "d", size: 20),
        ], excluded: [])
        #expect(TorrentMatch.files(of: tree, coveredBy: 0, pieceLength: 8) == ["a"])
        #expect(TorrentMatch.files(of: tree, coveredBy: 1, pieceLength: 8) == ["a", "c", "d"])
        #expect(TorrentMatch.files(of: tree, coveredBy: 4, pieceLength: 8) == ["d"])
    }
}
