import Foundation
import MKTTestSupport
import Testing

/// Each kind of damage, made on disk as a crash or a bad disk would, must be
/// named by `mkt fsck`, which then exits 1.
struct FsckJourneyTests {
    enum Damage: String, CaseIterable, CustomTestStringConvertible {
        case flippedByte, truncated, appendedGarbage, emptyFile, misnamed, refGarbage, refMissingTarget

        var testDescription: String { rawValue }
    }

    @Test(arguments: Damage.allCases)
    func fsckNamesTheDamage(damage: Damage) throws {
        try withTemporaryDirectory { directory in
            try MKTProcess.run(["init", "-q"], in: directory)
            let body = "a rip log with enough text to truncate"
            let id = try MKTProcess.run(["hash-object", "-w", "--stdin"], in: directory, input: body).stdout
                .trimmingCharacters(in: .newlines)
            let other = try MKTProcess.run(["hash-object", "-w", "--stdin"], in: directory, input: "other").stdout
                .trimmingCharacters(in: .newlines)
            try MKTProcess.run(["update-ref", "refs/releases/album", id], in: directory)
            #expect(try MKTProcess.run(["fsck"], in: directory).stderr == "checked 2 objects and 1 ref: ok, 1 unreachable object ('mkt gc --prune=0' removes them)\n")

            let objectPath = "\(directory)/.mkt/objects/\(id.prefix(2))/\(id.dropFirst(2))"
            let relative = ".mkt/objects/\(id.prefix(2))/\(id.dropFirst(2))"
            chmod(objectPath, 0o644)
            let stored = try Data(contentsOf: URL(fileURLWithPath: objectPath))
            let expected: String
            switch damage {
            case .flippedByte:
                var bytes = stored
                bytes[bytes.count - 3] ^= 0x20
                try bytes.write(to: URL(fileURLWithPath: objectPath))
                expected = "error: object \(id): hash mismatch: contents hash to "
            case .truncated:
                try stored.prefix(stored.count / 2).write(to: URL(fileURLWithPath: objectPath))
                expected = "error: object \(id): truncated: header says 38 bytes of body, file has "
            case .appendedGarbage:
                try (stored + Data("junk".utf8)).write(to: URL(fileURLWithPath: objectPath))
                expected = "error: object \(id): garbage at end: header says 38 bytes of body, file has 42"
            case .emptyFile:
                try Data().write(to: URL(fileURLWithPath: objectPath))
                expected = "error: object \(id): empty file"
            case .misnamed:
                let otherPath = "\(directory)/.mkt/objects/\(other.prefix(2))/\(other.dropFirst(2))"
                try FileManager.default.removeItem(atPath: objectPath)
                try FileManager.default.copyItem(atPath: otherPath, toPath: objectPath)
                expected = "error: object \(id): hash mismatch: contents hash to \(other)"
            case .refGarbage:
                try writeFile("\(directory)/.mkt/refs/releases/album", "not a hash\n")
                expected = "error: ref refs/releases/album: not an object id: 'not a hash'"
            case .refMissingTarget:
                try FileManager.default.removeItem(atPath: objectPath)
                expected = "error: ref refs/releases/album: points to missing object \(id)"
            }
            let result = try MKTProcess.run(["fsck"], in: directory)
            #expect(result.status == 1)
            #expect(result.stdout.hasPrefix(expected), "\(result)")
            if ![.refGarbage, .refMissingTarget].contains(damage) {
                #expect(result.stdout.contains(relative))
                let read = try MKTProcess.run(["cat-file", "-p", id], in: directory)
                #expect(read.status == 1)
                #expect(read.stderr.hasPrefix("error: object \(id) is corrupt ("), "reading damaged objects fails cleanly")
                #expect(read.stderr.split(separator: "\n").count == 1)
            }
        }
    }

    @Test func strayFilesAndBadReflogLinesAreReported() throws {
        try withTemporaryDirectory { directory in
            try MKTProcess.run(["init", "-q"], in: directory)
            let id = try MKTProcess.run(["hash-object", "-w", "--stdin"], in: directory, input: "x").stdout.trimmingCharacters(in: .newlines)
            try MKTProcess.run(["update-ref", "refs/x", id], in: directory)
            try writeFile("\(directory)/.mkt/objects/\(id.prefix(2))/NOT-HEX", "?")
            let log = "\(directory)/.mkt/logs/refs/x"
            try writeFile(log, try String(contentsOfFile: log, encoding: .utf8) + "garbage line\n")
            let result = try MKTProcess.run(["fsck"], in: directory)
            #expect(result.status == 1)
            #expect(result.stdout == """
                error: stray file in the object directory: \(directory)/.mkt/objects/\(id.prefix(2))/NOT-HEX
                error: reflog \(log):2: malformed line

                """)
            #expect(result.stderr == "checked 1 object and 1 ref: 2 errors\n")
        }
    }

    /// `mkt gc` removes objects nothing leads to once they are older than
    /// the grace period, and keeps every object a ref, a reflog entry, a
    /// queued job or another kept object names.
    @Test func gcRemovesWhatNothingLeadsTo() throws {
        try withTemporaryDirectory { directory in
            try MKTProcess.run(["init", "-q"], in: directory)
            func store(_ text: String) throws -> String {
                try MKTProcess.run(["hash-object", "-w", "--stdin"], in: directory, input: text).line
            }
            let named = try store("named by the next object only")
            let top = try store("a log that names \(named.uppercased()) in passing")
            let reflogged = try store("where the ref pointed before")
            let queued = try store("a torrent only a queued job names")
            let loose = try store("left by an add that failed")
            try MKTProcess.run(["update-ref", "refs/releases/album", reflogged], in: directory)
            try MKTProcess.run(["update-ref", "refs/releases/album", top], in: directory)
            try writeFile("\(directory)/.mkt/queue/red/album.json", "{\"torrent\":\"\(queued)\"}\n")
            let path = ".mkt/objects/\(loose.prefix(2))/\(loose.dropFirst(2))"

            #expect(try MKTProcess.run(["gc"], in: directory).stdout.isEmpty, "two weeks' grace keeps a fresh object")
            #expect(try MKTProcess.run(["gc", "--prune=1h"], in: directory).stdout.isEmpty)
            #expect(try MKTProcess.run(["gc", "--prune=0", "-n"], in: directory).stdout == "would remove objects/\(loose.prefix(2))/\(loose.dropFirst(2))\n")
            #expect(FileManager.default.fileExists(atPath: "\(directory)/\(path)"))
            #expect(try MKTProcess.run(["gc", "--prune=0"], in: directory).stdout == "removed objects/\(loose.prefix(2))/\(loose.dropFirst(2))\n")
            #expect(!FileManager.default.fileExists(atPath: "\(directory)/\(path)"))
            // The job file names only a torrent: gc keeps what it names all the same, and fsck calls it damaged.
            let checked = try MKTProcess.run(["fsck"], in: directory)
            #expect(checked.stderr == "checked 4 objects and 1 ref: 1 error\n")
            #expect(checked.stdout == "error: queue/red/album.json: damaged: tracker: missing; 'mkt queue cancel red/album' drops it\n")
            for id in [named, top, reflogged, queued] {
                #expect(try MKTProcess.run(["cat-file", "-p", id], in: directory).status == 0)
            }
        }
    }
}
