import Foundation
import MKTTestSupport
import Testing

/// `mkt check-log FILE... [--json]`: the interface scripts depend on.
struct CheckLogJourneyTests {
    static let logs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Fixtures/RipLogs").standardized.path

    @Test func scoresChecksumsAndDeductions() throws {
        let text = try MKTProcess.run(["check-log", "\(Self.logs)/eac/en_delete_leading_silent.log"], in: "/")
        #expect(text.status == 0)
        #expect(text.stdout == "\(Self.logs)/eac/en_delete_leading_silent.log: score 95, checksum invalid (EAC 1.3)\n  Deletes leading and trailing silent blocks (-5 points)\n")

        let json = try MKTProcess.run(["check-log", "--json", "\(Self.logs)/eac/en_normalization.log", "\(Self.logs)/xld/xld_perfect.log"], in: "/")
        #expect(json.status == 0, "a low score is still a log read")
        let lines = json.stdout.split(separator: "\n")
        #expect(lines.count == 2, "one object per line")
        let objects = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:] }
        #expect(objects[0]["score"] as? Int == 0)
        #expect(objects[0]["checksum"] as? String == "invalid")
        #expect(objects[0]["deductions"] as? [String] == ["Normalization should be not be active (-100 points)"])
        #expect(objects[1]["score"] as? Int == 100)
        #expect(objects[1]["checksum"] as? String == "ok")
        #expect(objects[1]["deductions"] as? [String] == [])
    }

    @Test func anUnreadableFileIsOneErrorLineAndExitOne() throws {
        let result = try MKTProcess.run(["check-log", "/nonexistent/rip.log", "\(Self.logs)/whipper/4.log"], in: "/")
        #expect(result.status == 1)
        #expect(result.stderr == "error: cannot read '/nonexistent/rip.log': No such file or directory\n")
        #expect(result.stdout.hasPrefix("\(Self.logs)/whipper/4.log: score 100, checksum ok (whipper 0.7.3)"), "the others are still scored")
    }
}
