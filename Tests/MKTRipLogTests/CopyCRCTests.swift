import Foundation
import MKTRipLog
import MKTTestSupport
import MKTWorkflow
import Testing

struct CRC32Tests {
    /// The check value of CRC-32/ISO-HDLC (the zip CRC) is CBF43926 for "123456789".
    @Test func theCheckValue() {
        var crc = CRC32()
        crc.update(Array("123456789".utf8))
        #expect(crc.hex == "CBF43926")
    }
}

/// A sox-made album and a log whose copy CRCs are computed from its samples
/// (CDRipFixture): the copy CRC check passes beside that album and names the
/// tracks beside another.
@Suite(.enabled(if: CDRipFixture.tools != nil, "sox or flac is missing (scripts/apt-deps.sh test installs them)"))
struct CopyCRCTests {
    static func flacFiles(in folder: String) throws -> [String: Int] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".flac") }
        return Dictionary(uniqueKeysWithValues: names.compactMap { name in RipLogCheck.trackNumber(path: name, tags: [:]).map { (name, $0) } })
    }

    @Test func theLogMatchesItsAudioAndNotAnother() throws {
        try withTemporaryDirectory { directory in
            let album = "\(directory)/album"
            let other = "\(directory)/other"
            let crcs = try CDRipFixture.album(in: album, tones: [440, 550, 660])
            _ = try CDRipFixture.album(in: other, tones: [440, 555, 666])
            let report = RipLogChecker.check(Array(CDRipFixture.log(crcs: crcs).utf8))
            #expect(report.score == 100 && report.checksum == .missing, "\(report.details)")
            #expect(report.tracks == crcs.keys.sorted().map { LoggedTrack(number: $0, copyCRC: crcs[$0] ?? "") })
            let scored = [RipLogCheck.ScoredLog(path: "rip.log", report: report)]

            let matching = RipLogCheck.crcFindings(logs: scored, flacFiles: try Self.flacFiles(in: album), root: album, environment: CDRipFixture.environment)
            #expect(matching.isEmpty, "\(matching)")

            let elsewhere = RipLogCheck.crcFindings(logs: scored, flacFiles: try Self.flacFiles(in: other), root: other, environment: CDRipFixture.environment)
            #expect(elsewhere.count == 1)
            let message = elsewhere.first?.message ?? ""
            #expect(elsewhere.first?.severity == .error && elsewhere.first?.code == "log-crc")
            #expect(message.contains("track 2 (log \(crcs[2] ?? ""), audio ") && message.contains("track 3 (log \(crcs[3] ?? ""), audio "))
            #expect(!message.contains("track 1 "), "track 1 is the same tone in both albums")
        }
    }
}
