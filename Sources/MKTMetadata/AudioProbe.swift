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
        if isMP4(head) {
            // moov may follow the audio: find it by walking the top-level boxes.
            guard let moov = try findMoov(size: size, read: { offset, count throws(MetadataError) in try read(fd, path: path, offset: offset, count: count) }) else {
                throw .malformed(path: path, reason: "no moov box in the MP4 file")
            }
            let samples: MP4Reader.SampleReader = { offset, count in
                offset >= 0 && count >= 0 && offset <= size - count ? try? read(fd, path: path, offset: offset, count: count) : nil
            }
            return try MP4Reader.read(moov: moov, path: path, fileSize: size, samples: samples).droppingImplausible()
        }
        let tail = size <= headLimit ? head : try read(fd, path: path, offset: size - tailLimit, count: tailLimit)
        return try probe(head: head, tail: tail, path: path, fileSize: size)
    }

    /// Probes bytes already in memory (the whole file, or a prefix of it).
    public static func probe(bytes: [UInt8], path: String, fileSize: Int) throws(MetadataError) -> AudioFacts {
        try probe(head: bytes, tail: Array(bytes.suffix(tailLimit)), path: path, fileSize: fileSize)
    }

    static func probe(head: [UInt8], tail: [UInt8], path: String, fileSize: Int) throws(MetadataError) -> AudioFacts {
        try read(head: head, tail: tail, path: path, fileSize: fileSize).droppingImplausible()
    }

    private static func read(head: [UInt8], tail: [UInt8], path: String, fileSize: Int) throws(MetadataError) -> AudioFacts {
        if isMP4(head) {
            let moov = try findMoov(size: head.count) { offset, count throws(MetadataError) in Array(head[offset..<min(head.count, offset + count)]) }
            guard let moov else { throw .malformed(path: path, reason: head.count < fileSize ? "file ends before the moov box" : "no moov box in the MP4 file") }
            return try MP4Reader.read(moov: moov, path: path, fileSize: fileSize) { offset, count in
                offset >= 0 && count >= 0 && offset <= head.count - count ? Array(head[offset..<(offset + count)]) : nil
            }
        }
        let start = ID3Skip.length(head)
        let magic = head.count >= start + 4 ? Array(head[start..<(start + 4)]) : []
        if magic == Array("fLaC".utf8) { return try FLACReader.read(head, path: path, fileSize: fileSize) }
        if head.starts(with: Array("OggS".utf8)) { return try OggReader.read(head: head, tail: tail, path: path, fileSize: fileSize) }
        if start > 0 || MP3Reader.frame(in: head, at: 0) != nil {
            return try MP3Reader.read(head: head, tail: tail, path: path, fileSize: fileSize)
        }
        throw .unrecognised(path: path)
    }

    private static func isMP4(_ head: [UInt8]) -> Bool {
        head.count >= 8 && Array(head[4..<8]) == Array("ftyp".utf8)
    }

    /// The body of the top-level `moov` box (at most 64 MiB), read with `read(offset, count)`.
    private static func findMoov(size: Int, read: (Int, Int) throws(MetadataError) -> [UInt8]) throws(MetadataError) -> [UInt8]? {
        var offset = 0
        while offset + 8 <= size {
            let header = try read(offset, 16)
            guard header.count >= 8 else { return nil }
            var length = header[0..<4].reduce(0) { $0 << 8 | Int($1) }
            var headerLength = 8
            if length == 1 {
                guard header.count >= 16 else { return nil }
                length = header[8..<16].reduce(0) { $0 << 8 | Int($1) & 0xff }
                headerLength = 16
            } else if length == 0 {
                length = size - offset
            }
            guard length >= headerLength, length <= size - offset else { return nil }
            if Array(header[4..<8]) == Array("moov".utf8) {
                guard length - headerLength <= 64 << 20 else { return nil }
                let body = try read(offset + headerLength, length - headerLength)
                return body.count == length - headerLength ? body : nil
            }
            offset += length
        }
        return nil
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
