import Foundation
import MKTTestSupport
import Testing

/// Hostile inputs of the second round (Documentation/reliability.md), through the real binary.
struct HostileInputJourneyTests {
    /// A file of `size` bytes with no data on disk (what `truncate -s` makes).
    static func sparseFile(_ path: String, size: off_t) throws {
        let fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o644)
        guard fd >= 0, ftruncate(fd, size) == 0 else { throw CocoaError(.fileWriteUnknown) }
        close(fd)
    }

    /// A sparse file in a release is named before hashing (a warning, not an
    /// error: the add goes on), with the release's size when it is past 1 GiB.
    @Test func aSparseFileIsNamedBeforeHashing() throws {
        try withTemporaryDirectory { directory in
            try MKTProcess.run(["init", "-q"], in: directory)
            let folder = try FLACFixture.release(in: directory, album: "Holes")
            try Self.sparseFile("\(folder)/disc.img", size: 64 << 20)
            let added = try MKTProcess.run(["add", "--yes", folder], in: directory)
            #expect(added.status == 0 && added.stdout.hasPrefix("added "), "\(added)")
            let lines = added.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].hasPrefix("warning: ") && lines[0].hasSuffix(
                "/disc.img is a sparse file (67.1 MB, mostly holes): a release almost never holds one, and hashing reads every byte"), "\(added)")
            let quiet = try MKTProcess.run(["add", "--yes", "-q", folder], in: directory)
            #expect(quiet.status == 0 && quiet.stderr.contains("disc.img is a sparse file"), "\(quiet)")
        }
    }

    /// Case 19: a 1 TiB sparse file (about 1.5 h of hashing) with --yes and
    /// no terminal: its size and the sparse file are said before hashing, a
    /// progress line for logs comes every 10 s, and SIGTERM stops it with the
    /// store as it was.
    @Test func aTebibyteOfHolesSaysSoLogsProgressAndStops() throws {
        try withTemporaryDirectory { directory in
            try MKTProcess.run(["init", "-q"], in: directory)
            let folder = try FLACFixture.release(in: directory, album: "Huge")
            try Self.sparseFile("\(folder)/disc.img", size: 1 << 40)
            let running = try MKTProcess.start(["add", "--yes", folder], in: directory)
            let deadline = Date().addingTimeInterval(40)
            while !running.stderrSoFar.contains("% ") && Date() < deadline { usleep(200_000) }
            let seen = running.stderrSoFar
            kill(running.pid, SIGTERM)
            let stopped = try running.finish()
            #expect(stopped.status == 128 + SIGTERM, "\(stopped)")
            let lines = seen.split(separator: "\n").map(String.init)
            #expect(lines.count == 3, "\(seen)")
            #expect(lines.first?.hasPrefix("warning: ") == true && lines.first?.contains("/disc.img is a sparse file (1.1 TB, mostly holes)") == true, "\(seen)")
            #expect(lines.dropFirst().first?.hasPrefix("hashing ") == true && lines.dropFirst().first?.hasSuffix(": 3 files, 1.1 TB") == true, "\(seen)")
            #expect(lines.last?.range(of: #"^hashing +[0-9]+%  .* of 1\.1 TB  .*/s  [0-9]+:[0-9]{2} left$"#, options: .regularExpression) != nil, "\(seen)")
            #expect(stopped.stderr.hasSuffix("interrupted: \(folder) was not added; the store is as it was before it\n"), "\(stopped)")
            #expect(try MKTProcess.run(["for-each-ref"], in: directory).stdout.isEmpty)
        }
    }

    /// Runs mkt, killing it after `seconds`: a hang fails the test instead of the run.
    static func run(_ arguments: [String], in directory: String, within seconds: Double = 10) throws -> (result: MKTResult, took: Double) {
        let started = Date()
        let running = try MKTProcess.start(arguments, in: directory)
        while running.isRunning && Date().timeIntervalSince(started) < seconds { usleep(20_000) }
        if Date().timeIntervalSince(started) >= seconds { kill(running.pid, SIGKILL) }
        return (try running.finish(), Date().timeIntervalSince(started))
    }

    /// A ref, an object or the config that is a FIFO (no writer) or a link
    /// to /dev/zero: every command that reads it hung (a FIFO blocks at open)
    /// or grew without end (/dev/zero never ends). Now each is one line
    /// naming the file, at once.
    @Test func aFIFOOrADeviceInTheStoreIsRefusedAtOnce() throws {
        try withTemporaryDirectory { directory in
            try MKTProcess.run(["init", "-q"], in: directory)
            let blob = try MKTProcess.run(["hash-object", "-w", "--stdin"], in: directory, input: "x").stdout.trimmingCharacters(in: .newlines)
            try MKTProcess.run(["update-ref", "refs/releases/album", blob], in: directory)
            let ref = "\(directory)/.mkt/refs/releases/album"
            let object = "\(directory)/.mkt/objects/\(blob.prefix(2))/\(blob.dropFirst(2))"
            let config = "\(directory)/.mkt/config"
            for (file, kind) in [(ref, "FIFO"), (ref, "device"), (object, "FIFO"), (object, "device"), (config, "FIFO"), (config, "device")] {
                let saved = try Data(contentsOf: URL(fileURLWithPath: file))
                try FileManager.default.removeItem(atPath: file)
                if kind == "FIFO" { #expect(mkfifo(file, 0o644) == 0) } else { try FileManager.default.createSymbolicLink(atPath: file, withDestinationPath: "/dev/zero") }
                for command in [["cat-file", "-p", "refs/releases/album"], ["fsck"]] {
                    let (result, took) = try Self.run(command, in: directory)
                    #expect(took < 9 && result.status == 1, "\(file) as a \(kind): \(command): \(result) after \(took) s")
                    #expect((result.stdout + result.stderr).contains("is a \(kind), not a file; mkt reads only regular files there"), "\(file) as a \(kind): \(command): \(result)")
                }
                try FileManager.default.removeItem(atPath: file)
                try saved.write(to: URL(fileURLWithPath: file))
            }
        }
    }
}
