/// FLAC: `fLaC`, then metadata blocks, each with a 4-byte header (last-block
/// flag, type, 24-bit big-endian length). STREAMINFO gives the format;
/// VORBIS_COMMENT (little-endian lengths) the tags; PICTURE the art. An ID3v2
/// tag before `fLaC`, which some taggers write, is skipped.
enum FLACReader {
    static func read(_ bytes: [UInt8], path: String, fileSize: Int) throws(MetadataError) -> AudioFacts {
        var reader = ByteReader(bytes, at: ID3Skip.length(bytes))
        guard reader.take(4).map(Array.init) == Array("fLaC".utf8) else { throw .unrecognised(path: path) }
        var facts = AudioFacts(codec: "FLAC", container: "FLAC", sampleRate: 0, channels: 0)
        var sawStreamInfo = false
        var isLast = false
        while !isLast {
            guard let header = reader.uint8(), let length = reader.bigEndian(3) else {
                facts.truncated = true
                break
            }
            isLast = header & 0x80 != 0
            let type = header & 0x7f
            guard let body = reader.take(Int(length)) else {
                facts.truncated = true
                break
            }
            var block = ByteReader(Array(body))
            switch type {
            case 0:
                guard length >= 34, readStreamInfo(&block, into: &facts) else { throw .malformed(path: path, reason: "STREAMINFO block is too short") }
                sawStreamInfo = true
            case 4:
                guard VorbisComment.read(&block, into: &facts) else { throw .malformed(path: path, reason: "VORBIS_COMMENT block is malformed") }
            case 6:
                guard let picture = readPicture(&block) else { throw .malformed(path: path, reason: "PICTURE block is malformed") }
                facts.pictures.append(picture)
            case 127:
                throw .malformed(path: path, reason: "invalid metadata block type 127")
            default:
                continue
            }
        }
        facts.encoding = AudioFacts.losslessEncoding(bitDepth: facts.bitDepth)
        guard sawStreamInfo else { throw .malformed(path: path, reason: facts.truncated ? "file ends before STREAMINFO" : "no STREAMINFO block") }
        if let samples = facts.sampleCount, samples > 0, facts.sampleRate > 0 {
            facts.durationMilliseconds = samples.scaled(by: 1000, dividedBy: Int64(facts.sampleRate))
            let audioBits = Int64(max(0, fileSize - reader.position)) * 8
            facts.bitrate = audioBits.scaled(by: Int64(facts.sampleRate), dividedBy: samples).map { Int($0) }
        }
        return facts
    }

    /// 16+16 bits block sizes, 24+24 frame sizes, 20 sample rate, 3 channels-1,
    /// 5 bits-per-sample-1, 36 total samples, 128 MD5.
    private static func readStreamInfo(_ block: inout ByteReader, into facts: inout AudioFacts) -> Bool {
        guard block.skip(10), let packed = block.bigEndian(8) else { return false }
        facts.sampleRate = Int(packed >> 44)
        facts.channels = Int((packed >> 41) & 0x7) + 1
        facts.bitDepth = Int((packed >> 36) & 0x1f) + 1
        let samples = Int64(packed & 0xf_ffff_ffff)
        facts.sampleCount = samples == 0 ? nil : samples
        return facts.sampleRate > 0
    }

    /// type, MIME, description, width, height, depth, colours, data: all big-endian lengths.
    static func readPicture(_ block: inout ByteReader) -> AudioFacts.Picture? {
        guard let type = block.bigEndian(4), let mimeLength = block.bigEndian(4), let mime = block.text(Int(mimeLength)),
            let descriptionLength = block.bigEndian(4), let description = block.text(Int(descriptionLength)),
            let width = block.bigEndian(4), let height = block.bigEndian(4), block.skip(8), let dataLength = block.bigEndian(4),
            let data = block.take(Int(dataLength))
        else { return nil }
        return AudioFacts.Picture(
            type: Int(type), mimeType: mime, description: description, width: Int(width), height: Int(height), byteCount: Int(dataLength), data: Array(data))
    }
}

/// The Vorbis comment layout shared by FLAC, Ogg Vorbis and Opus: vendor
/// string, then `KEY=value` fields, all with 32-bit little-endian lengths.
enum VorbisComment {
    static func read(_ block: inout ByteReader, into facts: inout AudioFacts) -> Bool {
        guard let vendorLength = block.littleEndian(4), let vendor = block.text(Int(vendorLength)), let count = block.littleEndian(4) else {
            return false
        }
        facts.encoder = vendor
        for _ in 0..<min(count, UInt64(block.remaining / 4)) {
            guard let length = block.littleEndian(4), let field = block.text(Int(length)) else { return false }
            guard let equals = field.firstIndex(of: "=") else { continue }
            facts.tags[field[..<equals].uppercased(), default: []].append(String(field[field.index(after: equals)...]))
        }
        return true
    }
}

/// ID3v2 tags that sit in front of another format's header.
enum ID3Skip {
    /// The length of an ID3v2 tag at the start, footer included; 0 if there is none.
    static func length(_ bytes: [UInt8]) -> Int {
        guard bytes.count >= 10, bytes[0] == 0x49, bytes[1] == 0x44, bytes[2] == 0x33,
            bytes[6..<10].allSatisfy({ $0 < 0x80 })
        else { return 0 }
        let size = bytes[6..<10].reduce(0) { $0 << 7 | Int($1) }
        let footer = bytes[5] & 0x10 != 0 ? 10 : 0
        return min(bytes.count, 10 + size + footer)
    }
}
