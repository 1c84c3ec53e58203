import Foundation
import MKTMetadata

/// A format mkt derives from a lossless release: the three the Gazelle
/// music sites ask every FLAC release to be joined by.
public enum DerivedFormat: String, CaseIterable, Sendable {
    case v0 = "V0"
    case mp3CBR320 = "320"
    case flac16 = "FLAC16"

    /// `V0,320,FLAC16` (any case, in any order, each once).
    public static func parseList(_ text: String) throws(TranscodeError) -> [DerivedFormat] {
        var formats: [DerivedFormat] = []
        for word in text.split(separator: ",", omittingEmptySubsequences: false).map({ $0.trimmingCharacters(in: .whitespaces) }) {
            guard let format = allCases.first(where: { $0.rawValue.lowercased() == word.lowercased() }) else {
                throw .usage("--to: '\(word)' is not a format mkt makes (V0, 320, FLAC16)")
            }
            guard !formats.contains(format) else { throw .usage("--to: \(format.rawValue) is named twice") }
            formats.append(format)
        }
        return formats
    }

    /// What the folder name ends with, in brackets: the sites' own words.
    public var folderTag: String {
        switch self {
        case .v0: "MP3 V0"
        case .mp3CBR320: "MP3 320"
        case .flac16: "FLAC"
        }
    }

    public var fileExtension: String { self == .flac16 ? "flac" : "mp3" }

    /// The codec and encoding `AudioProbe` must read back from each output.
    public var probed: (codec: String, encoding: String) {
        switch self {
        case .v0: ("MP3", "V0 (VBR)")
        case .mp3CBR320: ("MP3", "320")
        case .flac16: ("FLAC", "Lossless")
        }
    }

    /// The sample rate of the output for a source at `rate`: the sites'
    /// rule for 16-bit FLAC (and MP3, which stops at 48 kHz) is the base
    /// rate of the source's family, 44,100 Hz for 88.2 and 176.4 kHz,
    /// 48,000 Hz for 96 and 192 kHz; rates up to 48 kHz stay as they are.
    public static func targetRate(for rate: Int) -> Int {
        guard rate > 48000 else { return rate }
        return rate % 44100 == 0 ? 44100 : 48000
    }
}

/// The folder a derived release gets, named as the sites name one:
/// `Artist - Album (Year) [MP3 V0]`.
public enum DerivedName {
    /// A 16-bit FLAC whose name would be the source folder's own (a 24-bit
    /// source named `[FLAC]`) says its bit depth and rate: `[FLAC 16-48]`.
    /// - Parameter sampleRate: the source's.
    public static func folder(of source: ReleaseDescription, sourceFolder: String, format: DerivedFormat, sampleRate: Int) -> String {
        let stem: String
        if let title = source.title, !source.artists.isEmpty {
            let artist = source.artists.count > 2 ? "Various Artists" : source.artists.joined(separator: " & ")
            stem = "\(artist) - \(title)" + (source.year.map { " (\($0))" } ?? "")
        } else {
            // Without the facts, the source's own name less its bracketed format.
            stem = sourceFolder.replacingOccurrences(of: #"\s*\[[^\[\]]*\]\s*$"#, with: "", options: .regularExpression)
        }
        // A name is one path component: no slash, no NUL, not dots alone.
        let safe = stem.map { $0 == "/" || $0 == "\0" ? "-" : String($0) }.joined()
        let name = "\(safe) [\(format.folderTag)]"
        guard name == sourceFolder else { return name }
        let rate = DerivedFormat.targetRate(for: sampleRate)
        return "\(safe) [\(format.folderTag) 16-\(rate % 1000 == 0 ? String(rate / 1000) : String(format: "%.1f", Double(rate) / 1000))]"
    }
}
