/// QuickTime chapter tracks, as Apple's audiobooks and ffmpeg's `mov`/`mp4`
/// muxer write them: the audio `trak` has `tref/chap` naming a text track
/// by id; each of that track's samples is a chapter (a 16-bit length, then
/// the title), starting at the time its `stts` entry gives, in the text
/// track's `mdhd` timescale. Sample offsets come from `stsc`, `stsz` and
/// `stco`/`co64` (ISO/IEC 14496-12 §8.6–8.7). Every count and offset is
/// untrusted: lists are capped, sums are checked, and a sample that is not
/// there ends the list.
enum QuickTimeChapters {
    /// More chapters than any book has: a count past it is a lie, not a list to walk.
    static let chapterLimit = 10_000
    /// A title longer than this is cut (the text is read no further).
    static let titleLimit = 1024

    static func read(moov: ArraySlice<UInt8>, audioTrack: ArraySlice<UInt8>, samples: MP4Reader.SampleReader) -> [AudioFacts.Chapter] {
        guard let chap = MP4Reader.child(["tref", "chap"], in: audioTrack) else { return [] }
        var ids = ByteReader(Array(chap))
        var wanted: Set<UInt64> = []
        while wanted.count < 16, let id = ids.bigEndian(4) { wanted.insert(id) }
        for box in MP4Reader.boxes(moov) where box.type == "trak" {
            guard let id = trackID(box.body), wanted.contains(id) else { continue }
            let chapters = read(track: box.body, samples: samples)
            if !chapters.isEmpty { return chapters }
        }
        return []
    }

    /// `tkhd`'s track id: after the version, flags and two times (32 or 64 bits each).
    static func trackID(_ track: ArraySlice<UInt8>) -> UInt64? {
        guard let tkhd = MP4Reader.child(["tkhd"], in: track) else { return nil }
        var reader = ByteReader(Array(tkhd))
        guard let version = reader.uint8(), reader.skip(3 + (version == 1 ? 16 : 8)) else { return nil }
        return reader.bigEndian(4)
    }

    static func read(track: ArraySlice<UInt8>, samples: MP4Reader.SampleReader) -> [AudioFacts.Chapter] {
        guard let mdhd = MP4Reader.child(["mdia", "mdhd"], in: track), let stbl = MP4Reader.child(["mdia", "minf", "stbl"], in: track) else { return [] }
        var header = ByteReader(Array(mdhd))
        guard let version = header.uint8(), header.skip(3 + (version == 1 ? 16 : 8)), let scale = header.bigEndian(4), scale > 0,
            let scale64 = Int64(exactly: scale)
        else { return [] }
        let boxes = MP4Reader.boxes(stbl)
        func body(_ type: String) -> [UInt8]? { boxes.first { $0.type == type }.map { Array($0.body) } }
        guard let stts = body("stts").map(startTimes), let offsets = sampleOffsets(boxes: body) else { return [] }
        var chapters: [AudioFacts.Chapter] = []
        for (start, offset) in zip(stts, offsets) {
            guard let length = samples(offset.offset, 2).flatMap({ $0.count == 2 ? Int($0[0]) << 8 | Int($0[1]) : nil }) else { break }
            let count = min(length, max(0, offset.size.subtractingReportingOverflow(2).partialValue), titleLimit)
            let (textOffset, overflow) = offset.offset.addingReportingOverflow(2)
            guard !overflow, let text = count > 0 ? samples(textOffset, count) : [] else { break }
            guard let milliseconds = start.scaled(by: 1000, dividedBy: scale64) else { break }
            chapters.append(AudioFacts.Chapter(startMilliseconds: milliseconds, title: title(text)))
        }
        return chapters
    }

    /// Each sample's start, in the track's timescale, from `stts`'s (count, delta) runs.
    static func startTimes(_ stts: [UInt8]) -> [Int64] {
        var reader = ByteReader(stts)
        guard reader.skip(4), let entries = reader.bigEndian(4) else { return [] }
        var starts: [Int64] = []
        var time: Int64 = 0
        for _ in 0..<min(entries, UInt64(chapterLimit)) {
            guard let count = reader.bigEndian(4), let delta = reader.bigEndian(4).flatMap({ Int64(exactly: $0) }) else { break }
            for _ in 0..<min(count, UInt64(chapterLimit - starts.count)) {
                starts.append(time)
                time = time.clampedAdding(delta)
            }
            if starts.count >= chapterLimit { break }
        }
        return starts
    }

    /// Each sample's place in the file and its size: chunks from `stco`/`co64`,
    /// samples per chunk from `stsc`, sizes from `stsz`.
    static func sampleOffsets(boxes body: (String) -> [UInt8]?) -> [(offset: Int, size: Int)]? {
        guard let stsz = body("stsz"), let stsc = body("stsc") else { return nil }
        var sizes = ByteReader(stsz)
        guard sizes.skip(4), let fixed = sizes.bigEndian(4), let count = sizes.bigEndian(4) else { return nil }
        let sampleCount = Int(min(count, UInt64(chapterLimit)))
        func size(_ index: Int) -> Int? {
            if fixed != 0 { return Int(exactly: fixed) }
            var entry = ByteReader(stsz, at: 12)
            guard entry.skip(index * 4), let value = entry.bigEndian(4) else { return nil }
            return Int(exactly: value)
        }
        let chunks: [Int]
        if let stco = body("stco") { chunks = table(stco, width: 4) } else if let co64 = body("co64") { chunks = table(co64, width: 8) } else { return nil }
        var runs = ByteReader(stsc)
        guard runs.skip(4), let runCount = runs.bigEndian(4) else { return nil }
        var firstChunks: [(first: Int, perChunk: Int)] = []
        for _ in 0..<min(runCount, UInt64(chapterLimit)) {
            guard let first = runs.bigEndian(4), let perChunk = runs.bigEndian(4), runs.skip(4), first >= 1 else { break }
            firstChunks.append((Int(min(first, UInt64(Int32.max))), Int(min(perChunk, UInt64(chapterLimit)))))
        }
        var offsets: [(offset: Int, size: Int)] = []
        for (index, chunkOffset) in chunks.enumerated() where offsets.count < sampleCount {
            let perChunk = firstChunks.last { $0.first <= index + 1 }?.perChunk ?? 0
            var offset = chunkOffset
            for _ in 0..<min(perChunk, sampleCount - offsets.count) {
                guard let sampleSize = size(offsets.count) else { return offsets }
                offsets.append((offset, sampleSize))
                let (next, overflow) = offset.addingReportingOverflow(sampleSize)
                guard !overflow else { return offsets }
                offset = next
            }
        }
        return offsets
    }

    /// A chunk offset table's entries (capped), each a 32- or 64-bit offset that fits an Int.
    static func table(_ box: [UInt8], width: Int) -> [Int] {
        var reader = ByteReader(box)
        guard reader.skip(4), let count = reader.bigEndian(4) else { return [] }
        var entries: [Int] = []
        for _ in 0..<min(count, UInt64(chapterLimit)) {
            guard let value = reader.bigEndian(width), let offset = Int(exactly: value) else { break }
            entries.append(offset)
        }
        return entries
    }

    /// A text sample's title: UTF-16 after a byte order mark, else UTF-8.
    static func title(_ bytes: [UInt8]) -> String {
        if bytes.count >= 2, (bytes[0], bytes[1]) == (0xFE, 0xFF) || (bytes[0], bytes[1]) == (0xFF, 0xFE) {
            let big = bytes[0] == 0xFE
            var units: [UInt16] = []
            for index in stride(from: 2, to: bytes.count - 1, by: 2) {
                let (high, low) = big ? (bytes[index], bytes[index + 1]) : (bytes[index + 1], bytes[index])
                units.append(UInt16(high) << 8 | UInt16(low))
            }
            return String(decoding: units, as: UTF16.self)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
