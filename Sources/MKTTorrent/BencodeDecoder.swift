/// A strict bencode decoder for untrusted input. It accepts only canonical
/// bencode (sorted unique keys, integers without leading zeros or `-0`), so
/// re-encoding what it returns gives back the input byte for byte; that is
/// what makes an infohash computed from the decoded `info` trustworthy.
/// Every limit is checked before memory is spent. The defaults sit near
/// libtorrent's (10 MB, 3 million tokens, depth 100) and far above what a
/// real release needs: a 20,000-file torrent is about 1.5 MB and 100,000 values.
public struct BencodeDecoder: Sendable {
    public var maximumDepth = 64
    public var maximumInputSize = 16 << 20
    public var maximumItemCount = 1_000_000

    public init() {}

    public func decode(_ bytes: [UInt8]) throws(BencodeError) -> Bencode {
        guard bytes.count <= maximumInputSize else {
            throw BencodeError(offset: 0, reason: "input is \(bytes.count) bytes, more than the \(maximumInputSize)-byte limit")
        }
        var parser = Parser(bytes: bytes, limits: self)
        let value = try parser.value(depth: 0)
        guard parser.position == bytes.count else {
            throw BencodeError(offset: parser.position, reason: "unexpected data after the end of the value")
        }
        return value
    }

    private struct Parser {
        let bytes: [UInt8]
        let limits: BencodeDecoder
        var position = 0
        var items = 0

        init(bytes: [UInt8], limits: BencodeDecoder) {
            self.bytes = bytes
            self.limits = limits
        }

        mutating func value(depth: Int) throws(BencodeError) -> Bencode {
            guard depth <= limits.maximumDepth else { throw fail("nesting deeper than \(limits.maximumDepth) levels") }
            items += 1
            guard items <= limits.maximumItemCount else { throw fail("more than \(limits.maximumItemCount) values") }
            guard position < bytes.count else { throw fail("unexpected end of data") }
            switch bytes[position] {
            case UInt8(ascii: "i"):
                let start = position
                position += 1
                return .integer(try integer(until: UInt8(ascii: "e"), valueStart: start))
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                return .bytes(try byteString())
            case UInt8(ascii: "l"):
                position += 1
                var items: [Bencode] = []
                while true {
                    guard position < bytes.count else { throw fail("unterminated list") }
                    if bytes[position] == UInt8(ascii: "e") { break }
                    items.append(try value(depth: depth + 1))
                }
                position += 1
                return .list(items)
            case UInt8(ascii: "d"):
                position += 1
                var dictionary = BencodeDictionary()
                var previous: [UInt8]?
                while true {
                    guard position < bytes.count else { throw fail("unterminated dictionary") }
                    if bytes[position] == UInt8(ascii: "e") { break }
                    let keyOffset = position
                    guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) else {
                        throw fail("dictionary key is not a byte string")
                    }
                    let key = try byteString()
                    if let previous {
                        if previous == key { throw BencodeError(offset: keyOffset, reason: "duplicate dictionary key '\(printable(key))'") }
                        if !previous.lexicographicallyPrecedes(key) {
                            throw BencodeError(offset: keyOffset, reason: "dictionary keys not in sorted order at '\(printable(key))'")
                        }
                    }
                    dictionary.appendSorted(key, try value(depth: depth + 1))
                    previous = key
                }
                position += 1
                return .dictionary(dictionary)
            default:
                throw fail("unexpected byte 0x\(String(bytes[position], radix: 16)), expected i, l, d or a digit")
            }
        }

        /// `<length>:<bytes>`; the length is checked against what is left before anything is copied.
        mutating func byteString() throws(BencodeError) -> [UInt8] {
            let start = position
            let length = try integer(until: UInt8(ascii: ":"), valueStart: start)
            guard length >= 0 else { throw BencodeError(offset: start, reason: "negative string length") }
            guard length <= bytes.count - position else {
                throw BencodeError(offset: start, reason: "string length \(length) runs past the end of the data")
            }
            let value = Array(bytes[position..<(position + Int(length))])
            position += Int(length)
            return value
        }

        /// Decimal digits up to `terminator`: optional '-', no leading zeros, no '-0', no overflow.
        /// Errors about the number as a whole point at `valueStart`.
        mutating func integer(until terminator: UInt8, valueStart start: Int) throws(BencodeError) -> Int64 {
            var negative = false
            if position < bytes.count && bytes[position] == UInt8(ascii: "-") {
                negative = true
                position += 1
            }
            let digitsStart = position
            var value: Int64 = 0
            while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
                let digit = Int64(bytes[position] - UInt8(ascii: "0"))
                let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
                let (next, overflowB) = shifted.addingReportingOverflow(digit)
                guard !overflowA && !overflowB else { throw BencodeError(offset: start, reason: "integer does not fit in 64 bits") }
                value = next
                position += 1
            }
            let digitCount = position - digitsStart
            guard digitCount > 0 else { throw BencodeError(offset: digitsStart, reason: "expected digits") }
            guard position < bytes.count, bytes[position] == terminator else {
                throw BencodeError(offset: position, reason: position < bytes.count ? "unexpected byte in a number" : "unexpected end of data")
            }
            if digitCount > 1 && bytes[digitsStart] == UInt8(ascii: "0") { throw BencodeError(offset: start, reason: "integer with a leading zero") }
            if negative && value == 0 { throw BencodeError(offset: start, reason: "negative zero") }
            position += 1
            return negative ? -value : value
        }

        func fail(_ reason: String) -> BencodeError { BencodeError(offset: position, reason: reason) }

        func printable(_ key: [UInt8]) -> String {
            String(decoding: key.prefix(40), as: UTF8.self).unicodeScalars
                .map { $0.value < 0x20 || $0.value == 0x7f ? "?" : String($0) }.joined()
        }
    }
}

/// Why bencoded data was refused, and where.
public struct BencodeError: Error, Equatable, Sendable, CustomStringConvertible {
    public let offset: Int
    public let reason: String

    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "bad bencode at byte \(offset): \(reason)" }
}
