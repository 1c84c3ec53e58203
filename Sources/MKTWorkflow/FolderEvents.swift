import Foundation
import Glibc

/// inotify watches on the watch folders and on every folder inside them:
/// which release folder (a watch folder's direct subfolder) was written in.
/// Linux only; inotify is not recursive, so each new subfolder gets a watch
/// of its own as it appears.
public final class FolderEvents: @unchecked Sendable {
    public let descriptor: Int32
    private let roots: [String]
    private var paths: [Int32: String] = [:]
    /// Set when the kernel's watch limit was reached: the scans still see changes, later.
    public private(set) var limitReached = false

    private static let mask = UInt32(IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_CLOSE_WRITE | IN_MODIFY | IN_DELETE | IN_ATTRIB | IN_ONLYDIR)

    /// - Throws: when inotify cannot be had, or a watch folder cannot be watched.
    public init(roots: [String]) throws(WorkflowError) {
        self.roots = roots
        descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard descriptor >= 0 else { throw .watch(folder: roots.first ?? "", reason: "inotify: \(String(cString: strerror(errno)))") }
        for root in roots {
            let wd = inotify_add_watch(descriptor, root, Self.mask)
            // deinit closes the descriptor.
            guard wd >= 0 else { throw .watch(folder: root, reason: String(cString: strerror(errno))) }
            paths[wd] = root
        }
    }

    deinit { close(descriptor) }

    /// Watches `folder` and the folders in it.
    public func watchTree(_ folder: String) {
        var pending = [folder]
        while let next = pending.popLast() {
            let wd = inotify_add_watch(descriptor, next, Self.mask)
            if wd < 0 {
                if errno == ENOSPC { limitReached = true }
                continue
            }
            paths[wd] = next
            for name in (try? FileManager.default.contentsOfDirectory(atPath: next)) ?? [] {
                var info = stat()
                if lstat("\(next)/\(name)", &info) == 0, info.st_mode & S_IFMT == S_IFDIR { pending.append("\(next)/\(name)") }
            }
        }
    }

    /// The release folders written in since the last call (nothing when
    /// nothing happened). A new folder anywhere is watched from now on.
    public func drain() -> Set<String> {
        var touched = Set<String>()
        let size = 64 * 1024
        var buffer = [UInt8](repeating: 0, count: size)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, size) }
            guard count > 0 else { break }
            var offset = 0
            let header = MemoryLayout<inotify_event>.size
            while offset + header <= count {
                let (wd, mask, length) = buffer.withUnsafeBytes { raw in
                    let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                    return (event.wd, event.mask, Int(event.len))
                }
                let nameBytes = buffer[(offset + header)..<min(offset + header + length, count)].prefix { $0 != 0 }
                offset += header + length
                // Events were lost: every release folder may have been written in.
                if mask & UInt32(IN_Q_OVERFLOW) != 0 {
                    for root in roots { touched.formUnion(Watcher.subfolders(of: root)) }
                    continue
                }
                guard let directory = paths[wd] else { continue }
                let name = String(decoding: nameBytes, as: UTF8.self)
                let path = name.isEmpty ? directory : "\(directory)/\(name)"
                if mask & UInt32(IN_ISDIR) != 0 && mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 { watchTree(path) }
                if mask & UInt32(IN_IGNORED) != 0 { paths[wd] = nil }
                if let release = releaseFolder(of: path) { touched.insert(release) }
            }
        }
        return touched
    }

    /// The watch folder's direct subfolder `path` lies in, if any (a hidden one is none: partial downloads often go there).
    func releaseFolder(of path: String) -> String? {
        for root in roots where path.hasPrefix(root + "/") {
            let rest = path.dropFirst(root.count + 1)
            guard let first = rest.split(separator: "/").first, !first.hasPrefix(".") else { return nil }
            return "\(root)/\(first)"
        }
        return nil
    }
}
