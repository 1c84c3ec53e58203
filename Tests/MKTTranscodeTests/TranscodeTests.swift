import Foundation
@testable import MKTMetadata
@testable import MKTTranscode
import Testing

struct DerivedFormatTests {
    @Test func theListOfFormats() throws {
        #expect(try DerivedFormat.parseList("V0,320,FLAC16") == [.v0, .mp3CBR320, .flac16])
        #expect(try DerivedFormat.parseList("flac16, v0") == [.flac16, .v0])
        #expect(throws: TranscodeError.usage("--to: 'V2' is not a format mkt makes (V0, 320, FLAC16)")) { try DerivedFormat.parseList("V0,V2") }
        #expect(throws: TranscodeError.usage("--to: V0 is named twice")) { try DerivedFormat.parseList("V0,v0") }
        #expect(throws: TranscodeError.self) { try DerivedFormat.parseList("") }
    }

    /// 44.1 kHz family to 44,100 Hz, 48 kHz family to 48,000 Hz; up to 48 kHz as it is.
    @Test func targetRates() {
        #expect([44100, 48000, 88200, 96000, 176400, 192000, 32000].map(DerivedFormat.targetRate) == [44100, 48000, 44100, 48000, 44100, 48000, 32000])
    }

    @Test func folderNames() {
        var description = ReleaseDescription()
        description.artists = ["Artist"]
        description.title = "Album/Live"
        description.year = 2019
        #expect(DerivedName.folder(of: description, sourceFolder: "x", format: .v0, sampleRate: 96000) == "Artist - Album-Live (2019) [MP3 V0]")
        #expect(DerivedName.folder(of: description, sourceFolder: "x", format: .mp3CBR320, sampleRate: 96000) == "Artist - Album-Live (2019) [MP3 320]")
        #expect(DerivedName.folder(of: description, sourceFolder: "x", format: .flac16, sampleRate: 96000) == "Artist - Album-Live (2019) [FLAC]")
        // A 24-bit source already called [FLAC]: the 16-bit one says so.
        #expect(DerivedName.folder(of: description, sourceFolder: "Artist - Album-Live (2019) [FLAC]", format: .flac16, sampleRate: 88200) == "Artist - Album-Live (2019) [FLAC 16-44.1]")
        description.artists = ["A", "B", "C"]
        #expect(DerivedName.folder(of: description, sourceFolder: "x", format: .v0, sampleRate: 44100) == "Various Artists - Album-Live (2019) [MP3 V0]")
        #expect(DerivedName.folder(of: ReleaseDescription(), sourceFolder: "Someone - Something [FLAC 24-96]", format: .v0, sampleRate: 96000) == "Someone - Something [MP3 V0]")
    }
}

struct SourceCheckTests {
    static func flac(bits: Int = 16, rate: Int = 44100, tags: [String: [String]] = [:]) -> AudioFacts {
        var facts = AudioFacts(codec: "FLAC", container: "FLAC", sampleRate: rate, channels: 2)
        facts.bitDepth = bits
        facts.tags = tags
        facts.durationMilliseconds = 2000
        return facts
    }

    @Test func aCleanSourcePasses() {
        #expect(SourceCheck.refusals([.init(path: "1.flac", facts: Self.flac()), .init(path: "2.flac", facts: Self.flac())]).isEmpty)
    }

    @Test func whatTheSitesRefuseIsNamedByFile() {
        let mp3 = AudioFacts(codec: "MP3", container: "MP3", sampleRate: 44100, channels: 2)
        #expect(SourceCheck.refusals([.init(path: "1.mp3", facts: mp3)]) == [
            .refused(path: "1.mp3", reason: "MP3 is lossy: a transcode of it would be lossy twice, which the sites do not allow"),
        ])
        let mixed = SourceCheck.refusals([
            .init(path: "1.flac", facts: Self.flac()), .init(path: "2.flac", facts: Self.flac()), .init(path: "3.flac", facts: Self.flac(bits: 24, rate: 96000)),
        ])
        #expect(mixed == [
            .refused(path: "3.flac", reason: "bit depth 24-bit, the other tracks' is 16-bit (mixed bit depths: 3.flac)"),
            .refused(path: "3.flac", reason: "sample rate 96000 Hz, the other tracks' is 44100 Hz (mixed sample rates: 3.flac)"),
        ])
        #expect(SourceCheck.refusals([.init(path: "1.flac", facts: Self.flac(tags: ["PRE_EMPHASIS": ["Yes"]]))]).count == 1)
        let cue = "FILE \"a.flac\" WAVE\n  TRACK 01 AUDIO\n    FLAGS DCP PRE\n    INDEX 01 00:00:00\n"
        #expect(SourceCheck.refusals([.init(path: "1.flac", facts: Self.flac())], cueSheets: ["a.cue": cue]) == [
            .refused(path: "a.cue", reason: "the cue sheet flags pre-emphasis (FLAGS PRE), which a transcode would keep without de-emphasis"),
        ])
        #expect(SourceCheck.refusals([.init(path: "1.flac", facts: Self.flac())], cueSheets: ["a.cue": "FLAGS DCP\n"]).isEmpty)
        #expect(SourceCheck.refusals([]) == [.refused(path: ".", reason: "the release has no audio files")])
    }

    /// The low byte of each 3-byte sample, wherever the chunks are cut.
    @Test func lowBitsAcrossChunks() {
        func scan(_ bytes: [UInt8], cut: Int) -> Bool {
            var scanner = LowBits()
            bytes[..<cut].withUnsafeBytes { scanner.scan($0) }
            bytes[cut...].withUnsafeBytes { scanner.scan($0) }
            return scanner.sawLowBits
        }
        let padded: [UInt8] = [0, 0x12, 0x34, 0, 0xff, 0x7f, 0, 1, 2, 0, 3, 4]
        for cut in 0...padded.count { #expect(!scan(padded, cut: cut), "cut at \(cut)") }
        var real = padded
        real[9] = 1
        for cut in 0...real.count { #expect(scan(real, cut: cut), "cut at \(cut)") }
    }
}

struct EncoderCommandTests {
    static let tags: [String: [String]] = [
        "TITLE": ["It's"], "ARTIST": ["A", "B"], "ALBUM": ["Album"], "DATE": ["2019-03-08"], "TRACKNUMBER": ["1"], "TRACKTOTAL": ["9"],
        "DISCNUMBER": ["1/2"], "LABEL": ["Label"], "GENRE": ["Hip Hop"],
    ]

    @Test func id3Frames() {
        #expect(ID3Arguments.frames(from: Self.tags) == [
            "TIT2": "It's", "TPE1": "A; B", "TALB": "Album", "TYER": "2019", "TRCK": "1/9", "TPOS": "1/2", "TPUB": "Label",
        ])
    }

    @Test func commandsAndWhatTheLineageRecords() {
        var source = SourceCheckTests.flac(tags: Self.tags)
        let v0 = EncoderCommand.make(.v0, source: source, cover: false)
        #expect(v0.script.hasPrefix("set -o pipefail; flac -dcs -- \"$1\" | lame --quiet -V 0 --id3v2-only --id3v2-utf16 --tt 'It'\\''s' --ta 'A; B' --tl Album --ty 2019 --tn 1/9"), "\(v0.script)")
        #expect(v0.script.hasSuffix(" - \"$2\""))
        #expect(v0.recorded(source: "S [FLAC]/01 x.flac", output: "S [MP3 V0]/01 x.mp3", cover: nil).hasPrefix("flac -dcs -- 'S [FLAC]/01 x.flac' | lame"))
        source.bitDepth = 24
        source.sampleRate = 96000
        let cbr = EncoderCommand.make(.mp3CBR320, source: source, cover: true)
        #expect(cbr.script.hasPrefix("set -o pipefail; sox -R -G \"$1\" -t wav -b 16 - rate -v -L 48000 dither | lame --quiet -b 320"), "\(cbr.script)")
        #expect(cbr.usesCover && cbr.script.contains(" --ti \"$3\" - \"$2\""))
        let flac16 = EncoderCommand.make(.flac16, source: source, cover: true)
        #expect(!flac16.usesCover)
        #expect(flac16.script == "set -o pipefail; sox -R -G \"$1\" -t wav -b 16 - rate -v -L 48000 dither | flac -8 -s -f -o \"$2\" - && metaflac --export-tags-to=- \"$1\" | metaflac --remove-all-tags --import-tags-from=- \"$2\"")
        source.sampleRate = 48000
        #expect(EncoderCommand.make(.flac16, source: source, cover: false).script.hasPrefix("set -o pipefail; sox -R -G \"$1\" -t wav -b 16 - dither |"))
    }

    @Test func versions() {
        #expect(Toolchain.version(of: "lame", from: "LAME 64bits version 3.100 (http://lame.sf.net)\n\nmore") == "LAME 3.100")
        #expect(Toolchain.version(of: "sox", from: "sox:      SoX v14.4.2\n") == "SoX 14.4.2")
        #expect(Toolchain.version(of: "flac", from: "flac 1.4.2\n") == "flac 1.4.2")
        #expect(Toolchain.version(of: "flac", from: "") == "flac (version unknown)")
    }
}
