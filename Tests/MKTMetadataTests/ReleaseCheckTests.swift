import MKTCatalog
@testable import MKTMetadata
import Testing

struct ReleaseCheckTests {
    /// A well-tagged file: only the rule under test can fail.
    private func facts(_ codec: String, depth: Int? = 16, encoding: String? = "Lossless", rate: Int = 44100, channels: Int = 2) -> AudioFacts {
        var facts = AudioFacts(codec: codec, container: codec, sampleRate: rate, channels: channels)
        facts.bitDepth = depth
        facts.encoding = encoding
        facts.tags = ["ARTIST": ["A"], "ALBUM": ["B"], "DATE": ["2019"], "GENRE": ["Rock"]]
        return facts
    }

    private func codes(_ files: [String], _ facts: FileMap<AudioFacts>, tracker: String = "red", media: String? = nil, name: String = "A - B (2019) [FLAC]") -> [String] {
        ReleaseCheck.check(name: name, files: files, facts: facts, description: confirmed(ReleaseDescriber.describe(name: name, files: files, facts: facts, media: media)),
                           rules: TrackerCatalog.builtIn.first { $0.name == tracker }!.releaseRules).map(\.code)
    }

    /// The description with its guessed release type taken as the user's: only the rule under test can fail.
    private func confirmed(_ description: ReleaseDescription) -> ReleaseDescription {
        var confirmed = description
        confirmed.provenance = nil
        return confirmed
    }

    /// What is checked is the description given (a stored release's snapshot,
    /// edits included), not a fresh reading of the tags.
    @Test func theDescriptionIsWhatIsChecked() {
        var untagged = facts("MP3", depth: nil, encoding: nil)
        untagged.tags = ["ARTIST": ["A"], "ALBUM": ["B"]]
        let files = ["01.mp3"]
        let rules = TrackerCatalog.builtIn.first { $0.name == "red" }!.releaseRules
        func codes(_ description: ReleaseDescription) -> [String] {
            ReleaseCheck.check(name: "A - B [MP3]", files: files, facts: ["01.mp3": untagged], description: description, rules: rules).map(\.code)
        }
        var description = ReleaseDescriber.describe(name: "A - B [MP3]", files: files, facts: ["01.mp3": untagged], media: "WEB")
        #expect(description.releaseTypeIsGuess)
        #expect(codes(description) == ["unknown-encoding", "missing-year", "missing-tags", "guessed-release-type"])
        description.year = 2022
        description.tags = ["rock"]
        description.encoding = "V2 (VBR)"
        description.provenance = nil
        #expect(codes(description) == [], "the user's year, tags, encoding and release type stand for what the files do not say")
    }

    /// Picard's release type tag is the files' word, not a guess.
    @Test func aTaggedReleaseTypeIsNoGuess() {
        var tagged = facts("FLAC")
        tagged.tags["RELEASETYPE"] = ["album", "compilation"]
        let described = ReleaseDescriber.describe(name: "A - B (2019) [FLAC]", files: ["01.flac"], facts: ["01.flac": tagged], media: "WEB")
        #expect(described.releaseType == .compilation && !described.releaseTypeIsGuess)
        #expect(ReleaseType(tagValues: ["EP"]) == .ep && ReleaseType(tagValues: ["album; live"]) == .liveAlbum)
        #expect(ReleaseType(tagValues: ["album/mixtape/street"]) == .mixtape && ReleaseType(tagValues: ["broadcast"]) == nil)
    }

    @Test func pathLimitsDifferPerTracker() {
        let name = "Artist - Album (2019) [FLAC]"
        let file = String(repeating: "x", count: 181 - name.count - 1 - ".flac".count) + ".flac"
        #expect(("\(name)/\(file)").unicodeScalars.count == 181)
        let audio: FileMap<AudioFacts> = [file: facts("FLAC")]
        #expect(codes([file], audio, tracker: "red", name: name) == ["path-too-long"])
        #expect(codes([file], audio, tracker: "ops", name: name) == [])
        // Characters, not bytes: 180 of 'é' fit RED's limit.
        let accented = String(repeating: "é", count: 180 - name.count - 1 - ".flac".count) + ".flac"
        #expect(codes([accented], [accented: facts("FLAC")], tracker: "red", name: name) == [])
    }

    @Test func filesThatDoNotBelong() {
        let audio: FileMap<AudioFacts> = ["01.flac": facts("FLAC")]
        #expect(codes(["01.flac", "scans.zip"], audio) == ["nested-archive"])
        #expect(codes(["01.flac", "old.torrent"], audio) == ["nested-torrent"])
        #expect(codes(["01.flac", "notes.docx"], audio, tracker: "red") == ["extension"])
        #expect(codes(["01.flac", "notes.docx"], audio, tracker: "ops") == [])
        #expect(codes(["01.flac", "what?.txt"], audio) == ["forbidden-character"])
        #expect(codes(["Disc: 1/01.flac"], ["Disc: 1/01.flac": facts("FLAC")]) == ["forbidden-character"])
        #expect(codes(["cover.jpg"], [:]) == ["no-audio"])
    }

    /// Mixed sample rates and bit depths name the odd files and the counts; pre-emphasis from the tags or a cue sheet is a warning.
    @Test func mixedRatesDepthsAndPreEmphasisAreFindingsWithTheirFiles() {
        let files = ["1.flac", "2.flac", "3.flac"]
        let rules = TrackerCatalog.builtIn.first { $0.name == "red" }!.releaseRules
        func findings(_ facts: FileMap<AudioFacts>) -> [Finding] {
            ReleaseCheck.check(name: "A - B (2019) [FLAC]", files: files, facts: facts,
                description: confirmed(ReleaseDescriber.describe(name: "A - B (2019) [FLAC]", files: files, facts: facts, media: nil)), rules: rules)
        }
        let rates = findings(["1.flac": facts("FLAC"), "2.flac": facts("FLAC", rate: 48000), "3.flac": facts("FLAC")])
        #expect(rates.map(\.code) == ["mixed-sample-rate"])
        #expect(rates.first?.message == "the sample rates differ: 44100 Hz in 2 files; 48000 Hz in 1: 2.flac")
        let depths = findings(["1.flac": facts("FLAC", depth: 24), "2.flac": facts("FLAC"), "3.flac": facts("FLAC", depth: 24)])
        #expect(depths.first { $0.code == "mixed-bit-depth" }?.message.hasSuffix("24bit Lossless; 24-bit in 2 files; 16-bit in 1: 2.flac") == true, "\(depths)")
        var emphasised = facts("FLAC")
        emphasised.tags["PRE_EMPHASIS"] = ["yes"]
        let tagged = findings(["1.flac": facts("FLAC"), "2.flac": emphasised, "3.flac": facts("FLAC")])
        #expect(tagged.map { [$0.code, $0.path] } == [["pre-emphasis", "2.flac"]])
        #expect(tagged.first?.severity == .warning)
        #expect(tagged.first?.message.hasPrefix("the tags say the audio has pre-emphasis (PRE_EMPHASIS=yes)") == true)
        let cue = ReleaseCheck.cuePreEmphasis(["a.cue": "FILE \"a.wav\" WAVE\n  TRACK 01 AUDIO\n    FLAGS DCP PRE\n  TRACK 02 AUDIO\n    FLAGS DCP\n", "b.cue": "FLAGS DCP\n"])
        #expect(cue.map { [$0.code, $0.path] } == [["pre-emphasis", "a.cue"]])
        #expect(cue.first?.message.hasPrefix("line 3: FLAGS PRE") == true, "\(cue)")
    }

    @Test func audioRules() {
        let two = ["1.flac", "2.flac"]
        #expect(codes(two, ["1.flac": facts("FLAC"), "2.flac": facts("FLAC", depth: 24, encoding: "24bit Lossless")]) == ["mixed-bit-depth"])
        #expect(codes(two, ["1.flac": facts("FLAC"), "2.flac": facts("FLAC")], media: "CD") == ["missing-log"])
        #expect(codes(two + ["rip.log"], ["1.flac": facts("FLAC"), "2.flac": facts("FLAC")], media: "CD") == [])
        #expect(codes(two + ["sox.log"], ["1.flac": facts("FLAC"), "2.flac": facts("FLAC")], media: "CD") == ["missing-log"])
        #expect(codes(two, ["1.flac": facts("FLAC"), "2.flac": facts("FLAC")], media: "WEB") == [])
        let mp3s = ["1.mp3", "2.mp3"]
        #expect(codes(mp3s, ["1.mp3": facts("MP3", depth: nil, encoding: "V0 (VBR)"), "2.mp3": facts("MP3", depth: nil, encoding: "V2 (VBR)")]) == ["mixed-encoding"])
        #expect(codes(mp3s, ["1.mp3": facts("MP3", depth: nil, encoding: nil), "2.mp3": facts("MP3", depth: nil, encoding: "V0 (VBR)")]) == ["unknown-encoding"])
        #expect(codes(["1.flac", "2.mp3"], ["1.flac": facts("FLAC"), "2.mp3": facts("MP3", depth: nil, encoding: "320")]) == ["mixed-format"])
        #expect(codes(["1.flac"], ["1.flac": facts("FLAC", rate: 22050, channels: 6)]) == ["channels", "sample-rate"])
    }

    @Test func formFields() {
        var untagged = facts("FLAC")
        untagged.tags = [:]
        #expect(codes(["1.flac"], ["1.flac": untagged], name: "no structure") == ["missing-artist", "missing-title", "missing-year", "missing-tags"])
        var tagged = facts("FLAC")
        tagged.tags["GENRE"] = ["Vaporwave"]
        #expect(codes(["1.flac"], ["1.flac": tagged]) == ["unofficial-tag"])
        tagged.tags["DATE"] = ["1979"]
        tagged.tags["GENRE"] = ["Rock"]
        #expect(codes(["1.flac"], ["1.flac": tagged], media: "CD") == ["missing-log", "year"])
        #expect(codes(["1.flac"], ["1.flac": facts("FLAC")], media: "Laserdisc") == ["media"])
        let opus: FileMap<AudioFacts> = ["1.opus": facts("Opus", depth: nil, encoding: nil)]
        #expect(codes(["1.opus"], opus, tracker: "ops").contains("format"))
    }
}
