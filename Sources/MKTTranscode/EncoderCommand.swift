import Foundation
import MKTMetadata

/// The command line that makes one output track: a bash pipeline whose
/// positional parameters are the source ($1), the output ($2) and the cover
/// image ($3, when one goes into the tags), so that the same text runs
/// wherever the folders are and is recorded, with the names filled in, as
/// the release's lineage.
///
/// The sox chain (`-G`, `rate -v -L`, `dither`) is the one the transcoding
/// scripts of the Gazelle sites' users run (for one, iotku/Duct-tape,
/// flac2v0.sh): guard against clipping, sox's best linear-phase resampler,
/// TPDF dither to 16 bits. `-R` fixes the dither's random seed, so the
/// same source and the same sox give the same bytes.
public struct EncoderCommand: Equatable, Sendable {
    public let script: String
    /// Whether `$3` (the cover) is used.
    public let usesCover: Bool

    /// - Parameters:
    ///   - source: the source track's facts (its tags among them).
    ///   - cover: whether a cover image goes into the MP3's ID3 tag.
    public static func make(_ format: DerivedFormat, source: AudioFacts, cover: Bool) -> EncoderCommand {
        let rate = DerivedFormat.targetRate(for: source.sampleRate)
        let resample = rate != source.sampleRate ? " rate -v -L \(rate)" : ""
        let viaSox = "sox -R -G \"$1\" -t wav -b 16 -\(resample) dither"
        switch format {
        case .flac16:
            let encode = "\(viaSox) | flac -8 -s -f -o \"$2\" -"
            // The Vorbis comments go over as they are; sox's and flac's own are not kept.
            return EncoderCommand(script: "set -o pipefail; \(encode) && metaflac --export-tags-to=- \"$1\" | metaflac --remove-all-tags --import-tags-from=- \"$2\"", usesCover: false)
        case .v0, .mp3CBR320:
            let decode = (source.bitDepth ?? 16) == 16 && resample.isEmpty ? "flac -dcs -- \"$1\"" : viaSox
            let setting = format == .v0 ? "-V 0" : "-b 320"
            let tags = ID3Arguments.make(from: source.tags).map(Shell.quote).joined(separator: " ")
            let picture = cover ? " --ti \"$3\"" : ""
            let script = "set -o pipefail; \(decode) | lame --quiet \(setting) --id3v2-only --id3v2-utf16 \(tags)\(picture) - \"$2\""
            return EncoderCommand(script: script, usesCover: cover)
        }
    }

    /// The script with its parameters written out: what the lineage records.
    public func recorded(source: String, output: String, cover: String?) -> String {
        var text = script.replacingOccurrences(of: "\"$1\"", with: Shell.quote(source)).replacingOccurrences(of: "\"$2\"", with: Shell.quote(output))
        if let cover { text = text.replacingOccurrences(of: "\"$3\"", with: Shell.quote(cover)) }
        return text.hasPrefix("set -o pipefail; ") ? String(text.dropFirst("set -o pipefail; ".count)) : text
    }
}

/// LAME's ID3v2 options from a FLAC's Vorbis comments: the fields the sites
/// check (artist, album, title, track and disc numbers, year, label), and
/// album artist, composer, genre and catalogue number when the source has them.
public enum ID3Arguments {
    /// The text frames an output must carry, by frame id, as the source's
    /// Vorbis comments give them: what the verification compares.
    public static func frames(from tags: [String: [String]]) -> [String: String] {
        func first(_ names: String...) -> String? {
            for name in names { if let value = tags[name]?.first(where: { !$0.isEmpty }) { return value } }
            return nil
        }
        func joined(_ name: String) -> String? {
            guard let values = tags[name]?.filter({ !$0.isEmpty }), !values.isEmpty else { return nil }
            return values.joined(separator: "; ")
        }
        func numbered(_ number: String?, total: String?) -> String? {
            guard let number else { return nil }
            if number.contains("/") { return number }
            return total.map { "\(number)/\($0)" } ?? number
        }
        var frames: [String: String] = [:]
        frames["TIT2"] = joined("TITLE")
        frames["TPE1"] = joined("ARTIST")
        frames["TALB"] = first("ALBUM")
        frames["TPE2"] = first("ALBUMARTIST", "ALBUM ARTIST")
        frames["TRCK"] = numbered(first("TRACKNUMBER"), total: first("TRACKTOTAL", "TOTALTRACKS"))
        frames["TPOS"] = numbered(first("DISCNUMBER"), total: first("DISCTOTAL", "TOTALDISCS"))
        frames["TYER"] = first("DATE", "YEAR").flatMap { date in date.count >= 4 && date.prefix(4).allSatisfy(\.isNumber) ? String(date.prefix(4)) : nil }
        frames["TPUB"] = first("LABEL", "ORGANIZATION", "PUBLISHER")
        frames["TCOM"] = joined("COMPOSER")
        return frames.compactMapValues { $0 }
    }

    public static func make(from tags: [String: [String]]) -> [String] {
        let frames = frames(from: tags)
        var arguments: [String] = []
        let options = [("TIT2", "--tt"), ("TPE1", "--ta"), ("TALB", "--tl"), ("TYER", "--ty"), ("TRCK", "--tn")]
        for (frame, option) in options { if let value = frames[frame] { arguments += [option, value] } }
        for frame in ["TPE2", "TPOS", "TPUB", "TCOM"] { if let value = frames[frame] { arguments += ["--tv", "\(frame)=\(value)"] } }
        if let genre = tags["GENRE"]?.first(where: { !$0.isEmpty }) { arguments += ["--tv", "TCON=\(genre)"] }
        if let number = tags["CATALOGNUMBER"]?.first(where: { !$0.isEmpty }) { arguments += ["--tv", "TXXX=CATALOGNUMBER=\(number)"] }
        return arguments
    }
}

enum Shell {
    /// One word for bash, whatever it holds.
    static func quote(_ text: String) -> String {
        if !text.isEmpty, text.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || "-_./=:,+@%".unicodeScalars.contains($0) }),
            text.unicodeScalars.allSatisfy(\.isASCII)
        {
            return text
        }
        return "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
