import Foundation
import MKTTestSupport
import Testing

/// `mkt check-release` on a CD rip with its log: the log scored against the
/// site's threshold, its copy CRCs against the FLAC files (found by their
/// TRACKNUMBER tags).
@Suite(.enabled(if: CDRipFixture.tools != nil, "sox or flac is missing (scripts/apt-deps.sh test installs them)"))
struct CheckReleaseLogJourneyTests {
    @Test func aGoodRipPassesAndAnotherTracksAudioDoesNot() throws {
        try withTemporaryDirectory { directory in
            let release = "\(directory)/Fixture Artist - Fixture Album (2019) [FLAC]"
            let crcs = try CDRipFixture.album(in: release, tones: [440, 550])
            try writeFile("\(release)/Fixture Artist - Fixture Album.log", CDRipFixture.log(crcs: crcs))
            let good = try MKTProcess.run(["check-release", "--tracker", "red", "--media", "CD", release], in: directory)
            // No checksum in a hand-written log: a warning; the score is 100 and the CRCs agree.
            #expect(good.status == 0, "\(good)")
            #expect(good.stdout == "warning: Fixture Artist - Fixture Album.log: the log has no checksum to prove it unedited\n")

            // Track 2's file replaced by other audio that says it is track 2.
            _ = try CDRipFixture.album(in: "\(directory)/other", tones: [440, 555])
            try FileManager.default.removeItem(atPath: "\(release)/02 - Track.flac")
            try FileManager.default.copyItem(atPath: "\(directory)/other/02 - Track.flac", toPath: "\(release)/02 - Track.flac")
            let bad = try MKTProcess.run(["check-release", "--tracker", "ops", "--media", "CD", "--json", release], in: directory)
            #expect(bad.status == 1)
            let findings = try JSONSerialization.jsonObject(with: bad.stdoutData) as? [[String: String]] ?? []
            let crc = findings.first { $0["code"] == "log-crc" }
            #expect(crc?["severity"] == "error")
            #expect(crc?["message"]?.hasPrefix("the audio does not match the log's copy CRC for track 2 (log \(crcs[2] ?? "")") == true, "\(findings)")
        }
    }
}
