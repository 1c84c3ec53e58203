import Foundation
import MKTRipLog
import Testing

/// Real EAC, XLD and whipper logs with the results OPSnet/Logchecker gives them
/// (its tests/logs/*/details/*.json): mkt's score, details and checksum verdict
/// must be the same. Tests/Fixtures/RipLogs/README.md says where each log came from.
struct LogcheckerFixtureTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Fixtures/RipLogs").standardized

    struct Expected: Decodable {
        let ripper: String
        let version: String?
        let language: String
        let combined: Bool
        let score: Int
        let checksum: String
        let details: [String]
    }

    static let logs: [String] = ["eac", "xld", "whipper"].flatMap { ripper in
        ((try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(ripper).path)) ?? [])
            .filter { $0.hasSuffix(".log") }.sorted().map { "\(ripper)/\($0)" }
    }

    @Test func theFixturesAreThere() {
        #expect(Self.logs.count >= 40)
    }

    @Test(arguments: logs) func scoresAsTheLogcheckerDoes(log: String) throws {
        let bytes = try [UInt8](Data(contentsOf: Self.root.appendingPathComponent(log)))
        let expectedData = try Data(contentsOf: Self.root.appendingPathComponent(log.replacingOccurrences(of: ".log", with: ".json")))
        let expected = try JSONDecoder().decode(Expected.self, from: expectedData)
        let report = RipLogChecker.check(bytes)
        #expect(report.ripper?.rawValue == expected.ripper)
        #expect(report.version == expected.version)
        #expect(report.language == expected.language)
        #expect(report.isCombined == expected.combined)
        #expect(report.rawScore == expected.score)
        #expect("checksum_\(report.checksum.rawValue)" == expected.checksum)
        #expect(report.details == expected.details)
    }

    static let checksumLogs: [String] = ["eac", "xld"].flatMap { ripper in
        ((try? String(contentsOf: root.appendingPathComponent("checksum/\(ripper)/expected.txt"), encoding: .utf8)) ?? "")
            .split(separator: "\n").map { "\(ripper) \($0)" }
    }

    /// OPSnet/Logchecker tests/Check/Checksum/EACTest.php and XLDTest.php: the checksum alone, over logs made to test it.
    @Test(arguments: checksumLogs) func verifiesTheChecksum(line: String) throws {
        let fields = line.split(separator: " ").map(String.init)
        try #require(fields.count == 3)
        let bytes = try [UInt8](Data(contentsOf: Self.root.appendingPathComponent("checksum/\(fields[0])/\(fields[1])")))
        #expect(RipLogChecker.checksum(of: bytes, ripper: fields[0] == "eac" ? .eac : .xld).rawValue == fields[2])
    }
}
