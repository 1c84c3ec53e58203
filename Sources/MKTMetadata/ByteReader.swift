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

extension Int64 {
    /// `self × multiplier ÷ divisor` without overflow in between (durations and
    /// bitrates from a file's 64-bit counters); nil when an input is negative,
    /// the divisor is zero, or the result does not fit.
    func scaled(by multiplier: Int64, dividedBy divisor: Int64) -> Int64? {
        guard self >= 0, multiplier >= 0, divisor > 0 else { return nil }
        let product = UInt64(self).multipliedFullWidth(by: UInt64(multiplier))
        guard product.high < UInt64(divisor) else { return nil }
        let quotient = UInt64(divisor).dividingFullWidth(product).quotient
        return quotient <= UInt64(Int64.max) ? Int64(quotient) : nil
    }
}
