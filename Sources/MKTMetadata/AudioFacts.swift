import Foundation

/// What a file says about itself: format facts and tags, as read, uncleaned.
public struct AudioFacts: Equatable, Sendable {
    public struct Chapter: Codable, Equatable, Sendable {
        public var startMilliseconds: Int64
        public var title: String

        public init(startMilliseconds: Int64, title: String) {
            self.startMilliseconds = startMilliseconds
            self.title = title
        }
    }

    public struct Picture: Equatable, Sendable {
        /// The ID3/FLAC picture type: 3 is the front cover.
        public var type: Int
        public var mimeType: String
        public var description: String
        public var width: Int
        public var height: Int
        public var byteCount: Int
        /// The image itself, when it was within the bytes read (bulk readers drop it).
        public var data: [UInt8] = []
    }

    public var codec: String
    public var container: String
    public var sampleRate: Int
    public var bitDepth: Int?
    public var channels: Int
    /// Samples per channel, when the file states it.
    public var sampleCount: Int64?
    public var durationMilliseconds: Int64?
    /// Average bits per second of the audio, from its size and duration.
    public var bitrate: Int?
    public var encoder: String?
    /// CBR, VBR or ABR, for lossy formats that say (MP3).
    public var bitrateMode: String?
    /// The encoder settings the file reveals, as mutagen spells them (`-V 0`, `-b 320`).
    public var encoderSettings: String?
    /// The tracker encoding class (`Lossless`, `24bit Lossless`, `320`, `V0 (VBR)`, `APS (VBR)`,
    /// `Other`); nil when the file does not tell, and the user must say.
    public var encoding: String?
    /// Tag fields by upper-case name, each with every value it has, in file order.
    public var tags: [String: [String]]
    public var pictures: [Picture]
    /// Audiobook chapters (MP4 `chpl`): start in milliseconds, title.
    public var chapters: [Chapter] = []
    /// Set when the file ended early: the facts up to that point are kept.
    public var truncated: Bool
    /// What the file states that no real file has, dropped rather than believed
    /// ("a duration of 200000000000000000 ms"): the file is damaged or crafted.
    public var implausible: [String] = []

    init(codec: String, container: String, sampleRate: Int, channels: Int) {
        self.codec = codec
        self.container = container
        self.sampleRate = sampleRate
        self.channels = channels
        self.tags = [:]
        self.pictures = []
        self.truncated = false
    }

    /// The most a real file has: 1,000 hours (the longest audiobooks run to
    /// about 150), 1 MHz (DXD and the like stop at 768 kHz), 100 Mbit/s
    /// (768 kHz × 32 bits × 4 channels).
    static let longestDuration: Int64 = 1000 * 3600 * 1000
    static let highestSampleRate = 1_000_000
    static let highestBitrate = 100_000_000

    /// These facts with what cannot be true dropped and named in `implausible`.
    func droppingImplausible() -> AudioFacts {
        var facts = self
        if let duration = durationMilliseconds, duration > Self.longestDuration {
            facts.implausible.append("a duration of \(duration) ms")
            facts.durationMilliseconds = nil
        }
        if sampleRate > Self.highestSampleRate {
            facts.implausible.append("a sample rate of \(sampleRate) Hz")
            facts.sampleRate = 0
        }
        if let bitrate, bitrate > Self.highestBitrate {
            facts.implausible.append("a bitrate of \(bitrate) bit/s")
            facts.bitrate = nil
        }
        return facts
    }

    /// The tracker vocabulary for lossless audio: "24bit Lossless" above 16 bits.
    static func losslessEncoding(bitDepth: Int?) -> String {
        (bitDepth ?? 16) > 16 ? "24bit Lossless" : "Lossless"
    }
}

/// Why a file could not be read; always names the file.
public enum MetadataError: Error, Equatable, CustomStringConvertible {
    case io(operation: String, path: String, errno: Int32)
    case unrecognised(path: String)
    case malformed(path: String, reason: String)

    public var description: String {
        switch self {
        case .io(let operation, let path, let code): "cannot \(operation) '\(path)': \(String(cString: strerror(code)))"
        case .unrecognised(let path): "\(path): not an audio format mkt reads (FLAC, MP3, MP4/M4A, Ogg Vorbis, Opus)"
        case .malformed(let path, let reason): "\(path): \(reason)"
        }
    }
}
