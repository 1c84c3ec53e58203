/// MP4/M4A/M4B: boxes of (32-bit size, type), a 64-bit size when the size
/// is 1. `moov` holds the audio track (`mdhd` for the duration, `stsd` with
/// an `mp4a` or `alac` sample entry and its `esds` or `alac` box) and the
/// iTunes tags (`udta/meta/ilst`, each item with `data` boxes). Chapters
/// are Nero's `udta/chpl`, or else a QuickTime chapter track.
enum MP4Reader {
    /// Reads `count` bytes of the file at `offset`; nil when they are not there.
    typealias SampleReader = (_ offset: Int, _ count: Int) -> [UInt8]?

    struct Box {
        let type: String
        let body: ArraySlice<UInt8>
    }

    /// The boxes directly inside `bytes`; stops at the first one that does not fit.
    static func boxes(_ bytes: ArraySlice<UInt8>) -> [Box] {
        var found: [Box] = []
        var reader = ByteReader(Array(bytes))
        while reader.remaining >= 8 {
            let start = reader.position
            guard let size32 = reader.bigEndian(4), let type = reader.take(4) else { break }
            var size = Int(size32)
            if size32 == 1 {
                guard let size64 = reader.bigEndian(8), size64 < UInt64(Int.max) else { break }
                size = Int(size64)
            } else if size32 == 0 {
                size = reader.bytes.count - start
            }
            let header = reader.position - start
            guard size >= header, let body = reader.take(size - header) else { break }
            found.append(Box(type: latin1(type), body: body))
        }
        return found
    }

    static func child(_ path: [String], in bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        guard let first = path.first else { return bytes }
        // meta is a full box: 4 bytes of version and flags before its children.
        guard let box = boxes(bytes).first(where: { $0.type == first }) else { return nil }
        return child(Array(path.dropFirst()), in: first == "meta" ? box.body.dropFirst(4) : box.body)
    }

    /// Reads the facts from a `moov` box's body.
    /// - Parameter samples: reads a chapter track's samples (the titles), which live outside `moov`.
    static func read(moov: [UInt8], path: String, fileSize: Int, samples: SampleReader) throws(MetadataError) -> AudioFacts {
        var facts = AudioFacts(codec: "", container: "MP4", sampleRate: 0, channels: 0)
        let moovBody = ArraySlice(moov)
        guard let track = boxes(moovBody).filter({ $0.type == "trak" }).first(where: { child(["mdia", "hdlr"], in: $0.body).map(isSound) ?? false })
        else { throw .malformed(path: path, reason: "no audio track in the MP4 file") }
        if let mdhd = child(["mdia", "mdhd"], in: track.body) {
            var reader = ByteReader(Array(mdhd))
            if let version = reader.uint8(), reader.skip(3 + (version == 1 ? 16 : 8)), let scale = reader.bigEndian(4),
                let duration = reader.bigEndian(version == 1 ? 8 : 4), scale > 0
            {
                facts.durationMilliseconds = Int64(exactly: duration)?.scaled(by: 1000, dividedBy: Int64(scale))
            }
        }
        guard let stsd = child(["mdia", "minf", "stbl", "stsd"], in: track.body), let entry = boxes(stsd.dropFirst(8)).first else {
            throw .malformed(path: path, reason: "the audio track has no sample description")
        }
        var sample = ByteReader(Array(entry.body))
        guard sample.skip(16), let channels = sample.bigEndian(2), let size = sample.bigEndian(2), sample.skip(4), let rate = sample.bigEndian(4) else {
            throw .malformed(path: path, reason: "the audio sample description is too short")
        }
        facts.channels = Int(channels)
        facts.sampleRate = Int(rate >> 16)
        let extensions = boxes(entry.body.dropFirst(28))
        switch entry.type {
        case "alac":
            facts.codec = "ALAC"
            facts.bitDepth = Int(size)
            if let cookie = extensions.first(where: { $0.type == "alac" }) {
                var config = ByteReader(Array(cookie.body))
                if config.skip(4 + 4 + 1), let depth = config.uint8(), config.skip(3), let count = config.uint8(),
                    config.skip(6), let average = config.bigEndian(4), let sampleRate = config.bigEndian(4)
                {
                    facts.bitDepth = Int(depth)
                    facts.channels = Int(count)
                    facts.bitrate = Int(average)
                    facts.sampleRate = Int(sampleRate)
                }
            }
            facts.encoding = AudioFacts.losslessEncoding(bitDepth: facts.bitDepth)
        case "mp4a":
            facts.codec = "AAC"
            if let esds = extensions.first(where: { $0.type == "esds" }), let average = averageBitrate(esds: esds.body) {
                facts.bitrate = average
                facts.encoding = MP3Reader.cbrEncoding(average)
            }
        default:
            facts.codec = entry.type
        }
        if let ilst = child(["udta", "meta", "ilst"], in: moovBody) { readTags(ilst, into: &facts) }
        if let chpl = child(["udta", "chpl"], in: moovBody) { facts.chapters = chapters(chpl) }
        if facts.chapters.isEmpty { facts.chapters = QuickTimeChapters.read(moov: moovBody, audioTrack: track.body, samples: samples) }
        return facts
    }

    /// Nero chapters: version, flags, 4 reserved bytes, a count, then per
    /// chapter a start in 100 ns units and a length-prefixed UTF-8 title.
    private static func chapters(_ chpl: ArraySlice<UInt8>) -> [AudioFacts.Chapter] {
        var reader = ByteReader(Array(chpl))
        guard reader.skip(8), let count = reader.uint8() else { return [] }
        var chapters: [AudioFacts.Chapter] = []
        for _ in 0..<count {
            guard let start = reader.bigEndian(8), let length = reader.uint8(), let title = reader.text(Int(length)) else { break }
            chapters.append(AudioFacts.Chapter(startMilliseconds: Int64(start / 10_000), title: title))
        }
        return chapters
    }

    private static func isSound(_ hdlr: ArraySlice<UInt8>) -> Bool {
        hdlr.count >= 12 && latin1(hdlr.dropFirst(8).prefix(4)) == "soun"
    }

    /// ES_Descriptor (3) → DecoderConfigDescriptor (4) → avgBitrate.
    private static func averageBitrate(esds: ArraySlice<UInt8>) -> Int? {
        var reader = ByteReader(Array(esds.dropFirst(4)))
        guard reader.uint8() == 3, descriptorLength(&reader) != nil, reader.skip(2), let flags = reader.uint8() else { return nil }
        if flags & 0x80 != 0 { _ = reader.skip(2) }
        if flags & 0x40 != 0, let length = reader.uint8() { _ = reader.skip(Int(length)) }
        if flags & 0x20 != 0 { _ = reader.skip(2) }
        guard reader.uint8() == 4, descriptorLength(&reader) != nil, reader.skip(1 + 1 + 3 + 4), let average = reader.bigEndian(4) else { return nil }
        return average > 0 ? Int(average) : nil
    }

    /// A descriptor's length: up to four bytes, seven bits each, high bit for "more".
    private static func descriptorLength(_ reader: inout ByteReader) -> Int? {
        var length = 0
        for _ in 0..<4 {
            guard let byte = reader.uint8() else { return nil }
            length = length << 7 | Int(byte & 0x7f)
            if byte & 0x80 == 0 { return length }
        }
        return length
    }

    private static func readTags(_ ilst: ArraySlice<UInt8>, into facts: inout AudioFacts) {
        for item in boxes(ilst) {
            let children = boxes(item.body)
            var key = item.type
            if key == "----" {
                let mean = children.first { $0.type == "mean" }.map { String(decoding: $0.body.dropFirst(4), as: UTF8.self) } ?? ""
                let name = children.first { $0.type == "name" }.map { String(decoding: $0.body.dropFirst(4), as: UTF8.self) } ?? ""
                key = "----:\(mean):\(name)"
            }
            for data in children where data.type == "data" && data.body.count >= 8 {
                let kind = Int(data.body[data.body.startIndex + 1]) << 16 | Int(data.body[data.body.startIndex + 2]) << 8 | Int(data.body[data.body.startIndex + 3])
                let value = data.body.dropFirst(8)
                switch (key, kind) {
                case ("covr", _):
                    facts.pictures.append(AudioFacts.Picture(
                        type: 3, mimeType: kind == 14 ? "image/png" : "image/jpeg", description: "", width: 0, height: 0, byteCount: value.count, data: Array(value)))
                case ("trkn", _), ("disk", _):
                    var pair = ByteReader(Array(value))
                    if pair.skip(2), let number = pair.bigEndian(2), let total = pair.bigEndian(2) {
                        facts.tags[key, default: []].append("\(number)/\(total)")
                    }
                case (_, 1):
                    facts.tags[key, default: []].append(String(decoding: value, as: UTF8.self))
                case (_, 21) where value.count <= 8, (_, 0) where value.count <= 8:
                    facts.tags[key, default: []].append(String(value.reduce(0) { $0 << 8 | Int($1) }))
                default:
                    continue
                }
            }
        }
    }

    static func latin1(_ bytes: some Sequence<UInt8>) -> String {
        String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }
}
