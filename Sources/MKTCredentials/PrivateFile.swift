import Foundation

/// Files that hold secrets: read only if they are the user's own, as ssh
/// insists for private keys.
enum PrivateFile {
    /// The contents of `path`, refused (naming the fix) if it is a symbolic
    /// link, not a regular file, owned by someone else, open to group or
    /// others, or larger than `limit` bytes.
    static func read(_ path: String, limit: Int) throws(CredentialError) -> [UInt8] {
        // O_NONBLOCK: opening a FIFO must not wait for a writer; the check below refuses it.
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            if errno == ELOOP { throw .unsafeFile(path: path, reason: "it is a symbolic link") }
            throw .io(operation: "open", path: path, errno: errno)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .io(operation: "stat", path: path, errno: errno) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw .unsafeFile(path: path, reason: "it is not a regular file") }
        guard info.st_uid == geteuid() else { throw .unsafeFile(path: path, reason: "it is owned by another user") }
        guard info.st_mode & 0o077 == 0 else {
            throw .unsafeFile(path: path, reason: "mode \(String(info.st_mode & 0o777, radix: 8)) lets others read it; run: chmod 600 '\(path)'")
        }
        guard info.st_size <= limit else { throw .unsafeFile(path: path, reason: "it is larger than \(limit) bytes") }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var filled = 0
        while filled < bytes.count {
            let got = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { throw .io(operation: "read", path: path, errno: got < 0 ? errno : EIO) }
            filled += got
        }
        return bytes
    }
}
