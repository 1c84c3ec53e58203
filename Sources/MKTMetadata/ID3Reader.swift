/// ID3v2.2, 2.3 and 2.4 tags: frames keyed as mutagen keys them (2.2's
/// three-letter ids mapped to their 2.3 names; `TXXX:<description>`,
/// `COMM:<description>:<language>`), text in all four encodings, tag-wide
/// (2.3) and per-frame (2.4) unsynchronisation, APIC/PIC pictures.
enum ID3Reader {
    /// Reads the tag at the start of `bytes` into `facts`; returns its length.
    static func read(_ bytes: [UInt8], into facts: inout AudioFacts) -> Int {
        let length = ID3Skip.length(bytes)
        guard length > 10 else { return length }
        let version = bytes[3]
        let flags = bytes[5]
        guard (2...4).contains(version) else { return length }
        var body = Array(bytes[10..<min(length, bytes.count)])
        if version < 4 && flags & 0x80 != 0 { body = resynchronise(body) }
        var reader = ByteReader(body)
        if flags & 0x40 != 0, version >= 3, let size = reader.bigEndian(4) {
            // The extended header's size counts itself in 2.4 (syncsafe) but not in 2.3.
            _ = reader.skip(version == 4 ? max(0, Int(syncsafe(size)) - 4) : Int(size))
        }
        while reader.remaining > (version == 2 ? 6 : 10) {
            guard let frame = nextFrame(&reader, version: version) else { break }
            apply(frame.id, frame.data, version: version, to: &facts)
        }
        return length
    }

    private static func nextFrame(_ reader: inout ByteReader, version: UInt8) -> (id: String, data: [UInt8])? {
        let idLength = version == 2 ? 3 : 4
        guard let idBytes = reader.take(idLength), idBytes.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x5a).contains($0) }) else {
            return nil  // padding, or garbage: the frames are over
        }
        var id = String(decoding: idBytes, as: UTF8.self)
        let size: Int
        var frameFlags: UInt64 = 0
        if version == 2 {
            guard let raw = reader.bigEndian(3) else { return nil }
            size = Int(raw)
            id = version22Names[id] ?? id
        } else {
            guard let raw = reader.bigEndian(4), let flags = reader.bigEndian(2) else { return nil }
            size = Int(version == 4 ? syncsafe(raw) : raw)
            frameFlags = flags
        }
        guard var data = reader.take(size).map(Array.init) else { return nil }
        if version == 4 {
            if frameFlags & 0x0002 != 0 { data = resynchronise(data) }
            if frameFlags & 0x0001 != 0 { data = Array(data.dropFirst(4)) }
            if frameFlags & 0x000c != 0 { return (id, []) }  // compressed or encrypted: not read
        } else if version == 3 && frameFlags & 0x00c0 != 0 {
            return (id, [])
        }
        return (id, data)
    }

    private static func apply(_ id: String, _ data: [UInt8], version: UInt8, to facts: inout AudioFacts) {
        guard let encoding = data.first else { return }
        let payload = Array(data.dropFirst())
        switch id {
        case "TXXX":
            let parts = splitText(payload, encoding: encoding)
            guard let description = parts.first else { return }
            facts.tags["TXXX:\(description)", default: []] += Array(parts.dropFirst())
        case "COMM", "USLT":
            guard payload.count >= 3 else { return }
            let language = String(decoding: payload[0..<3], as: UTF8.self)
            let parts = splitText(Array(payload.dropFirst(3)), encoding: encoding, limit: 2)
            guard parts.count == 2 else { return }
            facts.tags["\(id):\(parts[0]):\(language)", default: []].append(parts[1])
        case "APIC":
            var reader = ByteReader(payload)
            let mimeEnd = payload.firstIndex(of: 0) ?? payload.count
            guard let mime = reader.take(mimeEnd).map({ String(decoding: $0, as: UTF8.self) }), reader.skip(1),
                let type = reader.uint8()
            else { return }
            appendPicture(Array(payload[reader.position...]), type: type, mime: mime, encoding: encoding, to: &facts)
        case "PIC":
            guard payload.count >= 4 else { return }
            let format = String(decoding: payload[0..<3], as: UTF8.self).lowercased()
            appendPicture(Array(payload[4...]), type: payload[3], mime: format == "png" ? "image/png" : "image/jpeg", encoding: encoding, to: &facts)
        case _ where id.hasPrefix("T"):
            var values = splitText(payload, encoding: encoding)
            while values.last == "" { values.removeLast() }
            facts.tags[id, default: []] += version == 4 ? values : Array(values.prefix(1))
        default:
            return
        }
    }

    private static func appendPicture(_ rest: [UInt8], type: UInt8, mime: String, encoding: UInt8, to facts: inout AudioFacts) {
        let (description, data) = splitFirst(rest, encoding: encoding)
        // ID3 does not record the image's size; 0 says "not stated".
        facts.pictures.append(AudioFacts.Picture(type: Int(type), mimeType: mime, description: description, width: 0, height: 0, byteCount: data.count, data: Array(data)))
    }

    // MARK: - Text

    /// Text split at the encoding's terminator (one NUL, or two aligned NULs for UTF-16).
    static func splitText(_ bytes: [UInt8], encoding: UInt8, limit: Int = .max) -> [String] {
        var parts: [String] = []
        var rest = bytes
        while parts.count < limit - 1, let end = terminator(in: rest, encoding: encoding) {
            parts.append(decode(Array(rest[..<end.start]), encoding: encoding))
            rest = Array(rest[end.end...])
        }
        parts.append(decode(rest, encoding: encoding))
        return parts
    }

    private static func splitFirst(_ bytes: [UInt8], encoding: UInt8) -> (String, [UInt8]) {
        guard let end = terminator(in: bytes, encoding: encoding) else { return ("", bytes) }
        return (decode(Array(bytes[..<end.start]), encoding: encoding), Array(bytes[end.end...]))
    }

    private static func terminator(in bytes: [UInt8], encoding: UInt8) -> (start: Int, end: Int)? {
        if encoding == 1 || encoding == 2 {
            var index = 0
            while index + 1 < bytes.count {
                if bytes[index] == 0 && bytes[index + 1] == 0 { return (index, index + 2) }
                index += 2
            }
            return nil
        }
        return bytes.firstIndex(of: 0).map { ($0, $0 + 1) }
    }

    static func decode(_ bytes: [UInt8], encoding: UInt8) -> String {
        switch encoding {
        case 0: return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        case 1, 2:
            var units = stride(from: 0, to: bytes.count - 1, by: 2).map { (bytes[$0], bytes[$0 + 1]) }
            var bigEndian = encoding == 2
            if let first = units.first, encoding == 1 {
                if first == (0xff, 0xfe) { bigEndian = false; units.removeFirst() }
                else if first == (0xfe, 0xff) { bigEndian = true; units.removeFirst() }
            }
            let codeUnits = units.map { bigEndian ? UInt16($0.0) << 8 | UInt16($0.1) : UInt16($0.1) << 8 | UInt16($0.0) }
            return String(decoding: codeUnits, as: UTF16.self)
        default:
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// Undoes unsynchronisation: every 0xFF 0x00 becomes 0xFF.
    static func resynchronise(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var previous: UInt8 = 0
        for byte in bytes {
            if !(previous == 0xff && byte == 0x00) { out.append(byte) }
            previous = previous == 0xff && byte == 0x00 ? 0 : byte
        }
        return out
    }

    static func syncsafe(_ value: UInt64) -> UInt64 {
        (value & 0x7f) | (value >> 1 & 0x3f80) | (value >> 2 & 0x1fc000) | (value >> 3 & 0xfe00000)
    }

    private static let version22Names = [
        "TT1": "TIT1", "TT2": "TIT2", "TT3": "TIT3", "TP1": "TPE1", "TP2": "TPE2", "TP3": "TPE3", "TP4": "TPE4",
        "TAL": "TALB", "TRK": "TRCK", "TPA": "TPOS", "TYE": "TYER", "TCO": "TCON", "TEN": "TENC", "TSS": "TSSE",
        "TCM": "TCOM", "TPB": "TPUB", "TXT": "TEXT", "TLE": "TLEN", "TBP": "TBPM", "TCR": "TCOP", "TDA": "TDAT",
        "TXX": "TXXX", "COM": "COMM", "ULT": "USLT",
    ]
}

/// ID3v1 (the last 128 bytes, "TAG"), read only when there is no ID3v2 tag,
/// into the ID3v2 frames mutagen maps it to.
enum ID3v1Reader {
    static func read(_ tail: [UInt8], into facts: inout AudioFacts) -> Bool {
        guard tail.count >= 128 else { return false }
        let tag = Array(tail.suffix(128))
        guard tag[0] == 0x54, tag[1] == 0x41, tag[2] == 0x47 else { return false }
        func field(_ range: Range<Int>) -> String {
            let bytes = tag[range].prefix { $0 != 0 }
            return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) })).trimmingTrailingSpaces()
        }
        for (key, range) in [("TIT2", 3..<33), ("TPE1", 33..<63), ("TALB", 63..<93), ("TDRC", 93..<97)] {
            let value = field(range)
            if !value.isEmpty { facts.tags[key] = [value] }
        }
        if tag[125] == 0 && tag[126] != 0 { facts.tags["TRCK"] = [String(tag[126])] }
        if tag[127] != 0xff { facts.tags["TCON"] = [Int(tag[127]) < genres.count ? genres[Int(tag[127])] : String(tag[127])] }
        return true
    }

    /// The ID3v1 genre list (the standard's first 80; later numbers were never agreed).
    static let genres = [
        "Blues", "Classic Rock", "Country", "Dance", "Disco", "Funk", "Grunge", "Hip-Hop", "Jazz", "Metal", "New Age", "Oldies",
        "Other", "Pop", "R&B", "Rap", "Reggae", "Rock", "Techno", "Industrial", "Alternative", "Ska", "Death Metal", "Pranks",
        "Soundtrack", "Euro-Techno", "Ambient", "Trip-Hop", "Vocal", "Jazz+Funk", "Fusion", "Trance", "Classical", "Instrumental",
        "Acid", "House", "Game", "Sound Clip", "Gospel", "Noise", "Alt. Rock", "Bass", "Soul", "Punk", "Space", "Meditative",
        "Instrumental Pop", "Instrumental Rock", "Ethnic", "Gothic", "Darkwave", "Techno-Industrial", "Electronic", "Pop-Folk",
        "Eurodance", "Dream", "Southern Rock", "Comedy", "Cult", "Gangsta Rap", "Top 40", "Christian Rap", "Pop/Funk", "Jungle",
        "Native American", "Cabaret", "New Wave", "Psychedelic", "Rave", "Showtunes", "Trailer", "Lo-Fi", "Tribal", "Acid Punk",
        "Acid Jazz", "Polka", "Retro", "Musical", "Rock & Roll", "Hard Rock",
    ]
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var text = Substring(self)
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
