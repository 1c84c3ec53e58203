import Foundation
import MKTCrypto
import MKTTestSupport
import MKTTorrent
import Testing

/// Deterministic bytes for test files.
func pattern(_ count: Int, seed: Int) -> Data {
    Data((0..<count).map { UInt8(truncatingIfNeeded: ($0 &* 31) ^ ($0 >> 7) ^ seed) })
}

/// The textbook definition of BEP 3 piece hashes, to check the parallel hasher against.
func referenceHashes(_ contents: [Data], pieceLength: Int) -> [UInt8] {
    let payload = contents.reduce(Data(), +)
    return stride(from: 0, to: payload.count, by: pieceLength).flatMap {
        DigestAlgorithm.sha1.digest(payload[$0..<min($0 + pieceLength, payload.count)])
    }
}

struct ScannerAndHasherTests {
    @Test func scanOrdersByPathBytesAndLeavesOutJunk() throws {
        try withTemporaryDirectory { directory in
            let root = "\(directory)/Artist - Album"
            for path in ["CD1/01.flac", "CD1 - Bonus/01.flac", "a.txt", "a/x", "B.txt", "É.txt", ".DS_Store", "Thumbs.db", "old.torrent", "@eaDir/x", "CD1/.hidden"] {
                try writeFile("\(root)/\(path)", path)
            }
            let tree = try ReleaseScanner.scan(root + "/").tree
            #expect(tree.name == "Artist - Album")
            #expect(tree.files.map(\.path) == ["B.txt", "CD1 - Bonus/01.flac", "CD1/01.flac", "a.txt", "a/x", "É.txt"])
            #expect(tree.excluded == [".DS_Store", "@eaDir", "CD1/.hidden", "Thumbs.db", "old.torrent"])
            let everything = try ReleaseScanner.scan(root, options: ScanOptions(useDefaultExcludes: false, excludes: ["*.TXT"])).tree
            #expect(everything.files.map(\.path) == [
                ".DS_Store", "@eaDir/x", "CD1 - Bonus/01.flac", "CD1/.hidden", "CD1/01.flac", "Thumbs.db", "a/x", "old.torrent",
            ])
            #expect(everything.excluded == ["B.txt", "a.txt", "É.txt"])
        }
    }

    /// What a scan finds is content (the tree) and stat data: a touch changes only the latter.
    @Test func aTouchChangesTheStatDataNotTheTree() throws {
        try withTemporaryDirectory { directory in
            try writeFile("\(directory)/r/a.flac", "audio")
            let before = try ReleaseScanner.scan("\(directory)/r")
            #expect(before.root == "\(directory)/r" && before.stats.count == 1 && before.stats["a.flac"] != nil)
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(60)], ofItemAtPath: "\(directory)/r/a.flac")
            let after = try ReleaseScanner.scan("\(directory)/r")
            #expect(after.tree == before.tree)
            #expect(after.stats["a.flac"]?.modified != before.stats["a.flac"]?.modified)
            #expect(after.stats["a.flac"]?.inode == before.stats["a.flac"]?.inode)
        }
    }

    /// `é` as U+00E9 (NFC) and as e + U+0301 (NFD) are two names to the file
    /// system, though Swift's `==` calls them equal: two files, each its own stat data.
    @Test func canonicallyEquivalentNamesAreTwoFiles() throws {
        try withTemporaryDirectory { directory in
            let (composed, decomposed) = ("Caf\u{E9}.flac", "Cafe\u{301}.flac")
            try writeFile("\(directory)/r/\(composed)", "one")
            try writeFile("\(directory)/r/\(decomposed)", "other")
            let scan = try ReleaseScanner.scan("\(directory)/r")
            #expect(scan.tree.files.map { Array($0.path.utf8) } == [Array(decomposed.utf8), Array(composed.utf8)])
            #expect(scan.tree.files.map(\.size) == [5, 3])
            #expect(scan.stats.count == 2 && scan.stats[composed]?.inode != scan.stats[decomposed]?.inode)
            let hashes = try PieceHasher().hash(scan, pieceLength: 16384)
            #expect(hashes.hashes == referenceHashes([Data("other".utf8), Data("one".utf8)], pieceLength: 16384))
            let renamed = ReleaseTree(name: "r", isSingleFile: false, files: [.init(path: composed, size: 3)], excluded: [])
            #expect(renamed != ReleaseTree(name: "r", isSingleFile: false, files: [.init(path: decomposed, size: 3)], excluded: []))
        }
    }

    @Test func symlinksInsideAreFollowedAndOutsideRefused() throws {
        try withTemporaryDirectory { directory in
            let root = "\(directory)/release"
            try writeFile("\(root)/real/track.flac", "audio")
            try writeFile("\(directory)/secret.txt", "outside")
            try FileManager.default.createSymbolicLink(atPath: "\(root)/link.flac", withDestinationPath: "real/track.flac")
            let tree = try ReleaseScanner.scan(root).tree
            #expect(tree.files.map(\.path) == ["link.flac", "real/track.flac"])
            try FileManager.default.createSymbolicLink(atPath: "\(root)/escape", withDestinationPath: "../secret.txt")
            #expect(throws: TorrentError.symlinkOutside(path: "\(root)/escape", target: "\(directory)/secret.txt")) {
                try ReleaseScanner.scan(root)
            }
            try FileManager.default.removeItem(atPath: "\(root)/escape")
            try FileManager.default.createSymbolicLink(atPath: "\(root)/real/loop", withDestinationPath: "..")
            #expect(throws: TorrentError.symlinkLoop(path: "\(root)/real/loop")) { try ReleaseScanner.scan(root) }
        }
    }

    @Test func specialFilesAndBadNamesAreRefused() throws {
        try withTemporaryDirectory { directory in
            let root = "\(directory)/release"
            try writeFile("\(root)/track.flac", "audio")
            #expect(mkfifo("\(root)/pipe", 0o644) == 0)
            #expect(throws: TorrentError.unsupportedFileType(path: "\(root)/pipe", kind: "FIFO")) { try ReleaseScanner.scan(root) }
            unlink("\(root)/pipe")
            // A Latin-1 'é', which is not UTF-8.
            let badName = Array("\(root)/caf".utf8) + [0xe9, 0]
            let fd = badName.withUnsafeBufferPointer { open(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), O_CREAT | O_WRONLY, 0o644) }
            close(fd)
            #expect(throws: TorrentError.notUTF8Name(directory: root, escapedName: "caf\\xe9")) { try ReleaseScanner.scan(root) }
            try withTemporaryDirectory { empty in
                try writeFile("\(empty)/only-empty", "")
                #expect(throws: TorrentError.emptyRelease(path: empty)) { try ReleaseScanner.scan(empty) }
            }
        }
    }

    /// Files sized around the piece length: smaller than a piece, empty, ending exactly on a boundary, spanning several.
    @Test(arguments: [1, 2, 3, 8])
    func parallelHashesEqualTheReference(workers: Int) throws {
        try withTemporaryDirectory { directory in
            let piece = 16384
            let sizes = [100, 0, piece - 100, piece, 3 * piece + 5, 0, 1, 2 * piece - 1, 7]
            var contents: [Data] = []
            for (index, size) in sizes.enumerated() {
                let data = pattern(size, seed: index)
                contents.append(data)
                try data.write(to: URL(fileURLWithPath: "\(directory)/f\(index)"))
            }
            let scan = try ReleaseScanner.scan(directory)
            #expect(scan.tree.files.map(\.path) == sizes.indices.map { "f\($0)" })
            for readSize in [4096, 5000, 1 << 20] {
                let hasher = PieceHasher(workerCount: workers, readSize: readSize)
                let hashes = try hasher.hash(scan, pieceLength: Int64(piece))
                #expect(hashes.hashes == referenceHashes(contents, pieceLength: piece), "workers \(workers), read size \(readSize)")
                #expect(hashes.totalLength == Int64(sizes.reduce(0, +)))
            }
        }
    }

    @Test func aFileChangedAfterTheScanIsReported() throws {
        try withTemporaryDirectory { directory in
            try pattern(50_000, seed: 1).write(to: URL(fileURLWithPath: "\(directory)/a.flac"))
            let scan = try ReleaseScanner.scan(directory)
            try pattern(50_000, seed: 2).write(to: URL(fileURLWithPath: "\(directory)/a.flac"))
            #expect(throws: TorrentError.changedWhileHashing(path: "\(directory)/a.flac")) {
                try PieceHasher().hash(scan, pieceLength: 16384)
            }
            try pattern(40_000, seed: 2).write(to: URL(fileURLWithPath: "\(directory)/a.flac"))
            #expect(throws: TorrentError.changedWhileHashing(path: "\(directory)/a.flac")) {
                try PieceHasher().hash(scan.tree, root: scan.root, pieceLength: 16384)
            }
        }
    }

    @Test func verifyNamesTheDamagedFileAndPiece() throws {
        try withTemporaryDirectory { directory in
            for index in 0..<4 { try pattern(40_000, seed: index).write(to: URL(fileURLWithPath: "\(directory)/t\(index).flac")) }
            let scan = try ReleaseScanner.scan(directory)
            let tree = scan.tree
            let hashes = try PieceHasher().hash(scan, pieceLength: 16384)
            #expect(try ReleaseVerifier.verify(tree, pieces: hashes, root: directory, hasher: PieceHasher()).problems.isEmpty)
            let handle = try FileHandle(forUpdating: URL(fileURLWithPath: "\(directory)/t2.flac"))
            try handle.seek(toOffset: 30_000)
            try handle.write(contentsOf: Data([0xff]))
            try handle.close()
            let report = try ReleaseVerifier.verify(tree, pieces: hashes, root: directory, hasher: PieceHasher())
            // Byte 30,000 of t2 is byte 110,000 of the payload: piece 6 of 16 KiB pieces.
            #expect(report.problems == [.corrupt(path: "t2.flac", piece: 6)])
            #expect(report.badPieces == [6])
            try FileManager.default.removeItem(atPath: "\(directory)/t3.flac")
            #expect(try ReleaseVerifier.verify(tree, pieces: hashes, root: directory, hasher: PieceHasher()).problems == [.missing(path: "t3.flac")])
        }
    }
}

struct TorrentTemplateTests {
    @Test(arguments: [false, true])
    func templateBytesEqualTheCanonicalEncoding(singleFile: Bool) throws {
        try withTemporaryDirectory { directory in
            let root = singleFile ? "\(directory)/one.flac" : "\(directory)/album"
            if singleFile {
                try pattern(70_000, seed: 9).write(to: URL(fileURLWithPath: root))
            } else {
                for index in 0..<5 { try writeFile("\(root)/CD\(index % 2)/\(index).flac", String(repeating: "x", count: 9000 * index)) }
            }
            let scan = try ReleaseScanner.scan(root)
            let tree = scan.tree
            let pieces = try PieceHasher().hash(scan, pieceLength: 16384)
            let template = TorrentTemplate(tree: tree, pieces: pieces)
            let cases = [
                TorrentOptions(),
                TorrentOptions(source: "RED"),
                TorrentOptions(source: "OPS", isPrivate: false, comment: "c", createdBy: nil, creationDate: 1_700_000_000),
            ]
            for options in cases {
                let info = TorrentBuilder.info(tree: tree, pieces: pieces, source: options.source, isPrivate: options.isPrivate)
                var expected = BencodeDictionary()
                expected["info"] = .dictionary(info)
                expected["announce"] = .string("https://t.example/announce")
                if let comment = options.comment { expected["comment"] = .string(comment) }
                if let createdBy = options.createdBy { expected["created by"] = .string(createdBy) }
                if let date = options.creationDate { expected["creation date"] = .integer(date) }
                #expect(template.torrent(options: options, announce: "https://t.example/announce") == Bencode.dictionary(expected).encoded())
                #expect(template.infoHash(source: options.source, isPrivate: options.isPrivate) == TorrentBuilder.infoHash(info))
            }
        }
    }
}
