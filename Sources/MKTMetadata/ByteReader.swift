/// A cursor over untrusted bytes: every read is checked against what is
/// left, so a lying length field ends in `nil`, never in a trap.
struct ByteReader {
    let bytes: [UInt8]
    private(set) var position: Int

    init(_ bytes: [UInt8], at position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    var remaining: Int { bytes.count - position }

    mutating func take(_ count: Int) -> ArraySlice<UInt8>? {
        guard count >= 0, count <= remaining else { return nil }
        defer { position += count }
        return bytes[position..<(position + count)]
    }

    mutating func skip(_ count: Int) -> Bool { take(count) != nil }

    mutating func uint8() -> UInt8? { take(1)?.first }

    mutating func bigEndian(_ width: Int) -> UInt64? {
        take(width)?.reduce(0) { $0 << 8 | UInt64($1) }
    }

    mutating func littleEndian(_ width: Int) -> UInt64? {
        take(width)?.reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// A length-prefixed UTF-8 string (invalid bytes become U+FFFD: tags are often wrong).
    mutating func text(_ count: Int) -> String? {
        take(count).map { String(decoding: $0, as: UTF8.self) }
    }
}
