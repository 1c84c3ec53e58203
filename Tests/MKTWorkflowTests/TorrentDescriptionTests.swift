@testable import MKTMetadata
import MKTRipLog
import MKTStore
@testable import MKTWorkflow
import Testing

/// The placeholders the files fill: a lossy release's encoder, a rip log's summary.
struct TorrentDescriptionTests {
    @Test func aLossyReleaseNamesItsEncoderAndALosslessOneDoesNot() {
        var mp3 = AudioFacts(codec: "MP3", container: "MP3", sampleRate: 44100, channels: 2)
        mp3.encoder = "LAME 3.100"
        mp3.encoderSettings = "-V 0"
        var flac = AudioFacts(codec: "FLAC", container: "FLAC", sampleRate: 44100, channels: 2)
        flac.encoder = "reference libFLAC 1.4.2 20221022"
        #expect(Repository.encoderLine(["1.mp3": mp3, "2.mp3": mp3]) == "Encoder: LAME 3.100 -V 0")
        #expect(Repository.encoderLine(["1.flac": flac]) == nil)
    }

    @Test func aRipLogIsItsRipperScoreChecksumAndEachLine() {
        var report = RipLogReport()
        report.ripper = .eac
        report.version = "1.6"
        report.rawScore = 80
        report.checksum = .invalid
        report.details = ["Could not verify gap handling (-10 points)", "Range rip detected [x] (-10 points)"]
        #expect(Repository.ripLogText(RipLogCheck.ScoredLog(path: "CD1/rip.log", report: report)) == """
            [b]Rip log[/b] (CD1/rip.log): EAC 1.6, score 80, checksum invalid
            – Could not verify gap handling (-10 points)
            – [plain]Range rip detected [x] (-10 points)[/plain]
            """)
    }
}
