import Foundation

/// Reads the facts of an audio file from its own bytes.
public enum AudioProbe {
    /// Metadata lives at the start of a file; reading this much covers it,
    /// embedded art included, without loading the audio.
    static let headLimit = 16 << 20
    /// Ogg's duration is in its last page, within this much of the end.
    static let tailLimit = 64 << 10

    public static func probe(path: String) throws(MetadataError) -> AudioFacts {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(operation: "open", path: path, errno: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .io(operation: "stat", path: path, errno: errno) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw .malformed(path: path, reason: "not a regular file") }
        let size = Int(info.st_size)
        let head = try read(fd, path: path, offset: 0, count: min(size, headLimit))
        let tail = size <= headLimit ? head : try read(fd, path: path, offset: size - tailLimit, count: tailLimit)
        return try probe(head: head, tail: tail, path: path, fileSize: size)
    }

    /// Probes bytes already in memory (the whole file, or a prefix of it).
    public static func probe(bytes: [UInt8], path: String, fileSize: Int) throws(MetadataError) -> AudioFacts {
        try probe(head: bytes, tail: Array(bytes.suffix(tailLimit)), path: path, fileSize: fileSize)
    }

    static func probe(head: [UInt8], tail: [UInt8], path: String, fileSize: Int) throws(MetadataError) -> AudioFacts {
        let start = ID3Skip.length(head)
        let magic = head.count >= start + 4 ? Array(head[start..<(start + 4)]) : []
        if magic == Array("fLaC".utf8) { return try FLACReader.read(head, path: path, fileSize: fileSize) }
        if head.starts(with: Array("OggS".utf8)) { return try OggReader.read(head: head, tail: tail, path: path, fileSize: fileSize) }
        if start > 0 || MP3Reader.frame(in: head, at: 0) != nil {
            return try MP3Reader.read(head: head, tail: tail, path: path, fileSize: fileSize)
        }
        throw .unrecognised(path: path)
    }

    private static func read(_ fd: Int32, path: String, offset: Int, count: Int) throws(MetadataError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let got = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + filled, $0.count - filled, off_t(offset + filled)) }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { throw .io(operation: "read", path: path, errno: got < 0 ? errno : EIO) }
            filled += got
        }
        return bytes
    }
}
