import Foundation

/// What a release folder's name claims, e.g. `Artist - Album (2019) (Deluxe) [FLAC 24-96] {CAT-001}`.
/// Hints only: the files decide, and a name that contradicts them is reported.
public struct FolderName: Equatable, Sendable {
    public var artist: String?
    public var album: String?
    public var year: Int?
    public var editions: [String] = []
    public var format: String?
    public var bitDepth: Int?
    public var sampleRate: Int?
    public var encoding: String?
    public var media: String?
    public var catalogueNumber: String?

    public init(parsing name: String) {
        let pattern = #"^(.+?) - (.+?)((?: \([^)]*\))*)((?: \[[^\]]*\])*)(?: \{([^}]+)\})?$"#
        guard let match = try? NSRegularExpression(pattern: pattern).firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) else {
            return
        }
        func group(_ index: Int) -> String? {
            Range(match.range(at: index), in: name).map { String(name[$0]) }
        }
        artist = group(1)
        album = group(2)
        catalogueNumber = group(5)
        for parenthesised in Self.bracketed(group(3) ?? "", open: "(", close: ")") {
            if year == nil, let value = Int(parenthesised), Years.plausible.contains(value) {
                year = value
            } else {
                editions.append(parenthesised)
            }
        }
        for token in Self.bracketed(group(4) ?? "", open: "[", close: "]").flatMap({ $0.split(whereSeparator: { " ,/".contains($0) }) }) {
            read(String(token))
        }
    }

    private mutating func read(_ token: String) {
        let upper = token.uppercased()
        switch upper {
        case "FLAC", "MP3", "AAC", "ALAC", "OPUS", "OGG": format = upper == "OPUS" ? "Opus" : upper
        case "V0", "V1", "V2": encoding = "\(upper) (VBR)"
        case "320", "256", "192": encoding = upper
        case "WEB", "CD", "VINYL", "SACD", "CASSETTE", "DAT", "DVD", "BD", "SOUNDBOARD": media = upper == "VINYL" ? "Vinyl" : upper == "CASSETTE" ? "Cassette" : upper == "SOUNDBOARD" ? "Soundboard" : upper
        case "24BIT", "24-BIT": bitDepth = 24
        case "16BIT", "16-BIT": bitDepth = 16
        default:
            // 24-96, 16-44, 24-192: depth and rate.
            let parts = upper.split(separator: "-")
            if parts.count == 2, let depth = Int(parts[0]), [16, 24, 32].contains(depth), let rate = Double(parts[1]) {
                bitDepth = depth
                // "44", "88" and "176" are short for the 44.1 kHz family.
                let shortened: [Double: Int] = [44: 44100, 88: 88200, 176: 176400]
                sampleRate = shortened[rate] ?? Int(rate * 1000)
            } else if upper.hasPrefix("FLAC"), let depthOrRate = Int(upper.dropFirst(4)) {
                format = "FLAC"
                if [16, 24].contains(depthOrRate) { bitDepth = depthOrRate } else { sampleRate = depthOrRate * 1000 }
            }
        }
    }

    private static func bracketed(_ text: String, open: Character, close: Character) -> [String] {
        text.split(separator: close).compactMap { part in
            part.firstIndex(of: open).map { String(part[part.index(after: $0)...]) }
        }
    }
}

/// Years in tags and names: the first plausible year in whatever the field holds.
public enum Years {
    /// Recorded sound starts in 1877; a year after next is a typo.
    public static var plausible: ClosedRange<Int> {
        1877...(Calendar(identifier: .gregorian).component(.year, from: Date()) + 1)
    }

    /// `2019`, `2019-03-08`, `2019-03-08T00:00:00Z`, `08.03.2019`: the first `(18|19|20)xx` that is plausible.
    public static func parse(_ text: String) -> Int? {
        var digits = ""
        for character in text + " " {
            if character.isASCII && character.isNumber {
                digits.append(character)
                continue
            }
            if digits.count == 4, let year = Int(digits), plausible.contains(year) { return year }
            digits = ""
        }
        return nil
    }

    /// Why a year cannot be right, or nil. CD releases cannot predate 1982 (a Gazelle rule).
    public static func problem(year: Int, media: String?) -> String? {
        if !plausible.contains(year) { return "\(year) is not a plausible release year" }
        if media?.uppercased() == "CD" && year < 1982 { return "a CD cannot be from \(year): CDs appeared in 1982 (for a reissue, give the edition's year)" }
        return nil
    }
}
