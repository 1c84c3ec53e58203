import CMKTArchive
import Foundation

/// Unpacks a release that came as a `.zip`, `.tar` (any compression) or
/// `.7z`, treating the archive as hostile: only
/// regular files and folders, no absolute path, no `..`, no link of any kind,
/// a cap on the total size written and on the number of entries. Everything
/// goes into a hidden folder next to the destination, which is renamed into
/// place only when the whole archive was read; on any error it is removed.
/// An extraction killed outright (kill -9, power loss) cannot remove its
/// folder: the next extraction into the same destination removes those whose
/// process is gone.
public struct ArchiveExtractor: Sendable {
    public var maximumBytes: Int64 = 16 << 30
    public var maximumEntries = 65_536

    public init() {}

    /// Unpacks `archive` into a new folder in `directory`: the archive's one
    /// top-level folder if it has one, else a folder named after the archive.
    /// - Returns: the release folder.
    public func extract(_ archive: String, into directory: String) throws(ArchiveError) -> String {
        var info = stat()
        guard stat(directory, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { throw .destination(directory, "not a folder") }
        Self.removeLeftovers(in: directory)
        let staging = "\(directory)/\(Self.stagingPrefix)\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        guard mkdir(staging, 0o755) == 0 else { throw .destination(directory, String(cString: strerror(errno))) }
        do {
            try unpack(archive, into: staging)
            let top = (try? FileManager.default.contentsOfDirectory(atPath: staging)) ?? []
            var isFolder: ObjCBool = false
            let single = top.count == 1 && FileManager.default.fileExists(atPath: "\(staging)/\(top[0])", isDirectory: &isFolder) && isFolder.boolValue
            guard !top.isEmpty else { throw ArchiveError.unsafe(archive, "it holds no files") }
            let name = single ? top[0] : Self.stem(of: archive)
            let target = "\(directory)/\(name)"
            guard access(target, F_OK) != 0 else { throw ArchiveError.destination(target, "exists already; mkt does not unpack over it") }
            let source = single ? "\(staging)/\(name)" : staging
            guard rename(source, target) == 0 else { throw ArchiveError.destination(target, String(cString: strerror(errno))) }
            try? FileManager.default.removeItem(atPath: staging)
            return target
        } catch let error as ArchiveError {
            try? FileManager.default.removeItem(atPath: staging)
            throw error
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            throw .unreadable(archive, "\(error)")
        }
    }

    /// A staging folder is `.mkt-extract-<pid>-<random>`: the pid says whose it is.
    static let stagingPrefix = ".mkt-extract-"

    /// Removes the staging folders in `directory` left by extractions whose
    /// process no longer exists (kill(pid, 0) says ESRCH); a live process's
    /// folder, even another user's (EPERM), is its own and stays.
    /// - Returns: the folders removed.
    @discardableResult
    public static func removeLeftovers(in directory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { name in
            guard name.hasPrefix(stagingPrefix),
                let pid = name.dropFirst(stagingPrefix.count).split(separator: "-", maxSplits: 1).first.flatMap({ pid_t($0) }), pid > 0
            else { return false }
            return kill(pid, 0) == -1 && errno == ESRCH
        }.compactMap { name in
            let path = "\(directory)/\(name)"
            return (try? FileManager.default.removeItem(atPath: path)).map { path }
        }
    }

    /// `Artist - Album (2019) [FLAC].tar.gz` → `Artist - Album (2019) [FLAC]`.
    static func stem(of archive: String) -> String {
        var name = (archive as NSString).lastPathComponent
        for suffix in [".tar.gz", ".tar.bz2", ".tar.xz", ".tar.zst", ".tgz", ".tar", ".zip", ".7z"] where name.lowercased().hasSuffix(suffix) {
            name = String(name.dropLast(suffix.count))
            break
        }
        return name.isEmpty || name.hasPrefix(".") ? "release" : name
    }

    private func unpack(_ archive: String, into staging: String) throws(ArchiveError) {
        // libarchive converts a name the archive marks as UTF-8 (a zip's
        // general-purpose bit 11) into the locale's character set, and under
        // the C locale that fails for any non-ASCII name, leaving the entry
        // nameless. This thread reads a zip in a UTF-8 locale instead. Not a
        // tar: there libarchive would then also fold names to NFC, making two
        // files whose names differ only in normalisation one (the names
        // reach mkt as stored under the C locale).
        let utf8 = archive.lowercased().hasSuffix(".zip") ? newlocale(LC_CTYPE_MASK, "C.UTF-8", nil) : nil
        let previous = utf8.map { uselocale($0) }
        defer {
            if let previous { uselocale(previous) }
            if let utf8 { freelocale(utf8) }
        }
        guard let reader = archive_read_new() else { throw .unreadable(archive, "libarchive could not start") }
        defer { archive_read_free(reader) }
        archive_read_support_format_zip(reader)
        archive_read_support_format_tar(reader)
        archive_read_support_format_gnutar(reader)
        archive_read_support_format_7zip(reader)
        archive_read_support_filter_all(reader)
        guard archive_read_open_filename(reader, archive, 1 << 16) == ARCHIVE_OK else {
            throw .unreadable(archive, Self.message(reader))
        }
        var written: Int64 = 0
        var entries = 0
        var entry: OpaquePointer?
        while true {
            let status = archive_read_next_header(reader, &entry)
            if status == ARCHIVE_EOF { break }
            guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let entry else { throw .unreadable(archive, Self.message(reader)) }
            entries += 1
            guard entries <= maximumEntries else { throw .unsafe(archive, "more than \(maximumEntries) entries") }
            guard let raw = archive_entry_pathname_utf8(entry) ?? archive_entry_pathname(entry) else { throw .unsafe(archive, "an entry has no name") }
            let path = String(cString: raw)
            let components = try Self.components(of: path, in: archive)
            if mkt_archive_entry_is_hardlink(entry) != 0 || mkt_archive_entry_is_symlink(entry) != 0 {
                throw .unsafe(archive, "'\(path)' is a link; a release has none")
            }
            let target = ([staging] + components).joined(separator: "/")
            try makeFolders(staging, components.dropLast(mkt_archive_entry_is_directory(entry) != 0 ? 0 : 1), archive: archive)
            if mkt_archive_entry_is_directory(entry) != 0 { continue }
            guard mkt_archive_entry_is_regular(entry) != 0 else { throw .unsafe(archive, "'\(path)' is neither a file nor a folder") }
            let fd = open(target, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                guard errno == EEXIST else { throw .destination(target, String(cString: strerror(errno))) }
                // Names are bytes, and a tar keeps `é` and `e` + U+0301 apart. A
                // zip's UTF-8 names reach mkt only through libarchive's conversion
                // to the locale, which folds them to NFC (3.7, non-Apple): both
                // spellings arrive as one, and the raw bytes are not to be had
                // (its header position is not the entry's in a seekable zip).
                let folded = utf8 != nil && !path.unicodeScalars.allSatisfy(\.isASCII)
                throw .unsafe(archive, "'\(path)' is in it twice" + (folded ? " (or in two spellings that differ only in Unicode normalisation, which a zip reader folds into one; a tar keeps them apart)" : ""))
            }
            defer { close(fd) }
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = buffer.withUnsafeMutableBytes { archive_read_data(reader, $0.baseAddress, $0.count) }
                if count == 0 { break }
                guard count > 0 else { throw .unreadable(archive, "'\(path)': \(Self.message(reader))") }
                written += Int64(count)
                guard written <= maximumBytes else { throw .unsafe(archive, "it unpacks to more than \(maximumBytes) bytes") }
                var offset = 0
                while offset < count {
                    let done = buffer.withUnsafeBytes { write(fd, $0.baseAddress! + offset, count - offset) }
                    guard done > 0 else { throw .destination(target, String(cString: strerror(errno))) }
                    offset += done
                }
            }
            var times = [timespec(tv_sec: Int(archive_entry_mtime(entry)), tv_nsec: 0), timespec(tv_sec: Int(archive_entry_mtime(entry)), tv_nsec: 0)]
            futimens(fd, &times)
        }
    }

    /// The entry's path, split and checked: relative, no `.` or `..`, no empty part.
    static func components(of path: String, in archive: String) throws(ArchiveError) -> [String] {
        guard !path.hasPrefix("/") else { throw .unsafe(archive, "'\(path)' is an absolute path") }
        var parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        while parts.first == "." { parts.removeFirst() }
        guard !parts.isEmpty else { throw .unsafe(archive, "an entry has an empty name") }
        for part in parts {
            if part == ".." { throw .unsafe(archive, "'\(path)' points outside the archive") }
            if part == "." || part.utf8.count > 255 || part.contains("\0") || part.contains("\\") {
                throw .unsafe(archive, "'\(path)' is not a usable file name")
            }
        }
        return parts
    }

    /// Creates the folders on the way to an entry; none can be a link, since
    /// mkt never makes one.
    private func makeFolders(_ staging: String, _ components: ArraySlice<String>, archive: String) throws(ArchiveError) {
        var path = staging
        for part in components {
            path += "/\(part)"
            if mkdir(path, 0o755) != 0 {
                var info = stat()
                guard errno == EEXIST, lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
                    throw .unsafe(archive, "'\(components.joined(separator: "/"))' is both a file and a folder")
                }
            }
        }
    }

    private static func message(_ reader: OpaquePointer) -> String {
        archive_error_string(reader).map { String(cString: $0) } ?? "not an archive mkt can read (zip, tar, 7z)"
    }
}

public enum ArchiveError: Error, Equatable, CustomStringConvertible {
    case unreadable(String, String)
    case unsafe(String, String)
    case destination(String, String)

    public var description: String {
        switch self {
        case .unreadable(let archive, let reason): "\(archive): \(reason)"
        case .unsafe(let archive, let reason): "\(archive): refused: \(reason); nothing was unpacked"
        case .destination(let path, let reason): "\(path): \(reason)"
        }
    }
}
