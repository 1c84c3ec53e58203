import Foundation

/// The text of a rip log from its bytes. EAC writes UTF-16LE with a BOM, XLD
/// and whipper UTF-8; logs that people re-saved come in legacy code pages
/// (OPSnet/Logchecker src/Util.php decodeEncoding guesses those with chardet;
/// mkt instead tries a short list of code pages and keeps the one whose
/// decoding reads as a language EAC writes, see `EACLanguages.bestDecoding`).
enum LogText {
    /// Code pages re-saved logs come in, Western European first (the tie-break for English logs).
    static let legacyCodePages: [String.Encoding] = [.windowsCP1252, .windowsCP1250, .windowsCP1251, .shiftJIS, .macOSRoman, .isoLatin1]

    static func decode(_ bytes: [UInt8]) -> String? {
        if bytes.starts(with: [0xFF, 0xFE]) {
            return String(bytes: bytes.dropFirst(2), encoding: .utf16LittleEndian)
        }
        if bytes.starts(with: [0xFE, 0xFF]) {
            return String(bytes: bytes.dropFirst(2), encoding: .utf16BigEndian)
        }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            return String(bytes: bytes.dropFirst(3), encoding: .utf8)
        }
        if let text = String(bytes: bytes, encoding: .utf8) { return text }
        // UTF-16LE without its BOM: every other byte of ASCII text is zero.
        if bytes.count >= 64, bytes.count % 2 == 0, bytes.prefix(64).enumerated().allSatisfy({ $0.offset % 2 == 0 || $0.element == 0 }) {
            return String(bytes: bytes, encoding: .utf16LittleEndian)
        }
        let candidates = legacyCodePages.compactMap { String(bytes: bytes, encoding: $0) }
        return EACLanguages.bestDecoding(candidates)
    }
}
