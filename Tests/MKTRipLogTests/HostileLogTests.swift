import Foundation
import MKTRipLog
import Testing

/// Logs made to be slow: each pattern of the logchecker that backtracks over
/// a long run (dashes before an XLD signature, spaces in a suspicious-position
/// list or before "File write error", many "Filename" lines, blank lines after
/// "All Tracks") is written so that its time grows with the input's length.
struct HostileLogTests {
    static let eac = "Exact Audio Copy V1.0 from x\n\nEAC extraction logfile from y\n\n"
    static let xld = "X Lossless Decoder version 20191004 (1)\nXLD extraction logfile from y\n\n"

    /// Each input, `size` bytes long or so.
    static let inputs: [String: @Sendable (Int) -> String] = [
        "dashes before a signature": { xld + String(repeating: "-", count: $0) + "BEGIN XLD SIGNATURE\n" },
        "dashes in an EAC log": { eac + String(repeating: "-", count: $0) + "\n" },
        "filename lines": { eac + "Track  1\n" + String(repeating: "     Filename x\n", count: $0 / 16) },
        "spaces in suspicious positions": { eac + "Track  1\n List of suspicious positions  : \n" + String(repeating: " ", count: $0) + "x 00:00:00 \ny\n" },
        "spaces before a file write error": { eac + "Track  1\n" + String(repeating: " ", count: $0) + "File write errors\n" },
        "blank lines after All Tracks": { xld + "All Tracks\n" + String(repeating: " \n", count: $0 / 2) + "x\n" },
        "checksum line of spaces": { eac + "\n==== " + String(repeating: " ", count: $0) + "x\n" },
    ]

    static func processorSeconds(_ body: () -> Void) -> Double {
        let start = clock()
        body()
        return Double(clock() - start) / Double(CLOCKS_PER_SEC)
    }

    @Test(arguments: inputs.keys.sorted()) func takesLinearTime(kind: String) throws {
        let make = try #require(Self.inputs[kind])
        let small = Array(make(2048).utf8)
        let large = Array(make(32768).utf8)
        let smallTime = max(Self.processorSeconds { _ = RipLogChecker.check(small) }, 0.001)
        let largeTime = Self.processorSeconds { _ = RipLogChecker.check(large) }
        // 16 times the input: linear is about 16 times the time, quadratic about 256 times.
        #expect(largeTime < 64 * smallTime + 0.25, "\(kind): \(smallTime) s for 2 KB, \(largeTime) s for 32 KB")
    }
}
