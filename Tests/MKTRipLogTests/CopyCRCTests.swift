import Foundation
import MKTRipLog
import MKTSubprocess
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

/// A CD album made with sox (16-bit, 44.1 kHz, stereo, FLAC), a log whose
/// copy CRCs are the CRC-32 of the samples sox wrote: the copy CRC check
/// passes beside that album and names the tracks beside another.
/// sox and flac on PATH.
enum AudioTools {
    static let environment = ProcessInfo.processInfo.environment
    static let found: (sox: String, flac: String)? = {
        let path = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        func find(_ name: String) -> String? { path.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) } }
        guard let sox = find("sox"), let flac = find("flac") else { return nil }
        return (sox, flac)
    }()
}

@Suite(.enabled(if: AudioTools.found != nil, "sox or flac is missing (scripts/apt-deps.sh test installs them)"))
struct CopyCRCTests {
    static let environment = AudioTools.environment

    /// Writes tracks 1…count as `NN - Track.flac`, each a second of a tone (undithered, so the same tone gives the same samples); returns each track's CRC of the raw samples.
    static func album(in folder: String, tones: [Int]) throws -> [Int: String] {
        let tools = try #require(AudioTools.found)
        var crcs: [Int: String] = [:]
        for (index, tone) in tones.enumerated() {
            let number = index + 1
            let raw = "\(folder)/\(number).raw"
            let made = try ChildProcess([tools.sox, "-D", "-n", "-r", "44100", "-b", "16", "-c", "2", "-e", "signed-integer", "-L", raw, "synth", "1", "sine", "\(tone)"],
                environment: environment, timeout: 30).run()
            try #require(made.status == 0, "sox: \(String(decoding: made.standardError, as: UTF8.self))")
            var crc = CRC32()
            crc.update([UInt8](try Data(contentsOf: URL(fileURLWithPath: raw))))
            crcs[number] = crc.hex
            let encoded = try ChildProcess([tools.flac, "-s", "-f", "--force-raw-format", "--endian=little", "--sign=signed", "--channels=2", "--bps=16", "--sample-rate=44100",
                "-T", "TRACKNUMBER=\(number)", "-o", "\(folder)/0\(number) - Track.flac", raw], environment: environment, timeout: 30).run()
            try #require(encoded.status == 0, "flac: \(String(decoding: encoded.standardError, as: UTF8.self))")
            try FileManager.default.removeItem(atPath: raw)
        }
        return crcs
    }

    /// An EAC log in English with test and copy, the given copy CRCs per track.
    static func log(crcs: [Int: String]) -> String {
        var text = "Exact Audio Copy V1.6 from 23. November 2020\n\nEAC extraction logfile from 1. December 2026, 12:00\n\nArtist / Album\n\n"
        for number in crcs.keys.sorted() {
            let crc = crcs[number] ?? ""
            text += "Track  \(number)\n\n     Filename C:\\Rips\\0\(number) - Track.wav\n\n     Peak level 50.0 %\n     Extraction speed 8.0 X\n"
            text += "     Track quality 100.0 %\n     Test CRC \(crc)\n     Copy CRC \(crc)\n     Copy OK\n\n"
        }
        return text + "No errors occurred\n\nEnd of status report\n"
    }

    static func flacFiles(in folder: String) throws -> [String: Int] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".flac") }
        return Dictionary(uniqueKeysWithValues: names.compactMap { name in RipLogCheck.trackNumber(path: name, tags: [:]).map { (name, $0) } })
    }

    @Test func theLogMatchesItsAudioAndNotAnother() throws {
        try withTemporaryDirectory { directory in
            let album = "\(directory)/album"
            let other = "\(directory)/other"
            try FileManager.default.createDirectory(atPath: album, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
            let crcs = try Self.album(in: album, tones: [440, 550, 660])
            _ = try Self.album(in: other, tones: [440, 555, 666])
            let text = Self.log(crcs: crcs)
            let report = RipLogChecker.check(Array(text.utf8))
            #expect(report.tracks == crcs.keys.sorted().map { LoggedTrack(number: $0, copyCRC: crcs[$0] ?? "") })
            let scored = [RipLogCheck.ScoredLog(path: "rip.log", report: report)]

            let matching = RipLogCheck.crcFindings(logs: scored, flacFiles: try Self.flacFiles(in: album), root: album, environment: Self.environment)
            #expect(matching.isEmpty, "\(matching)")

            let elsewhere = RipLogCheck.crcFindings(logs: scored, flacFiles: try Self.flacFiles(in: other), root: other, environment: Self.environment)
            #expect(elsewhere.count == 1)
            let message = elsewhere.first?.message ?? ""
            #expect(elsewhere.first?.severity == .error && elsewhere.first?.code == "log-crc")
            #expect(message.contains("track 2 (log \(crcs[2] ?? ""), audio ") && message.contains("track 3 (log \(crcs[3] ?? ""), audio "))
            #expect(!message.contains("track 1 "), "track 1 is the same tone in both albums")
        }
    }
}
