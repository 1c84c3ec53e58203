import Foundation

/// Ogg Vorbis and Opus. Ogg pages (`OggS`, 27-byte header, segment table)
/// carry packets; the first is the codec's identification header, the
/// second its comment header (Vorbis comments, possibly over many pages).
/// The duration is the last page's granule position: samples for Vorbis,
/// 48 kHz samples after the pre-skip for Opus.
enum OggReader {
    static func read(head: [UInt8], tail: [UInt8], path: String, fileSize: Int) throws(MetadataError) -> AudioFacts {
        var pages = ByteReader(head)
        var packets: [[UInt8]] = []
        var partial: [UInt8] = []
        var serial: UInt64?
        var truncated = false
        while packets.count < 2 {
            guard let page = nextPage(&pages) else {
                truncated = true
                break
            }
            if serial == nil { serial = page.serial }
            guard page.serial == serial else { continue }
            var body = ByteReader(page.body)
            for segment in page.segments {
                guard let data = body.take(Int(segment)) else { throw .malformed(path: path, reason: "Ogg page is shorter than its segment table") }
                partial += data
                if segment < 255 {
                    packets.append(partial)
                    partial = []
                    if packets.count == 2 { break }
                }
            }
        }
        guard let identification = packets.first else {
            throw head.count >= 4 && Array(head[0..<4]) == Array("OggS".utf8) ? .malformed(path: path, reason: "file ends in the first Ogg page") : .unrecognised(path: path)
        }
        var facts: AudioFacts
        let preSkip: Int64
        if identification.starts(with: [0x01] + Array("vorbis".utf8)) {
            var header = ByteReader(identification, at: 7)
            guard header.skip(4), let channels = header.uint8(), let rate = header.littleEndian(4),
                let maximum = header.littleEndian(4), let nominal = header.littleEndian(4), let minimum = header.littleEndian(4), rate > 0
            else { throw .malformed(path: path, reason: "Vorbis identification header is too short") }
            facts = empty(codec: "Vorbis", rate: Int(rate), channels: Int(channels))
            facts.bitrate = vorbisBitrate(maximum: Int32(truncatingIfNeeded: maximum), nominal: Int32(truncatingIfNeeded: nominal), minimum: Int32(truncatingIfNeeded: minimum))
            preSkip = 0
            if packets.count > 1 {
                var comments = ByteReader(packets[1], at: 7)
                guard packets[1].starts(with: [0x03] + Array("vorbis".utf8)), VorbisComment.read(&comments, into: &facts) else {
                    throw .malformed(path: path, reason: "Vorbis comment header is malformed")
                }
            }
        } else if identification.starts(with: Array("OpusHead".utf8)) {
            var header = ByteReader(identification, at: 8)
            guard header.skip(1), let channels = header.uint8(), let skip = header.littleEndian(2) else {
                throw .malformed(path: path, reason: "OpusHead is too short")
            }
            // Opus always decodes at 48 kHz, whatever rate the source had.
            facts = empty(codec: "Opus", rate: 48000, channels: Int(channels))
            preSkip = Int64(skip)
            if packets.count > 1 {
                var comments = ByteReader(packets[1], at: 8)
                guard packets[1].starts(with: Array("OpusTags".utf8)), VorbisComment.read(&comments, into: &facts) else {
                    throw .malformed(path: path, reason: "OpusTags is malformed")
                }
            }
        } else {
            throw .malformed(path: path, reason: "Ogg stream is neither Vorbis nor Opus")
        }
        facts.truncated = truncated || packets.count < 2
        extractPictures(&facts)
        if let granule = lastGranule(tail, serial: serial), granule > preSkip {
            let samples = granule - preSkip
            facts.sampleCount = samples
            facts.durationMilliseconds = samples.scaled(by: 1000, dividedBy: Int64(facts.sampleRate))
            if facts.codec == "Opus", samples > 0 {
                // The audio starts after the header pages (which may hold cover art).
                let audioBits = Int64(max(0, fileSize - pages.position)) * 8
                facts.bitrate = audioBits.scaled(by: Int64(facts.sampleRate), dividedBy: samples).map { Int($0) }
            }
        }
        return facts
    }

    private static func empty(codec: String, rate: Int, channels: Int) -> AudioFacts {
        AudioFacts(codec: codec, container: "Ogg", sampleRate: rate, channels: channels)
    }

    /// As mutagen and most players read it: nominal, unless the limits say otherwise.
    private static func vorbisBitrate(maximum: Int32, nominal: Int32, minimum: Int32) -> Int {
        let (maximum, nominal, minimum) = (max(0, Int(maximum)), max(0, Int(nominal)), max(0, Int(minimum)))
        if nominal == 0 { return (maximum + minimum) / 2 }
        if maximum > 0 && maximum < nominal { return maximum }
        if minimum > nominal { return minimum }
        return nominal
    }

    /// Cover art in Vorbis comments is a base64 FLAC PICTURE block; it goes to `pictures`.
    private static func extractPictures(_ facts: inout AudioFacts) {
        guard let encoded = facts.tags.removeValue(forKey: "METADATA_BLOCK_PICTURE") else { return }
        for value in encoded {
            guard let data = Data(base64Encoded: value) else { continue }
            var block = ByteReader(Array(data))
            if let picture = FLACReader.readPicture(&block) { facts.pictures.append(picture) }
        }
    }

    struct Page {
        let granule: Int64
        let serial: UInt64
        let segments: [UInt8]
        let body: [UInt8]
    }

    static func nextPage(_ reader: inout ByteReader) -> Page? {
        guard let capture = reader.take(4), Array(capture) == Array("OggS".utf8), reader.skip(2),
            let granule = reader.littleEndian(8), let serial = reader.littleEndian(4), reader.skip(8),
            let count = reader.uint8(), let table = reader.take(Int(count))
        else { return nil }
        guard let body = reader.take(table.reduce(0) { $0 + Int($1) }) else { return nil }
        return Page(granule: Int64(bitPattern: granule), serial: serial, segments: Array(table), body: Array(body))
    }

    /// The granule position of the last complete page of the stream in `tail`.
    private static func lastGranule(_ tail: [UInt8], serial: UInt64?) -> Int64? {
        var index = tail.count - 27
        while index >= 0 {
            if tail[index] == 0x4f, tail[index + 1] == 0x67, tail[index + 2] == 0x67, tail[index + 3] == 0x53 {
                var reader = ByteReader(tail, at: index)
                if let page = nextPage(&reader), page.serial == serial, page.granule >= 0 { return page.granule }
            }
            index -= 1
        }
        return nil
    }
}
