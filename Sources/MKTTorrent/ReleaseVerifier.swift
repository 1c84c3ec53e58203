import Foundation

/// What re-reading a release's data against its piece hashes found.
public struct VerifyReport: Equatable, Sendable {
    public enum Problem: Equatable, Sendable, CustomStringConvertible {
        case missing(path: String)
        case wrongSize(path: String, expected: Int64, found: Int64)
        /// The file's data does not match; `piece` is the first bad piece it is part of.
        case corrupt(path: String, piece: Int)

        public var description: String {
            switch self {
            case .missing(let path): "\(path): missing"
            case .wrongSize(let path, let expected, let found): "\(path): size is \(found) bytes, expected \(expected)"
            case .corrupt(let path, let piece): "\(path): data does not match (first bad piece \(piece))"
            }
        }
    }

    public var problems: [Problem] = []
    public var badPieces: [Int] = []
    public var pieceCount = 0
    public var fileCount = 0
}

/// Re-hashes a release's files, wherever they are now, against stored hashes.
public enum ReleaseVerifier {
    public static func verify(_ tree: ReleaseTree, pieces: PieceHashes, root: String, hasher: PieceHasher) throws(TorrentError) -> VerifyReport {
        var report = VerifyReport()
        report.pieceCount = pieces.count
        report.fileCount = tree.files.count
        for file in tree.files {
            var info = stat()
            let location = tree.location(of: file, root: root)
            if stat(location, &info) != 0 {
                report.problems.append(.missing(path: file.path))
            } else if Int64(info.st_size) != file.size {
                report.problems.append(.wrongSize(path: file.path, expected: file.size, found: Int64(info.st_size)))
            }
        }
        // Sizes decide where every piece falls; with one wrong, hashing proves nothing more.
        guard report.problems.isEmpty else { return report }
        let actual = try hasher.hash(tree, root: root, pieceLength: pieces.pieceLength)
        // Stored hashes for more pieces than the data has (a hand-made object) are bad, not out of range.
        report.badPieces = (0..<pieces.count).filter { $0 >= actual.count || actual.hash(ofPiece: $0) != pieces.hash(ofPiece: $0) }
        for (file, offset) in zip(tree.files, tree.offsets) where file.size > 0 {
            let end = offset.addingReportingOverflow(file.size).partialValue
            let first = Int(offset / pieces.pieceLength)
            let last = Int((end - 1) / pieces.pieceLength)
            if let bad = report.badPieces.first(where: { (first...last).contains($0) }) {
                report.problems.append(.corrupt(path: file.path, piece: bad))
            }
        }
        return report
    }
}
