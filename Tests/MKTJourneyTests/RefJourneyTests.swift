import Foundation
import MKTStore
import MKTTestSupport
import Testing

/// update-ref, rev-parse and for-each-ref through the real binary.
struct RefJourneyTests {
    /// A store with objects `a` and `b`; returns their ids.
    private func storeWithTwoObjects(_ directory: String) throws -> (a: String, b: String) {
        try MKTProcess.run(["init", "-q"], in: directory)
        let ids = try ["a", "b"].map {
            try MKTProcess.run(["hash-object", "-w", "--stdin"], in: directory, input: $0).stdout.trimmingCharacters(in: .newlines)
        }
        return (ids[0], ids[1])
    }

    /// A hundred processes at once (twenty under MKT_TEST_QUICK).
    @Test func hundredConcurrentCompareAndSwapsHaveExactlyOneWinner() throws {
        try withTemporaryDirectory { directory in
            let (a, _) = try storeWithTwoObjects(directory)
            try MKTProcess.run(["update-ref", "refs/trackers/red/album", a], in: directory)
            let candidates = try (0..<TestDepth.rounds(100, quick: 20)).map {
                try MKTProcess.run(["hash-object", "-w", "--stdin"], in: directory, input: "candidate \($0)").stdout
                    .trimmingCharacters(in: .newlines)
            }
            let running = try candidates.map { try MKTProcess.start(["update-ref", "refs/trackers/red/album", $0, a], in: directory) }
            let results = try running.map { try $0.finish() }
            let winners = results.indices.filter { results[$0].status == 0 }
            #expect(winners.count == 1, "\(results.filter { $0.status != 0 && !$0.stderr.contains("ref changed") })")
            for loser in results.indices where loser != winners.first {
                #expect(results[loser].status == 1)
                #expect(results[loser].stderr.hasPrefix("error: cannot update refs/trackers/red/album: ref changed: expected \(a), found "))
            }
            let current = try MKTProcess.run(["rev-parse", "refs/trackers/red/album"], in: directory).stdout
            #expect(current == candidates[winners[0]] + "\n")
            let reflog = try String(contentsOfFile: "\(directory)/.mkt/logs/refs/trackers/red/album", encoding: .utf8)
            #expect(reflog.split(separator: "\n").count == 2)
            #expect(try MKTProcess.run(["fsck"], in: directory).status == 0)
        }
    }

    /// A hundred processes at once (twenty under MKT_TEST_QUICK).
    @Test func hundredConcurrentUnconditionalUpdatesAreAllLogged() throws {
        try withTemporaryDirectory { directory in
            let (a, b) = try storeWithTwoObjects(directory)
            let count = TestDepth.rounds(100, quick: 20)
            let running = try (0..<count).map { try MKTProcess.start(["update-ref", "refs/x", $0 % 2 == 0 ? a : b], in: directory) }
            let results = try running.map { try $0.finish() }
            #expect(results.allSatisfy { $0.status == 0 }, "\(results.filter { $0.status != 0 })")
            let lines = try String(contentsOfFile: "\(directory)/.mkt/logs/refs/x", encoding: .utf8).split(separator: "\n")
            #expect(lines.count == count)
            // Each line's old value is the previous line's new value: the moves were serialised.
            for (previous, line) in zip(lines, lines.dropFirst()) {
                #expect(line.split(separator: " ")[0] == previous.split(separator: " ")[1])
            }
        }
    }

    @Test func stdinTransactionsAreAllOrNothing() throws {
        try withTemporaryDirectory { directory in
            let (a, b) = try storeWithTwoObjects(directory)
            let zero = String(repeating: "0", count: 64)
            let failing = "create refs/releases/one \(a)\nupdate refs/releases/two \(b) \(a)\n"
            let refused = try MKTProcess.run(["update-ref", "--stdin"], in: directory, input: failing)
            #expect(refused.status == 1)
            #expect(refused.stderr == "error: cannot update refs/releases/two: ref changed: expected \(a), found no ref\n")
            #expect(try MKTProcess.run(["for-each-ref"], in: directory).stdout.isEmpty)
            let passing = "create refs/releases/one \(a)\nupdate refs/releases/two \(b) \(zero)\nverify refs/releases/three\n"
            #expect(try MKTProcess.run(["update-ref", "--stdin"], in: directory, input: passing).status == 0)
            let listed = try MKTProcess.run(["for-each-ref", "--format", "%(refname:short) %(objectname:short) %(objectsize)"], in: directory)
            #expect(listed.stdout == "releases/one \(a.prefix(12)) 1\nreleases/two \(b.prefix(12)) 1\n")
            let nul = "delete refs/releases/one\0\(a)\0update refs/releases/two\0\(a)\0\0"
            #expect(try MKTProcess.run(["update-ref", "--stdin", "-z"], in: directory, input: nul).status == 0)
            #expect(try MKTProcess.run(["for-each-ref", "--format", "%(refname) %(objectname)"], in: directory).stdout == "refs/releases/two \(a)\n")
            let bad = try MKTProcess.run(["update-ref", "--stdin"], in: directory, input: "update refs/x \(a)\nfrobnicate refs/y\n")
            #expect(bad.status == 1)
            #expect(bad.stderr == "error: update-ref --stdin line 2: unknown command 'frobnicate'\n")
        }
    }

    @Test func updateRefRefusesBadNamesAndMissingObjects() throws {
        try withTemporaryDirectory { directory in
            let (a, _) = try storeWithTwoObjects(directory)
            let escape = try MKTProcess.run(["update-ref", "refs/../../etc/passwd", a], in: directory)
            #expect(escape.status == 1)
            #expect(escape.stderr == "error: invalid ref name 'refs/../../etc/passwd': contains '..'\n")
            let control = try MKTProcess.run(["update-ref", "refs/a\u{1b}[31m", a], in: directory)
            #expect(control.stderr == "error: invalid ref name 'refs/a\\x1b[31m': contains a control character\n")
            let missing = String(repeating: "ab", count: 32)
            let dangling = try MKTProcess.run(["update-ref", "refs/x", missing], in: directory)
            #expect(dangling.stderr == "error: cannot point refs/x at \(missing): no such object\n")
            #expect(try MKTProcess.run(["update-ref", "-d", "refs/x"], in: directory).status == 0)
        }
    }

    @Test func revParseAndForEachRefPatterns() throws {
        try withTemporaryDirectory { directory in
            let (a, b) = try storeWithTwoObjects(directory)
            for (name, id) in [("refs/releases/album", a), ("refs/trackers/red/album", b), ("refs/trackers/ops/album", a), ("refs/trackers/red/ep", a)] {
                try MKTProcess.run(["update-ref", name, id], in: directory)
            }
            #expect(try MKTProcess.run(["rev-parse", "album", "red/album", String(b.prefix(5))], in: directory).stdout == "\(a)\n\(b)\n\(b)\n")
            let unknown = try MKTProcess.run(["rev-parse", "--verify", "nothing"], in: directory)
            #expect(unknown.status == 1 && unknown.stderr == "error: 'nothing' names no object or ref\n")
            let quiet = try MKTProcess.run(["rev-parse", "--verify", "-q", "nothing"], in: directory)
            #expect(quiet.status == 1 && quiet.stderr.isEmpty)
            let absent = String(repeating: "cd", count: 32)
            #expect(try MKTProcess.run(["rev-parse", "--verify", absent], in: directory).stderr == "error: \(absent): object does not exist\n")
            #expect(try MKTProcess.run(["rev-parse", "--mkt-dir"], in: "\(directory)/.mkt/refs").stdout == "\(directory)/.mkt\n")
            func names(_ patterns: String...) throws -> String {
                try MKTProcess.run(["for-each-ref", "--format", "%(refname)"] + patterns, in: directory).stdout
            }
            #expect(try names("refs/trackers/red") == "refs/trackers/red/album\nrefs/trackers/red/ep\n")
            #expect(try names("refs/trackers/re") == "")
            #expect(try names("refs/trackers/*/album") == "refs/trackers/ops/album\nrefs/trackers/red/album\n")
            #expect(try names("refs/releases/album", "refs/trackers/red/ep") == "refs/releases/album\nrefs/trackers/red/ep\n")
            let counted = try MKTProcess.run(["for-each-ref", "--count", "1"], in: directory)
            #expect(counted.stdout == "\(a) blob\trefs/releases/album\n")
        }
    }

    @Test func aStaleLockIsNamedAndGCRemovesIt() throws {
        try withTemporaryDirectory { directory in
            let (a, _) = try storeWithTwoObjects(directory)
            let finished = try MKTProcess.shell("sh -c 'echo $$'", in: directory).stdout.trimmingCharacters(in: .newlines)
            try writeFile("\(directory)/.mkt/refs/releases/album.lock", finished + "\n")
            let blocked = try MKTProcess.run(["update-ref", "refs/releases/album", a], in: directory)
            #expect(blocked.status == 1)
            #expect(blocked.stderr == """
                error: cannot lock refs/releases/album: '\(directory)/.mkt/refs/releases/album.lock' exists; \
                it was left by pid \(finished), which is no longer running; run 'mkt gc' to remove it

                """)
            let fsck = try MKTProcess.run(["fsck"], in: directory)
            #expect(fsck.status == 0)
            #expect(fsck.stdout.hasPrefix("warning: lock \(directory)/.mkt/refs/releases/album.lock: it was left by pid"))
            // A dead writer's lock goes at once, before any grace period is over.
            #expect(try MKTProcess.run(["gc", "--dry-run"], in: directory).stdout == "would remove refs/releases/album.lock\n")
            #expect(try MKTProcess.run(["gc"], in: directory).stdout == "removed refs/releases/album.lock\n")
            #expect(try MKTProcess.run(["update-ref", "refs/releases/album", a], in: directory).status == 0)
            let badGrace = try MKTProcess.run(["gc", "--grace", "soon"], in: directory)
            #expect(badGrace.status == 64)
        }
    }
}
