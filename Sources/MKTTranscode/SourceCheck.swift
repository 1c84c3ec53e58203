import Foundation
import MKTMetadata

/// What the sites refuse to see transcoded, found from the source's facts
/// (the fake 24-bit check, which needs the samples, is `LowBits`).
public enum SourceCheck {
    /// One source track: its path inside the release, and its facts.
    public struct Track: Sendable {
        public let path: String
        public let facts: AudioFacts

        public init(path: String, facts: AudioFacts) {
            self.path = path
            self.facts = facts
        }
    }

    /// Every reason to refuse, each naming its file; empty when the source may be transcoded.
    /// - Parameter cueSheets: the text of each cue sheet in the release, by path.
    public static func refusals(_ tracks: [Track], cueSheets: [String: String] = [:]) -> [TranscodeError] {
        guard !tracks.isEmpty else { return [.refused(path: ".", reason: "the release has no audio files")] }
        var refusals: [TranscodeError] = []
        for track in tracks where track.facts.codec != "FLAC" {
            let lossless = ["ALAC", "WAV", "AIFF"].contains(track.facts.codec)
            refusals.append(.refused(path: track.path, reason: lossless
                ? "\(track.facts.codec): mkt transcodes from FLAC only"
                : "\(track.facts.codec) is lossy: a transcode of it would be lossy twice, which the sites do not allow"))
        }
        for (what, value) in [("bit depth", { (facts: AudioFacts) in facts.bitDepth.map { "\($0)-bit" } ?? "unknown" }), ("sample rate", { "\($0.sampleRate) Hz" })] {
            let groups = Dictionary(grouping: tracks, by: { value($0.facts) })
            guard groups.count > 1 else { continue }
            // The minority is named: those are the files that differ from the rest.
            let sorted = groups.sorted { ($0.value.count, $1.key) > ($1.value.count, $0.key) }
            for (other, odd) in sorted.dropFirst() {
                refusals.append(.refused(path: odd[0].path, reason: "\(what) \(other), the other tracks' is \(sorted[0].key) (mixed \(what)s: \(odd.map(\.path).joined(separator: ", ")))"))
            }
        }
        for track in tracks where emphasised(track.facts.tags) {
            refusals.append(.refused(path: track.path, reason: "its tags say it has pre-emphasis, which a transcode would keep without de-emphasis"))
        }
        for (path, text) in cueSheets.sorted(by: { $0.key < $1.key }) where cueHasPreEmphasis(text) {
            refusals.append(.refused(path: path, reason: "the cue sheet flags pre-emphasis (FLAGS PRE), which a transcode would keep without de-emphasis"))
        }
        return refusals
    }

    static func emphasised(_ tags: [String: [String]]) -> Bool {
        ["PRE_EMPHASIS", "PREEMPHASIS", "EMPHASIS"].contains { name in
            (tags[name] ?? []).contains { ["1", "yes", "true", "on"].contains($0.lowercased().trimmingCharacters(in: .whitespaces)) }
        }
    }

    /// A `FLAGS` line with `PRE` among its words.
    static func cueHasPreEmphasis(_ text: String) -> Bool {
        text.split(whereSeparator: \.isNewline).contains { line in
            let words = line.split(whereSeparator: \.isWhitespace).map { $0.uppercased() }
            return words.first == "FLAGS" && words.dropFirst().contains("PRE")
        }
    }
}

/// Whether a 24-bit source holds more than 16 bits: a file padded from
/// 16-bit audio has its low 8 bits zero in every sample. Fed the decoded
/// samples (signed, little-endian, 3 bytes each) in chunks of any size.
public struct LowBits: Sendable {
    /// Bytes seen so far, to know where each sample's low byte falls across chunks.
    private var offset = 0
    public private(set) var sawLowBits = false

    public init() {}

    public mutating func scan(_ bytes: UnsafeRawBufferPointer) {
        guard !sawLowBits else { return }
        var index = (3 - offset % 3) % 3
        while index < bytes.count {
            if bytes[index] != 0 {
                sawLowBits = true
                return
            }
            index += 3
        }
        offset += bytes.count
    }
}
