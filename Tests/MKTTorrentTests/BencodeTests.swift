import MKTTorrent
import Testing

struct BencodeTests {
    private func decode(_ text: String) throws(BencodeError) -> Bencode {
        try BencodeDecoder().decode(Array(text.utf8))
    }

    @Test func encodingIsCanonical() {
        var dictionary = BencodeDictionary()
        dictionary["zeta"] = .integer(-3)
        dictionary["alpha"] = .list([.string("x"), .integer(0)])
        dictionary["Beta"] = .bytes([0, 255])
        dictionary["alpha "] = .dictionary([:])
        let bytes = Bencode.dictionary(dictionary).encoded()
        #expect(bytes == Array("d4:Beta2:".utf8) + [0, 255] + Array("5:alphal1:xi0ee6:alpha de4:zetai-3ee".utf8))
    }

    @Test(arguments: ["i0e", "i-42e", "i9223372036854775807e", "0:", "4:spam", "le", "de", "d1:ai1e1:bl1:cee", "ld1:xi1eeli2eee"])
    func canonicalInputRoundTrips(text: String) throws {
        #expect(try decode(text).encoded() == Array(text.utf8))
    }

    @Test(arguments: [
        ("", 0, "unexpected end of data"),
        ("i01e", 0, "integer with a leading zero"),
        ("i-0e", 0, "negative zero"),
        ("ie", 1, "expected digits"),
        ("i12", 3, "unexpected end of data"),
        ("i9223372036854775808e", 0, "integer does not fit in 64 bits"),
        ("i1x", 2, "unexpected byte in a number"),
        ("05:hello", 0, "integer with a leading zero"),
        ("10:short", 0, "string length 10 runs past the end of the data"),
        ("99999999999999999999:x", 0, "integer does not fit in 64 bits"),
        ("l1:a", 4, "unterminated list"),
        ("d1:b1:x1:a1:ye", 7, "dictionary keys not in sorted order at 'a'"),
        ("d1:a1:x1:a1:ye", 7, "duplicate dictionary key 'a'"),
        ("di1e1:xe", 1, "dictionary key is not a byte string"),
        ("i1ei2e", 3, "unexpected data after the end of the value"),
        ("x", 0, "unexpected byte 0x78, expected i, l, d or a digit"),
    ])
    func strictDecoderNamesOffsetAndReason(text: String, offset: Int, reason: String) {
        #expect(throws: BencodeError(offset: offset, reason: reason)) { try decode(text) }
    }

    @Test func limitsAreCheckedBeforeWork() {
        let deep = String(repeating: "l", count: 100_000) + String(repeating: "e", count: 100_000)
        #expect(throws: BencodeError(offset: 65, reason: "nesting deeper than 64 levels")) { try decode(deep) }
        var small = BencodeDecoder()
        small.maximumInputSize = 8
        #expect(throws: BencodeError(offset: 0, reason: "input is 9 bytes, more than the 8-byte limit")) {
            try small.decode(Array("123456789".utf8))
        }
        small = BencodeDecoder()
        small.maximumItemCount = 3
        #expect(throws: BencodeError(offset: 7, reason: "more than 3 values")) { try small.decode(Array("li1ei2ei3ee".utf8)) }
    }
}
