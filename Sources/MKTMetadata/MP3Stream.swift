import Foundation

/// Walks every MPEG audio frame of an MP3 file: a structural check of the
/// whole stream, for output an encoder has just written. Decoding it again
/// would cost a fifth of the encoder's time; a frame that is not where the
/// previous one ends, or a count that is not the Xing header's, is what a
/// cut or damaged file shows.
public enum MP3Stream {
    /// Nil when the frames run unbroken from the first to the trailing tags
    /// and are as many as the Xing/Info header says; else what is wrong.
    public static func problem(bytes: [UInt8]) -> String? {
        var start = ID3Skip.length(bytes)
        while start < bytes.count, case let next = ID3Skip.length(Array(bytes[start...])), next > 0 { start += next }
        var end = bytes.count
        if end - start >= 128, Array(bytes[(end - 128)..<(end - 125)]) == Array("TAG".utf8) { end -= 128 }
        guard let first = MP3Reader.frame(in: bytes, at: start) else { return "no MPEG audio frame where the ID3v2 tag ends (byte \(start))" }
        let announced = VBRHeader.read(bytes, frameOffset: start, frame: first)?.frames
        var offset = start
        var frames = 0
        while offset < end {
            guard let frame = MP3Reader.frame(in: bytes, at: offset), frame.length > 0, offset + frame.length <= end else {
                return "the stream breaks at byte \(offset) after \(frames) frames"
            }
            offset += frame.length
            frames += 1
        }
        // The Xing/Info frame itself is not counted in its frame count.
        if let announced, announced != frames - 1 { return "the Xing header counts \(announced) frames, the stream has \(frames - 1)" }
        return nil
    }
}
