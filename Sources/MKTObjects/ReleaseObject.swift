import Foundation
import MKTStore
import MKTTorrent

/// A `release` object: what a release folder holds, names and sizes (the
/// torrent's file list), and nothing about where or when it was scanned, so
/// that a touched or copied folder whose files are unchanged has the same id.
///
/// Format 2 body, canonical JSON:
/// `{"excluded":[…],"files":[{"path":…,"size":…}],"name":…,"single":…}`.
/// Format 1 bodies also held `root` and each file's `modified`, `changed`,
/// `inode` and `device`; they still decode, and that scan is `recordedScan`.
public struct ReleaseObject: Equatable, Sendable {
    public let tree: ReleaseTree
    /// Where and when a format-1 body says its folder was scanned; nil for a
    /// format-2 body, which holds content only.
    public let recordedScan: ReleaseScan?

    /// Parses and checks a `release` body of either format.
    public init(objectBody: Data) throws(ObjectFormatError) {
        func bad(_ reason: String) -> ObjectFormatError { ObjectFormatError(.release, reason) }
        let body = try ObjectJSON.decode(ReleaseBody.self, from: objectBody, object: .release)
        if let problem = TorrentFile.componentProblem(Array(body.name.utf8)) { throw bad("name: \(problem)") }
        guard !body.files.isEmpty else { throw bad("files: none") }
        for (index, file) in body.files.enumerated() {
            guard file.size >= 0 else { throw bad("files[\(index)]: negative size for \(file.path)") }
            for component in file.path.split(separator: "/", omittingEmptySubsequences: false) {
                if let problem = TorrentFile.componentProblem(Array(component.utf8)) { throw bad("files[\(index)]: path \(file.path): \(problem)") }
            }
            if body.root == nil && file.hasStatData {
                throw bad("files[\(index)]: stat data (\(file.path)) in a body without a root; format 2 holds names and sizes only")
            }
            if body.root != nil && file.stat == nil {
                throw bad("files[\(index)]: a format-1 body needs modified, changed, inode and device (\(file.path))")
            }
        }
        guard ReleaseTree.total(of: body.files.map(\.size)) != nil else {
            throw bad("files: the sizes add up to more than 1 PiB, the most a release holds")
        }
        if body.single && (body.files.count != 1 || !ReleaseTree.same(body.files[0].path, body.name)) {
            throw bad("single: a one-file release holds exactly one file, named as the release")
        }
        let tree = ReleaseTree(name: body.name, isSingleFile: body.single, files: body.files.map { .init(path: $0.path, size: $0.size) }, excluded: body.excluded)
        guard ReleaseTree.inStrictByteOrder(body.files.map(\.path)) else {
            throw bad("files: not in byte order of their paths, or a path repeats")
        }
        guard ReleaseTree.inStrictByteOrder(body.excluded) else {
            throw bad("excluded: not in byte order, or a path repeats")
        }
        self.tree = tree
        if let root = body.root {
            guard root.hasPrefix("/") else { throw bad("root: '\(root)' is not an absolute path") }
            recordedScan = ReleaseScan(tree: tree, root: root, stats: FileStats(body.files.compactMap { file in file.stat.map { (file.path, $0) } }))
        } else {
            recordedScan = nil
        }
    }
}

extension ReleaseTree {
    /// The format-2 `release` body: canonical JSON, content only.
    public func objectBody() -> Data {
        ObjectJSON.encode(ReleaseBody(name: name, single: isSingleFile, files: files.map { .init(path: $0.path, size: $0.size) }, excluded: excluded))
    }

    /// The tree of a `release` body of either format.
    public init(objectBody: Data) throws(ObjectFormatError) {
        self = try ReleaseObject(objectBody: objectBody).tree
    }
}

/// Both formats' layout; the format-1 keys are nil in a format-2 body.
private struct ReleaseBody: Codable {
    struct FileBody: Codable {
        let path: String
        let size: Int64
        var modified: Int64?
        var changed: Int64?
        var inode: UInt64?
        var device: UInt64?

        var stat: FileStat? {
            guard let modified, let changed, let inode, let device else { return nil }
            return FileStat(modified: modified, changed: changed, inode: inode, device: device)
        }

        var hasStatData: Bool { modified != nil || changed != nil || inode != nil || device != nil }
    }

    let name: String
    var root: String?
    let single: Bool
    let files: [FileBody]
    let excluded: [String]
}
