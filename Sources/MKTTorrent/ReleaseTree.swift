import Foundation

/// The files of a release as found on disk: what the `release` object records.
/// Paths are relative to the release root, '/'-separated, exactly as the
/// file system spells them (no Unicode normalisation: clients must find them).
public struct ReleaseTree: Equatable, Sendable {
    public struct File: Equatable, Sendable {
        public let path: String
        public let size: Int64
        /// Change detection without reading: modification and status-change
        /// times (nanoseconds since 1970), inode and device.
        public let modified: Int64
        public let changed: Int64
        public let inode: UInt64
        public let device: UInt64

        public init(path: String, size: Int64, modified: Int64, changed: Int64, inode: UInt64, device: UInt64) {
            self.path = path
            self.size = size
            self.modified = modified
            self.changed = changed
            self.inode = inode
            self.device = device
        }

        /// The path split into components, as a torrent lists it.
        public var components: [String] { path.split(separator: "/").map(String.init) }
    }

    /// The torrent's `name`: the folder's (or single file's) own name.
    public let name: String
    /// Where the release was when it was scanned (absolute). A hint for
    /// `verify` and seeding; the data may move later.
    public let root: String
    /// True when the release is one file rather than a folder.
    public let isSingleFile: Bool
    /// Sorted by the bytes of the relative path, as mktorrent sorts (`strcmp`).
    public let files: [File]
    /// Paths left out by the exclusion rules, sorted, for the record.
    public let excluded: [String]

    public init(name: String, root: String, isSingleFile: Bool, files: [File], excluded: [String]) {
        self.name = name
        self.root = root
        self.isSingleFile = isSingleFile
        self.files = files.sorted { Self.precedes($0.path, $1.path) }
        self.excluded = excluded.sorted(by: Self.precedes)
    }

    public var totalSize: Int64 { files.reduce(0) { $0 + $1.size } }

    /// Absolute path of a file when the release lives at `root`.
    public func location(of file: File, root: String? = nil) -> String {
        isSingleFile ? (root ?? self.root) : "\(root ?? self.root)/\(file.path)"
    }

    /// Byte order of UTF-8, which is what C's strcmp gives and Swift's `<` does not.
    public static func precedes(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }
}
