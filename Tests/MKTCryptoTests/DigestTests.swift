import Foundation
import MKTCrypto
import Testing

struct DigestTests {
    // FIPS 180-2 test vectors.
    @Test(arguments: [
        ("", "da39a3ee5e6b4b0d3255bfef95601890afd80709", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
    ])
    func knownVectors(input: String, sha1: String, sha256: String) {
        #expect(Hex.encode(DigestAlgorithm.sha1.digest(Data(input.utf8))) == sha1)
        #expect(Hex.encode(DigestAlgorithm.sha256.digest(Data(input.utf8))) == sha256)
    }

    @Test func incrementalEqualsOneShot() {
        let data = Data((0..<100_000).map { UInt8(truncatingIfNeeded: $0 * 7) })
        for algorithm in DigestAlgorithm.allCases {
            let context = DigestContext(algorithm)
            var offset = 0
            for size in [0, 1, 63, 64, 65, 4096, 30_000] {
                context.update(data[offset..<(offset + size)])
                offset += size
            }
            context.update(data[offset...])
            #expect(context.finish() == algorithm.digest(data))
        }
    }

    @Test func hexRoundTrip() {
        let bytes: [UInt8] = [0x00, 0x0f, 0xf0, 0xab, 0xff]
        #expect(Hex.encode(bytes) == "000ff0abff")
        #expect(Hex.decode("000FF0abff") == bytes)
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
    }
}
