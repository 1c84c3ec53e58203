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

    /// The most a release holds, as the most a torrent may (1 PiB): past it
    /// a size is crafted or broken, and piece arithmetic nears Int64's end.
    /// The scanner and the `release` codec refuse more, so every tree in mkt
    /// fits; `totalSize` stops at Int64.max all the same rather than trap.
    public static let maximumTotalSize: Int64 = 1 << 50

    public var totalSize: Int64 { Self.total(of: files.map(\.size)) ?? .max }

    /// Where each file starts in the payload (the files end to end, in
    /// torrent order). Checked sums, which stop at Int64.max, though a
    /// tree's sizes add up to at most `maximumTotalSize`.
    public var offsets: [Int64] {
        var offsets: [Int64] = []
        var next: Int64 = 0
        for file in files {
            offsets.append(next)
            let (sum, overflow) = next.addingReportingOverflow(file.size)
            next = overflow ? .max : sum
        }
        return offsets
    }

    /// The sum of `sizes`, or nil when one is negative or the sum passes `maximumTotalSize`.
    public static func total(of sizes: [Int64]) -> Int64? {
        var total: Int64 = 0
        for size in sizes {
            let (sum, overflow) = total.addingReportingOverflow(size)
            guard size >= 0, !overflow, sum <= maximumTotalSize else { return nil }
            total = sum
        }
        return total
    }

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
    /// Files whose data on disk is far less than their size (holes, as
    /// `truncate -s 1T` makes): in a release that is almost always a mistake,
    /// and hashing reads every byte of the holes all the same.
    public let sparse: [String]

    public init(tree: ReleaseTree, root: String, stats: FileStats, sparse: [String] = []) {
        self.tree = tree
        self.root = root
        self.stats = stats
        self.sparse = sparse
    }

    /// At least 16 MiB of a file's size has no block on disk, and the blocks
    /// hold less than half of it (`st_blocks` counts 512-byte units).
    public static func isSparse(size: Int64, blocks: Int64) -> Bool {
        let allocated = blocks.multipliedReportingOverflow(by: 512)
        guard !allocated.overflow, allocated.partialValue < size else { return false }
        return size - allocated.partialValue >= 16 << 20 && allocated.partialValue < size / 2
    }

    public func location(of file: ReleaseTree.File) -> String { tree.location(of: file, root: root) }
}
