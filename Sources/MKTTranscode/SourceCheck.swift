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
            guard let mixed = AudioEvidence.mixed(tracks.map { ($0.path, value($0.facts)) }) else { continue }
            // The minority is named: those are the files that differ from the rest.
            for (other, paths) in mixed.others {
                refusals.append(.refused(path: paths[0], reason: "\(what) \(other), the other tracks' is \(mixed.common.value) (mixed \(what)s: \(paths.joined(separator: ", ")))"))
            }
        }
        for track in tracks where AudioEvidence.preEmphasisTag(track.facts.tags) != nil {
            refusals.append(.refused(path: track.path, reason: "its tags say it has pre-emphasis, which a transcode would keep without de-emphasis"))
        }
        for (path, text) in cueSheets.sorted(by: { $0.key < $1.key }) where !AudioEvidence.cuePreEmphasisLines(text).isEmpty {
            refusals.append(.refused(path: path, reason: "the cue sheet flags pre-emphasis (FLAGS PRE), which a transcode would keep without de-emphasis"))
        }
        return refusals
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
