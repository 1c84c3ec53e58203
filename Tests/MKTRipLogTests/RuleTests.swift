import Foundation
import MKTRipLog
import MKTTestSupport
import Testing

/// Rules the logchecker's own logs do not exercise, on real logs changed by one setting.
struct RuleTests {
    static let root = LogcheckerFixtureTests.root

    @Test func whipperDeductsForTheCacheAndForCRCsThatDiffer() throws {
        var text = try String(contentsOf: Self.root.appendingPathComponent("whipper/4.log"), encoding: .utf8)
        text = text.replacingOccurrences(of: "  Defeat audio cache: Yes", with: "  Defeat audio cache: No")
        text = text.replacingOccurrences(of: "    Copy CRC: 0025D726", with: "    Copy CRC: 0025D727")
        let report = RipLogChecker.check(Array(text.utf8))
        #expect(report.details == [#""Defeat audio cache" should be Yes/true (-10 points)"#, "CRC mismatch: 0025D726 and 0025D727 (-30 points)"])
        #expect(report.score == 60)
        #expect(report.checksum == .invalid, "the text no longer has the hash whipper wrote")
        #expect(report.tracks.first == LoggedTrack(number: 1, copyCRC: "0025D727"))
    }

    /// A combined log judges a track re-ripped later by its last rip only, and counts a setting's deduction once.
    @Test func aLaterRipOfATrackReplacesTheEarlierOne() {
        let good = CDRipFixture.log(crcs: [1: "11111111", 2: "22222222"])
        let firstTry = good.replacingOccurrences(of: "Test CRC 22222222", with: "Test CRC 2222222F")
        let alone = RipLogChecker.check(Array(firstTry.utf8))
        #expect(alone.details == ["Track 02: CRC mismatch: 2222222F and 22222222 (-30 points)"])
        #expect(alone.score == 70)

        let combined = RipLogChecker.check(Array((firstTry + "\n" + good).utf8))
        #expect(combined.logCount == 2)
        #expect(combined.details == ["Combined Log (2)"])
        #expect(combined.score == 100)

        let worse = good.replacingOccurrences(of: "Defeat audio cache      : Yes", with: "Defeat audio cache      : No")
        let twice = RipLogChecker.check(Array((worse + "\n" + worse).utf8))
        #expect(twice.details == ["Combined Log (2)", #""Defeat audio cache" should be yes (-10 points)"#])
        #expect(twice.score == 90)
    }

    @Test func notALogScoresZero() {
        let report = RipLogChecker.check(Array("a shopping list\nmilk\n".utf8))
        #expect(report.ripper == nil && report.score == 0 && report.checksum == .missing)
        #expect(report.details == ["Unknown log file, could not determine ripper."])
    }
}
