/// EAC's "Copy CRC" is the CRC-32 (the zip/IEEE polynomial, reflected,
/// 0xEDB88320) of the track's raw samples: 16-bit little-endian signed,
/// stereo interleaved, as they were written to the file (whipper and XLD's
/// "CRC32 hash" are the same sum). So decoding the FLAC to raw PCM and
/// summing it must give the logged number.
public struct CRC32: Sendable {
    private static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 != 0 ? (value >> 1) ^ 0xEDB8_8320 : value >> 1 }
        return value
    }

    private var state: UInt32 = 0xFFFF_FFFF

    public init() {}

    public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        for byte in bytes { state = Self.table[Int((state ^ UInt32(byte)) & 0xFF)] ^ (state >> 8) }
    }

    public var value: UInt32 { state ^ 0xFFFF_FFFF }

    /// As logs write it: 8 upper-case hex digits.
    public var hex: String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}

/// A track whose audio does not sum to the CRC its log gives.
public struct CRCMismatch: Sendable, Equatable {
    public let track: Int
    public let logged: String
    /// nil: no audio file for the track.
    public let computed: String?

    public init(track: Int, logged: String, computed: String?) {
        self.track = track
        self.logged = logged
        self.computed = computed
    }
}

public enum CopyCRCCheck {
    /// The logged tracks whose audio (by track number) has another CRC, or no audio at all.
    public static func mismatches(logged: [LoggedTrack], audio: [Int: String]) -> [CRCMismatch] {
        logged.compactMap { track in
            let computed = audio[track.number]
            return computed == track.copyCRC ? nil : CRCMismatch(track: track.number, logged: track.copyCRC, computed: computed)
        }
    }
}
