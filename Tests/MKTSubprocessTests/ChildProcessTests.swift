import Foundation
@testable import MKTSubprocess
import Testing

struct ChildProcessTests {
    @Test func statusOutputAndSignals() throws {
        let result = try ChildProcess(["/bin/sh", "-c", "read line; echo \"got $line\"; echo oops >&2; exit 3"], environment: [:], input: Data("hello\n".utf8), timeout: 10).run()
        #expect(result == .init(status: 3, standardOutput: Data("got hello\n".utf8), standardError: Data("oops\n".utf8), timedOut: false))
        #expect(try ChildProcess(["/bin/sh", "-c", "kill -TERM $$"], environment: [:], timeout: 10).run().status == 128 + SIGTERM)
        #expect(throws: ChildProcessError.self) { try ChildProcess(["/nonexistent/program"], environment: [:], timeout: 10).run() }
    }

    /// A child that never ends is stopped at the deadline, and so is what it started.
    @Test func theDeadlineKillsTheWholeGroup() throws {
        let started = Date()
        let result = try ChildProcess(["/bin/sh", "-c", "sleep 300 & echo $!; wait"], environment: [:], timeout: 0.5).run()
        #expect(result.timedOut && result.status == 128 + SIGKILL)
        #expect(Date().timeIntervalSince(started) < 10)
        let grandchild = try #require(Int32(String(decoding: result.standardOutput, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)))
        // Reaped by init once killed; give it a moment.
        var alive = true
        for _ in 0..<100 where alive {
            let state = (try? String(contentsOfFile: "/proc/\(grandchild)/stat", encoding: .utf8)) ?? ""
            alive = kill(grandchild, 0) == 0 && !state.contains(") Z ")
            if alive { usleep(20_000) }
        }
        #expect(!alive, "the grandchild \(grandchild) outlived the deadline")
    }

    /// Input larger than a pipe holds, to a child that reads none of it, and output it never stops writing: no deadlock.
    @Test func largeInputAndOutputDoNotDeadlock() throws {
        let input = Data(repeating: 0x61, count: 1 << 20)
        let ignored = try ChildProcess(["/bin/true"], environment: [:], input: input, timeout: 10).run()
        #expect(ignored.status == 0 && !ignored.timedOut)
        let echoed = try ChildProcess(["/bin/cat"], environment: [:], input: input, timeout: 10).run()
        #expect(echoed.standardOutput == input)
        var limited = ChildProcess(["/bin/sh", "-c", "head -c 3000000 /dev/zero"], environment: [:], timeout: 10)
        limited.captureLimit = 1000
        #expect(try limited.run().standardOutput.count == 1000)
    }
}
