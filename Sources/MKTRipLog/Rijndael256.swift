/// Rijndael with a 256-bit block and a 256-bit key (Nb = 8, Nk = 8, 14 rounds),
/// encryption only. AES fixes the block at 128 bits, so OpenSSL cannot do this;
/// EAC's log checksum needs it (OPSnet/eac_logchecker.py eac_logchecker.py,
/// OPSnet/Logchecker src/Check/Checksum/EAC.php). Written from the Rijndael
/// specification (Daemen & Rijmen, "AES Proposal: Rijndael", section 4):
/// state columns of 4 bytes, ShiftRows offsets 1, 3, 4 for Nb = 8.
struct Rijndael256 {
    static let blockSize = 32
    private static let columns = 8
    private static let rounds = 14

    private let roundKeys: [UInt8]

    init(key: [UInt8]) {
        precondition(key.count == 32, "a Rijndael-256 key is 32 bytes")
        roundKeys = Self.expand(key)
    }

    /// CBC over whole blocks with the given IV; returns the ciphertext.
    func encryptCBC(_ plaintext: [UInt8], iv: [UInt8]) -> [UInt8] {
        var previous = iv
        var output: [UInt8] = []
        output.reserveCapacity(plaintext.count)
        var offset = 0
        while offset + Self.blockSize <= plaintext.count {
            var block = previous
            for index in 0..<Self.blockSize { block[index] ^= plaintext[offset + index] }
            encrypt(&block)
            output += block
            previous = block
            offset += Self.blockSize
        }
        return output
    }

    func encrypt(_ state: inout [UInt8]) {
        let sbox = Self.sbox
        var scratch = [UInt8](repeating: 0, count: Self.blockSize)
        addRoundKey(&state, round: 0)
        for round in 1...Self.rounds {
            // SubBytes and ShiftRows together: byte `row` of column `column` is at `column * 4 + row`; row r moves left by 0, 1, 3, 4 columns.
            for column in 0..<Self.columns {
                for row in 0..<4 {
                    scratch[column * 4 + row] = sbox[Int(state[((column + Self.shifts[row]) % Self.columns) * 4 + row])]
                }
            }
            if round != Self.rounds {
                for column in 0..<Self.columns {
                    let base = column * 4
                    let (a0, a1, a2, a3) = (scratch[base], scratch[base + 1], scratch[base + 2], scratch[base + 3])
                    state[base] = Self.times2(a0) ^ Self.times2(a1) ^ a1 ^ a2 ^ a3
                    state[base + 1] = a0 ^ Self.times2(a1) ^ Self.times2(a2) ^ a2 ^ a3
                    state[base + 2] = a0 ^ a1 ^ Self.times2(a2) ^ Self.times2(a3) ^ a3
                    state[base + 3] = Self.times2(a0) ^ a0 ^ a1 ^ a2 ^ Self.times2(a3)
                }
            } else {
                state = scratch
            }
            addRoundKey(&state, round: round)
        }
    }

    private static let shifts = [0, 1, 3, 4]

    private func addRoundKey(_ state: inout [UInt8], round: Int) {
        let base = round * Self.blockSize
        for index in 0..<Self.blockSize { state[index] ^= roundKeys[base + index] }
    }

    private static func times2(_ byte: UInt8) -> UInt8 { (byte << 1) ^ (byte & 0x80 != 0 ? 0x1B : 0) }

    private static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        var (a, b, product) = (a, b, UInt8(0))
        while b != 0 {
            if b & 1 != 0 { product ^= a }
            a = times2(a)
            b >>= 1
        }
        return product
    }

    /// The S-box: the multiplicative inverse in GF(2^8), then the affine map with 0x63.
    private static let sbox: [UInt8] = (0...255).map { value in
        let byte = UInt8(value)
        let inverse = byte == 0 ? 0 : (1...255).map(UInt8.init).first { multiply(byte, $0) == 1 } ?? 0
        var result = inverse
        for shift in 1...4 { result ^= (inverse << shift) | (inverse >> (8 - shift)) }
        return result ^ 0x63
    }

    /// Key expansion for Nk = 8: (rounds + 1) × Nb words of 4 bytes, laid out round by round.
    private static func expand(_ key: [UInt8]) -> [UInt8] {
        let keyWords = 8
        let total = columns * (rounds + 1)
        var words: [[UInt8]] = stride(from: 0, to: 32, by: 4).map { Array(key[$0..<$0 + 4]) }
        var roundConstant: UInt8 = 1
        for index in keyWords..<total {
            var word = words[index - 1]
            if index % keyWords == 0 {
                word = [sbox[Int(word[1])] ^ roundConstant, sbox[Int(word[2])], sbox[Int(word[3])], sbox[Int(word[0])]]
                roundConstant = times2(roundConstant)
            } else if index % keyWords == 4 {
                word = word.map { sbox[Int($0)] }
            }
            words.append((0..<4).map { words[index - keyWords][$0] ^ word[$0] })
        }
        return words.flatMap { $0 }
    }
}
