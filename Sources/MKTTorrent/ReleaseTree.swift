import Foundation

/// The files of a release: what the `release` object records and a torrent's
/// file list holds, content only. Paths are relative to the release root,
/// '/'-separated, exactly as the file system spells them (no Unicode
/// normalisation: clients must find them). Where the folder is, and the stat
/// data that tells whether it changed, are a scan's (`ReleaseScan`), not the
/// tree's: an unchanged folder copied or touched has the same tree.
public struct ReleaseTree: Equatable, Sendable {
    public struct File: Equatable, Sendable {
        public let path: String
        public let size: Int64

        public init(path: String, size: Int64) {
            self.path = path
            self.size = size
        }

        /// The path split into components, as a torrent lists it.
        public var components: [String] { path.split(separator: "/").map(String.init) }

        /// By bytes: `Café` in NFC and in NFD are two files to the file system.
        public static func == (lhs: File, rhs: File) -> Bool {
            lhs.size == rhs.size && ReleaseTree.same(lhs.path, rhs.path)
        }
    }

    /// The torrent's `name`: the folder's (or single file's) own name.
    public let name: String
    /// True when the release is one file rather than a folder.
    public let isSingleFile: Bool
    /// Sorted by the bytes of the relative path, as mktorrent sorts (`strcmp`).
    public let files: [File]
    /// Paths left out by the exclusion rules, sorted, for the record.
    public let excluded: [String]

    public init(name: String, isSingleFile: Bool, files: [File], excluded: [String]) {
        self.name = name
        self.isSingleFile = isSingleFile
        self.files = files.sorted { Self.precedes($0.path, $1.path) }
        self.excluded = excluded.sorted(by: Self.precedes)
    }

    public var totalSize: Int64 { files.reduce(0) { $0 + $1.size } }

    /// Absolute path of a file when the release lives at `root`.
    public func location(of file: File, root: String) -> String {
        isSingleFile ? root : "\(root)/\(file.path)"
    }

    /// Byte order of UTF-8, which is what C's strcmp gives and Swift's `<` does not.
    public static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }

    /// Byte equality of UTF-8. Swift's `==` calls canonically equivalent
    /// spellings (`é` as U+00E9 and as e + U+0301) equal; file names are bytes.
    public static func same(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.elementsEqual(rhs.utf8)
    }

    /// True when `paths` is in strict byte order: sorted, and no path repeats.
    public static func inStrictByteOrder(_ paths: [String]) -> Bool {
        zip(paths, paths.dropFirst()).allSatisfy { precedes($0, $1) }
    }

    public static func == (lhs: ReleaseTree, rhs: ReleaseTree) -> Bool {
        same(lhs.name, rhs.name) && lhs.isSingleFile == rhs.isSingleFile && lhs.files == rhs.files
            && lhs.excluded.count == rhs.excluded.count && zip(lhs.excluded, rhs.excluded).allSatisfy { same($0, $1) }
    }
}

/// Each file's stat data by relative path, keyed by the path's bytes (a
/// `[String: …]` would merge NFC and NFD spellings of one name into one entry).
public struct FileStats: Equatable, Sendable {
    private var byPath: [[UInt8]: FileStat] = [:]

    public init(_ entries: [(path: String, stat: FileStat)] = []) {
        for entry in entries { self[entry.path] = entry.stat }
    }

    public subscript(path: String) -> FileStat? {
        get { byPath[Array(path.utf8)] }
        set { byPath[Array(path.utf8)] = newValue }
    }

    public var count: Int { byPath.count }
}

/// What stat(2) said of a file when it was scanned: enough to tell, without
/// reading it, that it has not changed since (git's index keeps the same).
public struct FileStat: Equatable, Sendable {
    /// Modification and status-change times, nanoseconds since 1970.
    public let modified: Int64
    public let changed: Int64
    public let inode: UInt64
    public let device: UInt64

    public init(modified: Int64, changed: Int64, inode: UInt64, device: UInt64) {
        self.modified = modified
        self.changed = changed
        self.inode = inode
        self.device = device
    }
}

/// A release folder as one scan found it: its tree, where it is, and each
/// file's stat data (by relative path).
public struct ReleaseScan: Equatable, Sendable {
    public let tree: ReleaseTree
    /// The folder (or single file), absolute and with links resolved.
    public let root: String
    public let stats: FileStats

    public init(tree: ReleaseTree, root: String, stats: FileStats) {
        self.tree = tree
        self.root = root
        self.stats = stats
    }

    public func location(of file: ReleaseTree.File) -> String { tree.location(of: file, root: root) }
}
