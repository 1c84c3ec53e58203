import Foundation

/// glibc's FNM_CASEFOLD, a GNU extension the Glibc module does not export.
private let caseFold: Int32 = 1 << 4

/// Which files a release scan leaves out.
public struct ScanOptions: Equatable, Sendable {
    /// Names left out unless `useDefaultExcludes` is off: dot-files (.DS_Store,
    /// .AppleDouble, …), Windows and Synology metadata, and torrent files.
    public static let defaultExcludes = [".*", "Thumbs.db", "desktop.ini", "@eaDir", "*.torrent"]

    public var useDefaultExcludes = true
    /// More shell globs, matched case-insensitively against each file or folder name.
    public var excludes: [String] = []

    public init(useDefaultExcludes: Bool = true, excludes: [String] = []) {
        self.useDefaultExcludes = useDefaultExcludes
        self.excludes = excludes
    }

    var patterns: [String] { (useDefaultExcludes ? Self.defaultExcludes : []) + excludes }

    func excludes(_ name: String) -> Bool {
        patterns.contains { fnmatch($0, name, caseFold) == 0 }
    }
}

/// Walks a release folder into a `ReleaseScan`.
///
/// Symbolic links: a link whose target lies inside the release is followed
/// (a file is listed under the link's name; a folder is walked), so nothing
/// outside the folder is ever read; a link that points outside, dangles or
/// loops is refused. FIFOs, sockets and devices are refused, as are names that
/// are not UTF-8 (shown with their bytes escaped) and unreadable files.
public enum ReleaseScanner {
    public static func scan(_ path: String, options: ScanOptions = ScanOptions()) throws(TorrentError) -> ReleaseScan {
        guard let resolvedRoot = realPath(path) else { throw .io(operation: "open", path: path, errno: errno) }
        var trimmed = path
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        var name = (trimmed as NSString).lastPathComponent
        if name == "." || name == ".." || name == "/" { name = (resolvedRoot as NSString).lastPathComponent }
        let info = try status(of: resolvedRoot, following: true)
        var found = Found()
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            try checkReadable(resolvedRoot)
            found.add(name, info)
        case S_IFDIR:
            var walker = Walker(root: resolvedRoot, options: options)
            try walker.walk(directory: resolvedRoot, relative: "", ancestors: [(info.st_dev, info.st_ino)])
            found = walker.found
        default:
            throw .unsupportedFileType(path: path, kind: kind(of: info.st_mode))
        }
        guard found.files.contains(where: { $0.size > 0 }) else { throw .emptyRelease(path: path) }
        guard ReleaseTree.total(of: found.files.map(\.size)) != nil else { throw .tooLarge(path: path) }
        let tree = ReleaseTree(name: name, isSingleFile: info.st_mode & S_IFMT == S_IFREG, files: found.files, excluded: found.excluded)
        return ReleaseScan(tree: tree, root: resolvedRoot, stats: found.stats, sparse: found.sparse.sorted(by: ReleaseTree.precedes))
    }

    /// The files, their stat data and the paths left out, as the walk finds them.
    private struct Found {
        var files: [ReleaseTree.File] = []
        var stats = FileStats()
        var excluded: [String] = []
        var sparse: [String] = []

        mutating func add(_ relativePath: String, _ info: stat) {
            files.append(ReleaseTree.File(path: relativePath, size: Int64(info.st_size)))
            if ReleaseScan.isSparse(size: Int64(info.st_size), blocks: Int64(info.st_blocks)) { sparse.append(relativePath) }
            stats[relativePath] = FileStat(
                modified: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
                changed: Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec),
                inode: UInt64(info.st_ino), device: UInt64(info.st_dev))
        }
    }

    private struct Walker {
        let root: String
        let options: ScanOptions
        var found = Found()

        mutating func walk(directory: String, relative: String, ancestors: [(dev_t, ino_t)]) throws(TorrentError) {
            for name in try entries(of: directory) {
                let path = "\(directory)/\(name)"
                let relativePath = relative.isEmpty ? name : "\(relative)/\(name)"
                if options.excludes(name) {
                    found.excluded.append(relativePath)
                    continue
                }
                var info = try status(of: path, following: false)
                if info.st_mode & S_IFMT == S_IFLNK {
                    guard let target = realPath(path) else {
                        throw errno == ELOOP ? .symlinkLoop(path: path) : .io(operation: "follow symbolic link", path: path, errno: errno)
                    }
                    guard target == root || target.hasPrefix(root + "/") else { throw .symlinkOutside(path: path, target: target) }
                    info = try status(of: target, following: true)
                }
                switch info.st_mode & S_IFMT {
                case S_IFREG:
                    try checkReadable(path)
                    found.add(relativePath, info)
                case S_IFDIR:
                    if ancestors.contains(where: { $0.0 == info.st_dev && $0.1 == info.st_ino }) { throw .symlinkLoop(path: path) }
                    try walk(directory: path, relative: relativePath, ancestors: ancestors + [(info.st_dev, info.st_ino)])
                default:
                    throw .unsupportedFileType(path: path, kind: kind(of: info.st_mode))
                }
            }
        }
    }

    /// The raw names in a directory, which must be UTF-8.
    private static func entries(of directory: String) throws(TorrentError) -> [String] {
        guard let handle = opendir(directory) else { throw .io(operation: "open directory", path: directory, errno: errno) }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let bytes = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                Array(raw.prefix { $0 != 0 })
            }
            if bytes == [0x2e] || bytes == [0x2e, 0x2e] { continue }
            guard let name = String(validating: bytes, as: UTF8.self) else {
                throw .notUTF8Name(directory: directory, escapedName: escape(bytes))
            }
            names.append(name)
        }
        return names
    }

    static func status(of path: String, following: Bool) throws(TorrentError) -> stat {
        var info = stat()
        let result = following ? stat(path, &info) : lstat(path, &info)
        guard result == 0 else { throw .io(operation: "stat", path: path, errno: errno) }
        return info
    }

    private static func checkReadable(_ path: String) throws(TorrentError) {
        guard access(path, R_OK) == 0 else { throw .io(operation: "read", path: path, errno: errno) }
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func kind(of mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: "FIFO"
        case S_IFSOCK: "socket"
        case S_IFCHR: "character device"
        case S_IFBLK: "block device"
        case S_IFLNK: "symbolic link"
        default: "special file"
        }
    }

    /// Printable ASCII as is, everything else as \xNN.
    static func escape(_ bytes: [UInt8]) -> String {
        bytes.map { (0x20..<0x7f).contains($0) && $0 != 0x5c ? String(UnicodeScalar($0)) : String(format: "\\x%02x", $0) }.joined()
    }
}
