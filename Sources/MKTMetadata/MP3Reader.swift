/// MP3: ID3v2 at the front, then MPEG audio frames; ID3v1 and APEv2 at the
/// end. The first frame may be a Xing/Info (or VBRI) frame with the frame and
/// byte counts, and LAME writes its tag into it: the VBR method, the preset
/// and the quality that tell V0 from V2, which the average bitrate cannot.
enum MP3Reader {
    static func read(head: [UInt8], tail: [UInt8], path: String, fileSize: Int) throws(MetadataError) -> AudioFacts {
        var facts = AudioFacts(codec: "MP3", container: "MP3", sampleRate: 0, channels: 0)
        var start = ID3Reader.read(head, into: &facts)
        // Some writers leave several ID3v2 tags in a row; the audio comes after all of them.
        while start < head.count, case let next = ID3Skip.length(Array(head[start...])), next > 0 { start += next }
        let hadID3v2 = start > 0
        let trailing = trailingTags(tail, fileSize: fileSize, facts: &facts, readID3v1: !hadID3v2 || facts.tags.isEmpty)
        guard let (offset, frame) = firstFrame(in: head, from: start) else {
            throw head.count < fileSize ? .malformed(path: path, reason: "no MPEG audio frame in the first \(head.count) bytes")
                : .unrecognised(path: path)
        }
        facts.sampleRate = frame.sampleRate
        facts.channels = frame.channels
        let audioBytes = max(0, fileSize - offset - trailing)
        if let vbr = VBRHeader.read(head, frameOffset: offset, frame: frame) {
            describe(&facts, vbr: vbr, frame: frame)
        } else {
            // No Xing frame: a CBR stream, its length estimated from its size.
            facts.bitrate = frame.bitrate
            facts.durationMilliseconds = Int64(audioBytes).scaled(by: 8000, dividedBy: Int64(frame.bitrate))
            let steady = sameBitrate(in: head, from: offset)
            facts.bitrateMode = steady ? "CBR" : "VBR"
            facts.encoding = steady ? cbrEncoding(frame.bitrate) : nil
        }
        facts.truncated = head.count < fileSize && head.count <= offset
        return facts
    }

    // MARK: - Frames

    struct Frame {
        let bitrate: Int
        let sampleRate: Int
        let channels: Int
        let samplesPerFrame: Int
        let length: Int
        let isMPEG1: Bool
    }

    private static let bitratesMPEG1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
    private static let bitratesMPEG2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]

    /// A Layer III frame header at `offset`, or nil.
    static func frame(in bytes: [UInt8], at offset: Int) -> Frame? {
        guard offset + 4 <= bytes.count, bytes[offset] == 0xff, bytes[offset + 1] & 0xe0 == 0xe0 else { return nil }
        let version = (bytes[offset + 1] >> 3) & 0x3  // 0: 2.5, 2: 2, 3: 1
        let layer = (bytes[offset + 1] >> 1) & 0x3  // 1: Layer III
        let bitrateIndex = Int(bytes[offset + 2] >> 4)
        let rateIndex = Int((bytes[offset + 2] >> 2) & 0x3)
        guard version != 1, layer == 1, (1...14).contains(bitrateIndex), rateIndex < 3 else { return nil }
        let isMPEG1 = version == 3
        let rate = [44100, 48000, 32000][rateIndex] / (isMPEG1 ? 1 : version == 2 ? 2 : 4)
        let bitrate = (isMPEG1 ? bitratesMPEG1 : bitratesMPEG2)[bitrateIndex] * 1000
        let padding = Int((bytes[offset + 2] >> 1) & 0x1)
        let samples = isMPEG1 ? 1152 : 576
        let length = samples / 8 * bitrate / rate + padding
        let channels = bytes[offset + 3] >> 6 == 3 ? 1 : 2
        return Frame(bitrate: bitrate, sampleRate: rate, channels: channels, samplesPerFrame: samples, length: length, isMPEG1: isMPEG1)
    }

    /// The first frame header that another one follows, so a stray 0xFF in a tag is not taken for audio.
    private static func firstFrame(in bytes: [UInt8], from start: Int) -> (Int, Frame)? {
        var offset = start
        while offset + 4 <= bytes.count {
            if let frame = frame(in: bytes, at: offset) {
                let next = offset + frame.length
                if next + 4 > bytes.count || self.frame(in: bytes, at: next) != nil { return (offset, frame) }
            }
            offset += 1
        }
        return nil
    }

    /// True when the first frames (up to 100 of them) share one bitrate.
    private static func sameBitrate(in bytes: [UInt8], from start: Int) -> Bool {
        var offset = start
        var rates = Set<Int>()
        for _ in 0..<100 {
            guard let frame = frame(in: bytes, at: offset) else { break }
            rates.insert(frame.bitrate)
            offset += frame.length
        }
        return rates.count <= 1
    }

    // MARK: - Encoding

    private static func describe(_ facts: inout AudioFacts, vbr: VBRHeader, frame: Frame) {
        if let frames = vbr.frames, frames > 0 {
            var samples = Int64(frames) * Int64(frame.samplesPerFrame)
            if let bytes = vbr.bytes {
                facts.bitrate = Int((Double(max(0, bytes - frame.length)) * 8 * Double(frame.sampleRate) / Double(samples)).rounded())
            }
            if let lame = vbr.lame { samples = max(0, samples - Int64(lame.delay) - Int64(lame.padding)) }
            facts.sampleCount = samples
            facts.durationMilliseconds = samples.scaled(by: 1000, dividedBy: Int64(frame.sampleRate))
        }
        guard let lame = vbr.lame else {
            facts.bitrateMode = vbr.isInfo ? "CBR" : "VBR"
            facts.encoding = vbr.isInfo ? cbrEncoding(frame.bitrate) : nil
            facts.encoderSettings = ""
            return
        }
        facts.encoder = "LAME \(lame.version)"
        switch lame.method {
        case 1, 8:
            facts.bitrateMode = "CBR"
            facts.encoding = cbrEncoding(frame.bitrate)
            facts.encoderSettings = lame.preset == 1003 ? "--preset insane" : "-b \((8...320).contains(lame.preset) ? lame.preset : frame.bitrate / 1000)"
        case 2, 9:
            facts.bitrateMode = "ABR"
            facts.encoding = "Other"
            facts.encoderSettings = (8...320).contains(lame.preset) ? "--preset \(lame.preset)" : "--abr \(lame.abrBitrate)"
        case 3, 4, 5, 6:
            facts.bitrateMode = "VBR"
            let quality = vbr.quality.map { (100 - $0) / 10 }
            switch lame.preset {
            case 500: facts.encoding = "V0 (VBR)"
            case 490: facts.encoding = "V1 (VBR)"
            case 480: facts.encoding = "V2 (VBR)"
            case 1001: facts.encoding = "APS (VBR)"
            case 1002: facts.encoding = "APX (VBR)"
            default: facts.encoding = quality.map { $0 <= 2 ? "V\($0) (VBR)" : "Other" }
            }
            facts.encoderSettings = quality.map { "-V \($0)" } ?? ""
        default:
            facts.bitrateMode = vbr.isInfo ? "CBR" : "VBR"
            facts.encoding = vbr.isInfo ? cbrEncoding(frame.bitrate) : nil
            facts.encoderSettings = ""
        }
    }

    /// The CBR bitrates the trackers list by name; anything else is "Other".
    static func cbrEncoding(_ bitrate: Int) -> String {
        let kbps = bitrate / 1000
        return [320, 256, 192, 160, 128, 96, 64].contains(kbps) ? String(kbps) : "Other"
    }

    // MARK: - Tags at the end

    /// Reads ID3v1 and APEv2 from the end; returns how many bytes they take.
    private static func trailingTags(_ tail: [UInt8], fileSize: Int, facts: inout AudioFacts, readID3v1: Bool) -> Int {
        var end = tail.count
        var taken = 0
        if tail.count >= 128, tail[tail.count - 128] == 0x54, tail[tail.count - 127] == 0x41, tail[tail.count - 126] == 0x47 {
            if readID3v1 { _ = ID3v1Reader.read(tail, into: &facts) }
            end -= 128
            taken += 128
        }
        if end >= 32, Array(tail[(end - 32)..<(end - 24)]) == Array("APETAGEX".utf8) {
            var footer = ByteReader(tail, at: end - 24)
            if footer.skip(4), let size = footer.littleEndian(4), let count = footer.littleEndian(4), Int(size) <= end {
                var items = ByteReader(tail, at: end - Int(size))
                for _ in 0..<min(count, 1000) {
                    guard let length = items.littleEndian(4), items.skip(4) else { break }
                    let keyStart = items.position
                    while let byte = items.uint8(), byte != 0 {}
                    let key = String(decoding: tail[keyStart..<max(keyStart, items.position - 1)], as: UTF8.self)
                    guard let value = items.text(Int(length)) else { break }
                    facts.tags["APE:\(key.uppercased())", default: []] += value.split(separator: "\0").map(String.init)
                }
                // The header (32 bytes) comes before the items when the flags say so.
                taken += Int(size) + 32
            }
        }
        return min(taken, fileSize)
    }
}

/// The Xing/Info header (or Fraunhofer's VBRI) in the first frame, and the LAME tag after it.
struct VBRHeader {
    struct LAME {
        let version: String
        let method: Int
        let abrBitrate: Int
        let delay: Int
        let padding: Int
        let preset: Int
    }

    var isInfo = false
    var frames: Int?
    var bytes: Int?
    var quality: Int?
    var lame: LAME?

    static func read(_ head: [UInt8], frameOffset: Int, frame: MP3Reader.Frame) -> VBRHeader? {
        let sideInfo = frame.isMPEG1 ? (frame.channels == 1 ? 17 : 32) : (frame.channels == 1 ? 9 : 17)
        var reader = ByteReader(head, at: frameOffset + 4 + sideInfo)
        if let tag = reader.take(4).map(Array.init), tag == Array("Xing".utf8) || tag == Array("Info".utf8),
            let flags = reader.bigEndian(4)
        {
            var header = VBRHeader(isInfo: tag == Array("Info".utf8))
            if flags & 0x1 != 0 { header.frames = reader.bigEndian(4).map(Int.init) }
            if flags & 0x2 != 0 { header.bytes = reader.bigEndian(4).map(Int.init) }
            if flags & 0x4 != 0 { _ = reader.skip(100) }
            if flags & 0x8 != 0 { header.quality = reader.bigEndian(4).map(Int.init) }
            header.lame = readLAME(&reader)
            return header
        }
        var vbri = ByteReader(head, at: frameOffset + 36)
        if vbri.take(4).map(Array.init) == Array("VBRI".utf8), vbri.skip(6), let bytes = vbri.bigEndian(4), let frames = vbri.bigEndian(4) {
            return VBRHeader(frames: Int(frames), bytes: Int(bytes))
        }
        return nil
    }

    /// LAME's 36-byte tag: only when its encoder string says LAME (ffmpeg's says Lavc and zeroes the rest).
    private static func readLAME(_ reader: inout ByteReader) -> LAME? {
        guard let encoder = reader.take(9).map(Array.init), encoder.starts(with: Array("LAME".utf8)),
            let methodByte = reader.uint8(), reader.skip(1 + 8 + 1), let abr = reader.uint8(),
            let delays = reader.bigEndian(3), reader.skip(2), let preset = reader.bigEndian(2)
        else { return nil }
        let digits = String(decoding: encoder.dropFirst(4), as: UTF8.self).trimmingCharacters(in: .init(charactersIn: " \0"))
        return LAME(
            version: digits, method: Int(methodByte & 0x0f), abrBitrate: Int(abr), delay: Int(delays >> 12),
            padding: Int(delays & 0xfff), preset: Int(preset & 0x7ff))
    }
}
