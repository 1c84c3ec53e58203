import Foundation

/// Whether a torrent made elsewhere (a site's copy, another tool's) holds
/// exactly a release's files, piece by piece: what cross-seeding must know
/// before it hands that torrent to a client.
public enum TorrentMatch: Equatable, Sendable, CustomStringConvertible {
    /// Every piece matches. `readData`: the files were hashed again at the
    /// torrent's piece length (false: the stored hashes sufficed).
    case matches(readData: Bool)
    /// The torrent lists other files (names, sizes, order) than the release: no piece can be compared.
    case otherLayout(String)
    /// `piece` is the first that differs; `files` the release files it covers.
    case differs(piece: Int, files: [String])

    public var isMatch: Bool { if case .matches = self { true } else { false } }

    public var description: String {
        switch self {
        case .matches(let readData): readData ? "every piece matches (files read at the torrent's piece length)" : "every piece matches"
        case .otherLayout(let why): why
        case .differs(let piece, let files):
            "\(files.joined(separator: ", ")) \(files.count == 1 ? "differs" : "differ") (piece \(piece) does not match)"
        }
    }

    /// Compares `torrent` with the release `tree` whose stored hashes are
    /// `pieces`. When the torrent's piece length is the store's, the hashes
    /// are compared as they are and no byte is read; otherwise `rehash`
    /// reads the files at the torrent's piece length.
    public static func compare(
        _ torrent: TorrentFile, with tree: ReleaseTree, pieces: PieceHashes,
        rehash: (_ pieceLength: Int64) throws -> PieceHashes
    ) rethrows -> TorrentMatch {
        if let why = layoutDifference(torrent, tree) { return .otherLayout(why) }
        let theirs = torrent.info["pieces"]?.bytesValue ?? []
        let readData = torrent.pieceLength != pieces.pieceLength
        let ours = readData ? try rehash(torrent.pieceLength) : pieces
        guard ours.pieceLength == torrent.pieceLength, ours.hashes.count == theirs.count else {
            return .otherLayout("the torrent has \(theirs.count / 20) pieces where the release has \(ours.count)")
        }
        for piece in 0..<ours.count where !ours.hash(ofPiece: piece).elementsEqual(theirs[(piece * 20)..<(piece * 20 + 20)]) {
            return .differs(piece: piece, files: files(of: tree, coveredBy: piece, pieceLength: torrent.pieceLength))
        }
        return .matches(readData: readData)
    }

    /// Why the torrent's files are not the release's, or nil when they are
    /// the same names, sizes and order (which decides where each piece falls).
    static func layoutDifference(_ torrent: TorrentFile, _ tree: ReleaseTree) -> String? {
        guard ReleaseTree.same(torrent.name, tree.name) else { return "the torrent is named '\(torrent.name)', the release '\(tree.name)'" }
        guard torrent.isSingleFile == tree.isSingleFile else {
            return torrent.isSingleFile ? "the torrent is one file, the release a folder" : "the torrent is a folder, the release one file"
        }
        if let pad = torrent.files.first(where: \.isPadding) {
            return "the torrent has padding files (\(pad.path.joined(separator: "/"))), which the release has not"
        }
        let theirs = torrent.files.map { (path: torrent.isSingleFile ? tree.name : $0.path.joined(separator: "/"), size: $0.length) }
        let ours = tree.files.map { (path: tree.isSingleFile ? tree.name : $0.path, size: $0.size) }
        for (index, file) in theirs.enumerated() {
            guard index < ours.count else { return "the torrent has \(file.path), which the release has not" }
            let mine = ours[index]
            if !ReleaseTree.same(file.path, mine.path) {
                return ours.contains(where: { ReleaseTree.same($0.path, file.path) })
                    ? "the torrent lists the files in another order (\(file.path) where the release has \(mine.path))"
                    : "the torrent has \(file.path), which the release has not"
            }
            if file.size != mine.size { return "\(file.path) is \(file.size) bytes in the torrent, \(mine.size) here" }
        }
        if ours.count > theirs.count { return "the release has \(ours[theirs.count].path), which the torrent has not" }
        return nil
    }

    /// The files (by path; empty ones hold no byte) whose data lies in `piece`.
    public static func files(of tree: ReleaseTree, coveredBy piece: Int, pieceLength: Int64) -> [String] {
        let (start, overflow) = Int64(piece).multipliedReportingOverflow(by: pieceLength)
        guard !overflow else { return [] }
        let end = start.addingReportingOverflow(pieceLength).partialValue
        var covered: [String] = []
        for (file, offset) in zip(tree.files, tree.offsets) {
            let fileEnd = offset.addingReportingOverflow(file.size)
            let reaches = fileEnd.overflow || fileEnd.partialValue > start
            if file.size > 0, offset < end, reaches { covered.append(tree.isSingleFile ? tree.name : file.path) }
        }
        return covered
    }
}
