import Foundation

/// Whether a log's own checksum, the one its ripper signs it with, matches its text.
public enum ChecksumVerdict: String, Sendable, Codable {
    case ok, missing, invalid
}

/// EAC's log checksum (OPSnet/eac_logchecker.py eac_logchecker.py; the PHP port
/// OPSnet/Logchecker src/Check/Checksum/EAC.php): the log's text without line
/// breaks or BOMs, as UTF-16LE, zero-padded to 32 bytes, encrypted with
/// Rijndael-256 in CBC mode under a fixed key and a zero IV; the last cipher
/// block in upper-case hex follows `==== Log checksum`. Each log of a combined
/// file is checked; after the first, the 60-dash separator EAC puts between
/// them is not part of what was signed.
enum EACChecksum {
    /// The fixed key (a fact from both references above).
    static let key: [UInt8] = hexBytes("9378716cf13e4265ae55338e940b376184da389e50647726b35f6f341ee3efd9")
    /// EAC cannot write a line of 8192 characters or more; such a log was not written by it.
    static let lineLimit = 8192

    private static let separator = Pattern(#"\n\n==== .* [A-Z0-9]+ ===="#, caseInsensitive: false)
    private static let signatureLine = Pattern(#"\n\n==== (.*) ([A-Z0-9]+) ===="#, caseInsensitive: false)
    private static let dashes = Pattern(#"[^-]-{60}[^-]"#, caseInsensitive: false)

    static func verdict(_ bytes: [UInt8]) -> ChecksumVerdict {
        guard var text = String(bytes: bytes.count % 2 == 0 ? bytes : Array(bytes.dropLast()), encoding: .utf16LittleEndian) else { return .missing }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        text = text.replacingOccurrences(of: "\r\n", with: "\n")
        if let nul = text.firstIndex(of: "\0") { text = String(text[..<nul]) }
        guard text.split(separator: "\n", omittingEmptySubsequences: false).allSatisfy({ $0.count + 1 <= lineLimit }) else { return .missing }
        let verdicts = entries(of: text).map(verify)
        if verdicts.contains(.invalid) { return .invalid }
        if verdicts.contains(.missing) || verdicts.isEmpty { return .missing }
        return .ok
    }

    /// The signed logs of a file: each text with its checksum line, and whether its separator was missing.
    private static func entries(of text: String) -> [(text: String, modified: Bool)] {
        let segments = separator.splitKeepingSeparators(text).filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        guard segments.count > 1 else { return [(segments.first ?? "", false)] }
        let paired = segments.count - segments.count % 2
        var logs: [(String, Bool)] = []
        for index in stride(from: 0, to: paired, by: 2) {
            var log = segments[index] + segments[index + 1]
            var modified = false
            if index > 0 {
                let removal = dashes.removing(from: log, all: false)
                log = removal.text
                modified = removal.removed == 0
            }
            logs.append((log, modified))
        }
        logs += segments[paired...].map { ($0, false) }
        return logs
    }

    private static func verify(_ entry: (text: String, modified: Bool)) -> ChecksumVerdict {
        // The ripper's line must open the log, before any other line that starts with a letter.
        var isEAC = false
        for line in entry.text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("Exact Audio Copy") { isEAC = true; break }
            if let first = line.unicodeScalars.first, first.isASCII, CharacterSet.letters.contains(first) { break }
        }
        guard isEAC, let match = signatureLine.first(in: entry.text),
            let cut = entry.text.range(of: "\n\n==== " + match[1]) else { return .missing }
        let unsigned = String(entry.text[..<cut.lowerBound])
        let rest = entry.text[cut.upperBound...].split(whereSeparator: { $0.isWhitespace })
        guard let claimed = rest.first else { return .missing }
        return !entry.modified && String(claimed) == checksum(of: unsigned) ? .ok : .invalid
    }

    static func checksum(of unsigned: String) -> String {
        let text = unsigned.unicodeScalars.filter { !["\r", "\n", "\u{FEFF}", "\u{FFFE}"].contains($0) }
        var plaintext = String(String.UnicodeScalarView(text)).utf16.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)] }
        guard !plaintext.isEmpty else { return String(repeating: "00", count: 32) }
        while plaintext.count % Rijndael256.blockSize != 0 { plaintext.append(0) }
        let cipher = Rijndael256(key: key).encryptCBC(plaintext, iv: [UInt8](repeating: 0, count: Rijndael256.blockSize))
        return cipher.suffix(Rijndael256.blockSize).map { String(format: "%02X", $0) }.joined()
    }

    static func hexBytes(_ hex: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex), index != hex.endIndex {
            bytes.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return bytes
    }
}

/// XLD's log signature (OPSnet/xld_logchecker.py xld_logchecker.py; the PHP
/// port OPSnet/Logchecker src/Check/Checksum/XLD.php): SHA-256 from XLD's own
/// initial state over the text before the signature block, its lower-case hex
/// digest with "\nVersion=0001" appended, run through XLD's scrambling rounds,
/// then base64 with XLD's alphabet and no padding. A signature from an XLD
/// older than 20121027 is taken as forged.
enum XLDChecksum {
    static let initialState: [UInt32] = [0x1D95_E3A4, 0x0652_0EF5, 0x3A9C_FB75, 0x6104_BCAE, 0x09CE_DA82, 0xBA55_E60B, 0xEAEC_16C6, 0xEB19_AF15]
    static let magic: [UInt32] = [0x9903_6946, 0xE99D_B8E7, 0xE3AE_2FA7, 0x0A33_9740, 0xF06E_B6A9, 0x92FF_9B65, 0x028F_7873, 0x9070_E316]
    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._")
    static let oldestTrusted = "20121027"
    static let begin = "\n-----BEGIN XLD SIGNATURE-----\n"
    static let end = "\n-----END XLD SIGNATURE-----\n"

    static func verdict(_ bytes: [UInt8]) -> ChecksumVerdict {
        guard let text = String(bytes: bytes, encoding: .utf8) else { return .missing }
        let firstLine = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let version = firstLine.hasPrefix("X Lossless Decoder version") ? firstLine.split(whereSeparator: { $0.isWhitespace }).dropFirst(4).first.map(String.init) : nil
        guard let beginRange = text.range(of: begin) else { return .missing }
        let signed = String(text[..<beginRange.lowerBound])
        let remainder = text[beginRange.upperBound...]
        let claimed = (remainder.range(of: end).map { remainder[..<$0.lowerBound] } ?? remainder).trimmingCharacters(in: .whitespacesAndNewlines)
        guard claimed == signature(of: Array(signed.utf8)) else { return .invalid }
        guard let version, version > oldestTrusted else { return .invalid }
        return .ok
    }

    static func signature(of signed: [UInt8]) -> String {
        let digest = SHA256.digest(signed, initialState: initialState).map { String(format: "%02x", $0) }.joined()
        let scrambled = scramble(Array((digest + "\nVersion=0001").utf8))
        return base64(scrambled)
    }

    private static func scramble(_ input: [UInt8]) -> [UInt8] {
        var data = input
        var unaligned: [UInt8] = []
        if data.count % 8 != 0 {
            let stop = data.count / 8 * 8
            unaligned = Array(data[stop...])
            data = Array(data[..<stop]) + [UInt8](repeating: 0, count: 8)
        }
        func word(_ offset: Int) -> UInt32 { (0..<4).reduce(UInt32(0)) { $0 << 8 | UInt32(data[offset + $1]) } }
        func rotateLeft(_ value: UInt32, _ count: UInt32) -> UInt32 { (value << count) | (value >> (32 - count)) }
        var blocks: [[UInt8]] = []
        var (x, y): (UInt32, UInt32) = (0x6479_B873, 0x4885_3AFC)
        for offset in stride(from: 0, to: data.count, by: 8) {
            x ^= word(offset)
            y ^= word(offset + 4)
            for _ in 0..<4 {
                for half in 0..<2 {
                    y ^= x
                    let a = magic[4 * half] &+ y
                    let b = a &- 1 &+ rotateLeft(a, 1)
                    x ^= b ^ rotateLeft(b, 4)
                    let c = magic[4 * half + 1] &+ x
                    let d = c &+ 1 &+ rotateLeft(c, 2)
                    let e = magic[4 * half + 2] &+ (d ^ rotateLeft(d, 8))
                    let f = rotateLeft(e, 1) &- e
                    y ^= (x | f) ^ rotateLeft(f, 16)
                    let g = magic[4 * half + 3] &+ y
                    x ^= g &+ 1 &+ rotateLeft(g, 2)
                }
            }
            blocks.append([x, y].flatMap { value in [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> UInt32($0)) } })
        }
        if !unaligned.isEmpty, let last = blocks.popLast() {
            blocks.append(unaligned.enumerated().map { last[$0.offset] ^ $0.element })
        }
        return blocks.flatMap { $0 }
    }

    /// Base64 with XLD's alphabet, padding dropped.
    private static func base64(_ bytes: [UInt8]) -> String {
        var output = ""
        for start in stride(from: 0, to: bytes.count, by: 3) {
            let chunk = Array(bytes[start..<min(start + 3, bytes.count)])
            let value = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << UInt32(16 - 8 * $1.offset) }
            for index in 0..<(chunk.count + 1) { output.append(alphabet[Int((value >> UInt32(18 - 6 * index)) & 0x3F)]) }
        }
        return output
    }
}

/// whipper's log hash (OPSnet/Logchecker src/Check/Checksum/Whipper.php): the
/// last line is `SHA-256 hash: HEX`, the SHA-256 of every line before it
/// (the log trimmed, lines joined by "\n").
enum WhipperChecksum {
    private static let hashLine = Pattern(#"SHA-256 hash: ([A-Z0-9]+)$"#, caseInsensitive: false)

    static func verdict(_ text: String) -> ChecksumVerdict {
        let log = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let claimed = hashLine.first(in: log)?[1] else { return .missing }
        let lines = log.components(separatedBy: "\n")
        let hashed = lines.dropLast().joined(separator: "\n")
        let digest = SHA256.digest(Array(hashed.utf8)).map { String(format: "%02x", $0) }.joined()
        return digest == claimed.lowercased() ? .ok : .invalid
    }
}
