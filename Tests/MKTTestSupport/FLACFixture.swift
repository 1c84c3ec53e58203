import Foundation

/// A small FLAC file mkt reads as a real one: STREAMINFO (44.1 kHz, 16 bit,
/// stereo), the tags given as a Vorbis comment, then bytes standing for the
/// frames. For in-process tests that need a release the tracker rules
/// accept, without the encoders the journey fixtures use.
public enum FLACFixture {
    public static func bytes(tags: [(String, String)], seconds: Int = 30, audioBytes: Int = 50_000) -> [UInt8] {
        var bytes = Array("fLaC".utf8)
        var streamInfo: [UInt8] = [0x10, 0x00, 0x10, 0x00, 0, 0, 0, 0, 0, 0]
        let samples = UInt64(44_100 * seconds)
        let packed = UInt64(44_100) << 44 | UInt64(2 - 1) << 41 | UInt64(16 - 1) << 36 | samples
        streamInfo += (0..<8).map { UInt8(truncatingIfNeeded: packed >> (56 - 8 * $0)) }
        streamInfo += [UInt8](repeating: 0, count: 16)
        bytes += blockHeader(type: 0, last: false, length: streamInfo.count) + streamInfo
        var comment = littleEndian("mkt tests") + Array("mkt tests".utf8) + littleEndian32(tags.count)
        for (key, value) in tags {
            let field = Array("\(key)=\(value)".utf8)
            comment += littleEndian32(field.count) + field
        }
        bytes += blockHeader(type: 4, last: true, length: comment.count) + comment
        // Frames' worth of bytes, different per file so no two tracks share pieces.
        let seed = tags.map { $0.1 }.joined().utf8.reduce(0) { $0 &+ Int($1) }
        bytes += (0..<audioBytes).map { UInt8(truncatingIfNeeded: ($0 &* 31) &+ seed) }
        return bytes
    }

    /// Writes a release folder `<directory>/<artist> - <album> (<year>) [FLAC]`
    /// of `tracks` such files, tagged (the release type as Picard tags it, unless nil); returns the folder.
    public static func release(in directory: String, artist: String = "Fixture Artist", album: String, year: Int = 2019, genre: String = "Electronic", tracks: Int = 2, releaseType: String? = "album") throws -> String {
        let folder = "\(directory)/\(artist) - \(album) (\(year)) [FLAC]"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for number in 1...tracks {
            let title = "Track \(number)"
            let tags = [("ARTIST", artist), ("ALBUMARTIST", artist), ("ALBUM", album), ("TITLE", title), ("TRACKNUMBER", String(number)), ("DATE", String(year)), ("GENRE", genre)]
                + (releaseType.map { [("RELEASETYPE", $0)] } ?? [])
            try Data(bytes(tags: tags)).write(to: URL(fileURLWithPath: "\(folder)/0\(number) - \(title).flac"))
        }
        return folder
    }

    private static func blockHeader(type: UInt8, last: Bool, length: Int) -> [UInt8] {
        [(last ? 0x80 : 0) | type, UInt8(truncatingIfNeeded: length >> 16), UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length)]
    }

    private static func littleEndian(_ text: String) -> [UInt8] { littleEndian32(text.utf8.count) }

    private static func littleEndian32(_ value: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
}
