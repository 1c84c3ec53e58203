import Foundation

/// Reads the facts of an audio file from its own bytes.
public enum AudioProbe {
    /// Metadata lives at the start of a FLAC file; reading this much covers
    /// it, embedded art included, without loading the audio.
    static let headLimit = 16 << 20

    public static func probe(path: String) throws(MetadataError) -> AudioFacts {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(operation: "open", path: path, errno: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .io(operation: "stat", path: path, errno: errno) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw .malformed(path: path, reason: "not a regular file") }
        let size = Int(info.st_size)
        var head = [UInt8](repeating: 0, count: min(size, headLimit))
        var filled = 0
        while filled < head.count {
            let got = head.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + filled, $0.count - filled, off_t(filled)) }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { throw .io(operation: "read", path: path, errno: got < 0 ? errno : EIO) }
            filled += got
        }
        return try probe(bytes: head, path: path, fileSize: size)
    }

    public static func probe(bytes: [UInt8], path: String, fileSize: Int) throws(MetadataError) -> AudioFacts {
        let start = ID3Skip.length(bytes)
        if bytes.count >= start + 4, Array(bytes[start..<(start + 4)]) == Array("fLaC".utf8) {
            return try FLACReader.read(bytes, path: path, fileSize: fileSize)
        }
        throw .unrecognised(path: path)
    }
}
