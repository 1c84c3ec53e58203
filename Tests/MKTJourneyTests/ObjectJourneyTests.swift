import Foundation
import MKTMetadata
import MKTObjects
import MKTStore
import MKTTestSupport
import Testing

/// hash-object, cat-file and the object files they leave, through the real binary.
struct ObjectJourneyTests {
    @Test(arguments: ObjectType.allCases)
    func hashObjectEqualsSHA256SumOfTheLooseObject(type: ObjectType) throws {
        try withTemporaryDirectory { directory in
            let body = "hello"
            let viaMKT = try MKTProcess.run(["hash-object", "-t", type.rawValue, "--literally", "--stdin"], in: directory, input: body)
            #expect(viaMKT.status == 0, "\(viaMKT)")
            let viaShell = try MKTProcess.shell("printf '\(type.rawValue) 5\\0hello' | sha256sum | cut -d' ' -f1", in: directory)
            #expect(viaMKT.stdout == viaShell.stdout)
            #expect(viaMKT.stdout.count == 65)
        }
    }

    /// A receipt written by hand with started = -2^63 and finished = 2^63-1:
    /// `mkt log` and `mkt stats` show it (clamped), and do not trap.
    @Test func extremeReceiptTimesAreShown() throws {
        try withTemporaryDirectory { directory in
            try MKTProcess.run(["init", "-q"], in: directory)
            let body = #"{"attempt":9223372036854775807,"finished":9223372036854775807,"infohash":"\#(String(repeating: "b", count: 40))","outcome":"success","rateLimitWaitMilliseconds":0,"requests":1,"rewritten":false,"site":"https://x.example","started":-9223372036854775808,"torrent":"\#(String(repeating: "a", count: 64))","tracker":"red","warnings":[]}"#
            try writeFile("\(directory)/receipt.json", body)
            let id = try MKTProcess.run(["hash-object", "-t", "receipt", "-w", "receipt.json"], in: directory).stdout.trimmingCharacters(in: .newlines)
            #expect(try MKTProcess.run(["update-ref", "refs/trackers/red/x", id], in: directory).status == 0)
            let log = try MKTProcess.run(["log"], in: directory)
            #expect(log.status == 0 && log.stdout.contains("(9223372036854775.8 s, 1 request)"), "\(log)")
            let formatted = try MKTProcess.run(["log", "--format", "%(duration)"], in: directory)
            #expect(formatted.status == 0 && formatted.stdout == "9223372036854775807\n", "\(formatted)")
            let stats = try MKTProcess.run(["stats"], in: directory)
            #expect(stats.status == 0 && stats.stdout.hasPrefix("TRACKER"), "\(stats)")
        }
    }

    /// Release objects planted by hand with a file of Int64.max bytes, with
    /// sizes whose sum overflows, and one of a legal 1 PiB whose pieces hash
    /// 5000 bytes: every command that reads a release (ls-release, verify,
    /// make-torrent, check-release, describe-release, export) gives one
    /// line naming the object, never a trap (they all trapped on the first).
    @Test(arguments: [
        ("one file of Int64.max", #"[{"path":"a.bin","size":9223372036854775807}]"#, "bad release object"),
        ("a sum past Int64.max", #"[{"path":"a.bin","size":4611686018427387904},{"path":"b.bin","size":4611686018427387904}]"#, "bad release object"),
        ("1 PiB, pieces of 5000 bytes", #"[{"path":"a.bin","size":1125899906842624}]"#, "bad pieces object"),
    ])
    func absurdSizesInAReleaseAreOneLine(label: String, files: String, error: String) throws {
        try withTemporaryDirectory { directory in
            try MKTProcess.run(["init", "-q"], in: directory)
            // The data lies elsewhere than the name: a folder named like the release would be read as one.
            try FileManager.default.createDirectory(atPath: "\(directory)/data", withIntermediateDirectories: true)
            try writeFile("\(directory)/data/a.bin", String(repeating: "x", count: 5000))
            func plant(_ type: String, _ body: Data) throws -> String {
                try body.write(to: URL(fileURLWithPath: "\(directory)/body"))
                let planted = try MKTProcess.run(["hash-object", "-w", "-t", type, "--literally", "body"], in: directory)
                #expect(planted.status == 0, "\(planted)")
                return planted.stdout.trimmingCharacters(in: .newlines)
            }
            let release = try plant("release", Data(#"{"excluded":[],"files":\#(files),"name":"album","single":false}"#.utf8))
            let pieces = try plant("pieces", Data("d6:lengthi5000e12:piece lengthi16384e6:pieces20:\(String(repeating: "a", count: 20))7:release64:\(release)e".utf8))
            let meta = try plant("meta", MetaSnapshot(description: ReleaseDescription(), release: try #require(ObjectID(hex: release)), pieces: try #require(ObjectID(hex: pieces))).objectBody())
            #expect(try MKTProcess.run(["update-ref", "refs/releases/album", meta], in: directory).status == 0)
            let commands = [
                ["ls-release", "album"], ["ls-release", release], ["verify", "album", "data"], ["make-torrent", "--release", "album", "-o", "x.torrent"],
                ["check-release", "--tracker", "red", "album"], ["describe-release", "album"], ["export", "--tracker", "red", "album"],
            ]
            for command in commands {
                let result = try MKTProcess.run(command, in: directory)
                // A bare release id with no pieces in the store says so first.
                let said = result.stderr.contains(error) || result.stderr.contains("release \(release) has not been hashed in this store")
                #expect(result.status == 1 && result.stderr.hasPrefix("error: ") && said && result.stderr.split(separator: "\n").count == 1,
                        "\(label): \(command.joined(separator: " ")): \(result)")
            }
        }
    }

    @Test func anObjectFileHashesToItsOwnName() throws {
        try withTemporaryDirectory { directory in
            try MKTProcess.run(["init", "-q"], in: directory)
            try writeFile("\(directory)/rip.log", "EAC extraction logfile\n")
            let written = try MKTProcess.run(["hash-object", "-w", "rip.log"], in: directory)
            let id = written.stdout.trimmingCharacters(in: .newlines)
            let path = ".mkt/objects/\(id.prefix(2))/\(id.dropFirst(2))"
            let sum = try MKTProcess.shell("sha256sum '\(path)' | cut -d' ' -f1", in: directory)
            #expect(sum.stdout == id + "\n")
            #expect(try MKTProcess.run(["cat-file", "-p", id], in: directory).stdout == "EAC extraction logfile\n")
            #expect(try MKTProcess.run(["cat-file", "-t", String(id.prefix(8))], in: directory).stdout == "blob\n")
            #expect(try MKTProcess.run(["cat-file", "-s", id], in: directory).stdout == "23\n")
            #expect(try MKTProcess.run(["cat-file", "blob", id], in: directory).stdout == "EAC extraction logfile\n")
            let wrongType = try MKTProcess.run(["cat-file", "meta", id], in: directory)
            #expect(wrongType.status == 1)
            #expect(wrongType.stderr == "error: object \(id) is a blob, not a meta\n")
        }
    }

    @Test func theShellPipelineFromTheBrief() throws {
        try withTemporaryDirectory { directory in
            try writeFile("\(directory)/file", "cover art bytes\n")
            let result = try MKTProcess.shell("mkt init -q && mkt update-ref refs/x $(mkt hash-object -w file) && mkt cat-file -p refs/x", in: directory)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == "cover art bytes\n")
        }
    }

    @Test func hashObjectTakesFilesStdinAndStdinPathsInOrder() throws {
        try withTemporaryDirectory { directory in
            try writeFile("\(directory)/a", "a")
            try writeFile("\(directory)/b", "b")
            let ids = try ["a", "b"].map {
                try MKTProcess.run(["hash-object", $0], in: directory).stdout
            }
            let both = try MKTProcess.run(["hash-object", "--stdin", "b"], in: directory, input: "a")
            #expect(both.stdout == ids[0] + ids[1])
            let paths = try MKTProcess.run(["hash-object", "--stdin-paths"], in: directory, input: "b\na\n")
            #expect(paths.stdout == ids[1] + ids[0])
            let missing = try MKTProcess.run(["hash-object", "nope"], in: directory)
            #expect(missing.status == 1)
            #expect(missing.stderr == "error: cannot read 'nope': No such file or directory\n")
            let unknownType = try MKTProcess.run(["hash-object", "-t", "tree", "a"], in: directory)
            #expect(unknownType.status == 1)
            #expect(unknownType.stderr == "error: unknown object type 'tree' (known: blob, release, pieces, meta, torrent, receipt)\n")
            let notAStore = try MKTProcess.run(["hash-object", "-w", "a"], in: directory)
            #expect(notAStore.status == 1)
            #expect(notAStore.stderr == "error: not an mkt store (or any parent up to /): \(directory); run 'mkt init' to create one\n")
        }
    }

    @Test func batchCheckAnswersEachLine() throws {
        try withTemporaryDirectory { directory in
            try MKTProcess.run(["init", "-q"], in: directory)
            let id = try MKTProcess.run(["hash-object", "-w", "--stdin"], in: directory, input: "body").stdout
                .trimmingCharacters(in: .newlines)
            try MKTProcess.run(["update-ref", "refs/releases/album", id], in: directory)
            let input = "\(id)\nalbum extra words\nnothing\n\(String(repeating: "0", count: 64))\n"
            let check = try MKTProcess.run(["cat-file", "--batch-check"], in: directory, input: input)
            #expect(check.stdout == "\(id) blob 4\n\(id) blob 4\nnothing missing\n\(String(repeating: "0", count: 64)) missing\n")
            let formatted = try MKTProcess.run(["cat-file", "--batch-check", "--format", "%(objecttype):%(rest)"], in: directory, input: "album extra words\n")
            #expect(formatted.stdout == "blob:extra words\n")
            let batch = try MKTProcess.run(["cat-file", "--batch"], in: directory, input: "album\n")
            #expect(batch.stdout == "\(id) blob 4\nbody\n")
            #expect(try MKTProcess.run(["cat-file", "-e", "album"], in: directory).status == 0)
            let absent = try MKTProcess.run(["cat-file", "-e", "nothing"], in: directory)
            #expect(absent.status == 1 && absent.stdout.isEmpty && absent.stderr.isEmpty)
        }
    }

    @Test func writingToAFullDiskIsReported() throws {
        try withTemporaryDirectory { directory in
            let result = try MKTProcess.shell("mkt hash-object --stdin < /dev/null > /dev/full", in: directory)
            #expect(result.status == 1)
            #expect(result.stderr == "error: write failure on standard output: No space left on device\n")
        }
    }
}

