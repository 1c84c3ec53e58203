@testable import MKTMetadata
import Testing

/// Durations and bitrates come from a file's own 64-bit counters: they are
/// computed in full width, and a result that cannot be is no result (the
/// fuzzer found an Ogg granule position that overflowed `samples * 1000`).
struct ScaledArithmeticTests {
    @Test func scalesInFullWidthOrGivesNothing() {
        #expect(Int64(10).scaled(by: 3, dividedBy: 4) == 7)
        #expect(Int64(441_000).scaled(by: 1000, dividedBy: 44_100) == 10_000)
        #expect((Int64.max / 2).scaled(by: 1000, dividedBy: 1000) == Int64.max / 2)
        #expect(Int64.max.scaled(by: 1000, dividedBy: 1) == nil)
        #expect(Int64.max.scaled(by: 2, dividedBy: 1) == nil)
        #expect(Int64(5).scaled(by: 1, dividedBy: 0) == nil)
        #expect(Int64(-5).scaled(by: 1, dividedBy: 1) == nil)
    }

    @Test func clampedArithmeticStopsAtTheEnds() {
        #expect(Int64.max.clampedAdding(500) == .max && Int64.min.clampedAdding(-1) == .min && Int64(2).clampedAdding(3) == 5)
        #expect(Int64.max.clampedSubtracting(Int64.min) == .max && Int64.min.clampedSubtracting(1) == .min && Int64(2).clampedSubtracting(3) == -1)
    }

    /// An Ogg granule position of 2·10^17 ms, an `mdhd` near Int64.max, a
    /// 2 GHz sample rate: dropped, named, and an error for every tracker.
    @Test func implausibleFactsAreDroppedWithAFinding() {
        var facts = AudioFacts(codec: "FLAC", container: "FLAC", sampleRate: 2_000_000_000, channels: 2)
        facts.durationMilliseconds = 200_000_000_000_000_000
        facts.bitrate = Int.max
        facts.bitDepth = 16
        let checked = facts.droppingImplausible()
        #expect(checked.durationMilliseconds == nil && checked.bitrate == nil && checked.sampleRate == 0)
        #expect(checked.implausible == ["a duration of 200000000000000000 ms", "a sample rate of 2000000000 Hz", "a bitrate of \(Int.max) bit/s"])
        var real = AudioFacts(codec: "FLAC", container: "FLAC", sampleRate: 44_100, channels: 2)
        real.durationMilliseconds = 150 * 3600 * 1000
        real.bitrate = 1_411_200
        #expect(real.droppingImplausible() == real)
        let findings = ReleaseCheck.check(name: "A - B (2019) [FLAC]", files: ["01.flac"], facts: ["01.flac": checked], description: ReleaseDescriber.describe(name: "A - B (2019) [FLAC]", files: ["01.flac"], facts: ["01.flac": checked], media: "WEB"), rules: ReleaseRules(tracker: "red", pathLimit: 180, allowedExtensions: ["flac"], vocabulary: .init(formats: [], encodings: [], media: [])))
        #expect(findings.contains { $0.code == "implausible" && $0.severity == .error && $0.path == "01.flac" })
    }
}
