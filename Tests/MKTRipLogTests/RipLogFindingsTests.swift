import MKTCatalog
import MKTMetadata
import MKTRipLog
import MKTTestSupport
import MKTWorkflow
import Testing

/// What check-release says about a scored log, against the catalog's threshold.
struct RipLogFindingsTests {
    static func scored(score: Int, checksum: ChecksumVerdict, details: [String] = []) -> [RipLogCheck.ScoredLog] {
        var report = RipLogReport()
        report.ripper = .eac
        report.rawScore = score
        report.checksum = checksum
        report.details = details
        return [RipLogCheck.ScoredLog(path: "CD1/rip.log", report: report)]
    }

    @Test func redAndOPSWantAPerfectLogAndDICScoresNone() {
        let threshold = { (name: String) in TrackerCatalog.builtIn.first { $0.name == name }.map { $0.logScoreThreshold } }
        #expect(threshold("red") == .some(100))
        #expect(threshold("ops") == .some(100))
        #expect(threshold("dic") == .some(nil))
    }

    @Test func belowTheThresholdIsAnError() {
        let logs = Self.scored(score: 95, checksum: .ok, details: ["Could not verify null samples", "Deletes leading and trailing silent blocks (-5 points)"])
        let findings = RipLogCheck.findings(logs: logs, threshold: 100, tracker: "red")
        #expect(findings == [Finding(severity: .error, code: "log-score", path: "CD1/rip.log",
            message: "the log scores 95 and red wants 100: Deletes leading and trailing silent blocks (-5 points)")])
        let lenient = RipLogCheck.findings(logs: logs, threshold: 90, tracker: "mine")
        #expect(lenient.map(\.severity) == [.warning], "at or above the threshold but not 100: a warning")
        #expect(RipLogCheck.findings(logs: logs, threshold: nil, tracker: "dic").isEmpty, "a site that scores no logs")
    }

    @Test func anEditedLogIsAnErrorAndAnUnsignedOneAWarning() {
        #expect(RipLogCheck.findings(logs: Self.scored(score: 100, checksum: .ok), threshold: 100, tracker: "ops").isEmpty)
        let invalid = RipLogCheck.findings(logs: Self.scored(score: 100, checksum: .invalid), threshold: 100, tracker: "ops")
        #expect(invalid.map(\.severity) == [.error] && invalid.map(\.code) == ["log-checksum"])
        let missing = RipLogCheck.findings(logs: Self.scored(score: 100, checksum: .missing), threshold: 100, tracker: "ops")
        #expect(missing.map(\.severity) == [.warning] && missing.map(\.code) == ["log-checksum"])
    }

    @Test func crcsWithoutNullSamplesAreNotCompared() {
        let text = CDRipFixture.log(crcs: [1: "00000000"]).replacingOccurrences(of: "Null samples used in CRC calculations       : Yes", with: "Null samples used in CRC calculations       : No")
        let report = RipLogChecker.check(Array(text.utf8))
        #expect(report.crcsSkipNullSamples && report.details == ["Null samples should be used in CRC calculations (-5 points)"])
        let findings = RipLogCheck.crcFindings(logs: [RipLogCheck.ScoredLog(path: "rip.log", report: report)], flacFiles: ["01.flac": 1], root: "/nonexistent", environment: ["PATH": "/nonexistent"])
        #expect(findings.map(\.message) == ["copy CRCs not checked: the log's CRCs leave out null samples"])
    }

    @Test func withoutFlacTheCRCsAreNotCheckedAndItSaysSoOnce() {
        var report = RipLogReport()
        report.tracks = [LoggedTrack(number: 1, copyCRC: "00000000"), LoggedTrack(number: 2, copyCRC: "00000000")]
        let logs = [RipLogCheck.ScoredLog(path: "rip.log", report: report)]
        let findings = RipLogCheck.crcFindings(logs: logs, flacFiles: ["01.flac": 1, "02.flac": 2], root: "/nonexistent", environment: ["PATH": "/nonexistent"])
        #expect(findings == [Finding(severity: .warning, code: "log-crc", path: "", message: "copy CRCs not checked: flac is not installed (on PATH)")])
    }
}
