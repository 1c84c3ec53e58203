import Foundation
import MKTTestSupport
import Testing

/// hash-release, make-torrent, ls-release, export and cat-file -p as a user runs them.
struct TorrentJourneyTests {
    private let passkey = "c4n4ryp4ssk3y0123456789abcdef012"

    private func album(_ directory: String) throws {
        try writeFile("\(directory)/Artist - Album/01 - One.flac", String(repeating: "1", count: 50_000))
        try writeFile("\(directory)/Artist - Album/02 - Two.flac", String(repeating: "2", count: 60_000))
        try writeFile("\(directory)/Artist - Album/folder.jpg", "jpeg")
        try writeFile("\(directory)/Artist - Album/.DS_Store", "junk")
    }

    @Test func makeTorrentWorksWithoutAStoreLikeMktorrent() throws {
        try withTemporaryDirectory { directory in
            try album(directory)
            let made = try MKTProcess.run(["make-torrent", "--tracker", "ops", "Artist - Album"], in: directory)
            #expect(made.status == 0 && made.stdout.isEmpty && made.stderr.isEmpty, "\(made)")
            #expect(FileManager.default.fileExists(atPath: "\(directory)/Artist - Album.torrent"))
            let again = try MKTProcess.run(["make-torrent", "Artist - Album"], in: directory)
            #expect(again.status == 1)
            #expect(again.stderr == "error: cannot write 'Artist - Album.torrent': File exists\n")
            let toStdout = try MKTProcess.run(["make-torrent", "--announce", "https://t.example/announce", "-o", "-", "Artist - Album"], in: directory)
            #expect(toStdout.stdoutData.starts(with: Data("d8:announce26:https://t.example/announce".utf8)))
            let withW = try MKTProcess.run(["make-torrent", "-w", "--announce", "https://t.example/x/announce", "Artist - Album"], in: directory)
            #expect(withW.status == 64)
            #expect(withW.stderr.hasPrefix("error: the store never holds announce URLs; use 'mkt export' to add one\n"))
        }
    }

    @Test func theStoredFlowAndThePasskeyNeverEntersTheStore() throws {
        try withTemporaryDirectory { directory in
            try album(directory)
            try MKTProcess.run(["init", "-q"], in: directory)
            let pieces = try MKTProcess.run(["hash-release", "-w", "Artist - Album"], in: directory).stdout.trimmingCharacters(in: .newlines)
            #expect(try MKTProcess.run(["hash-release", "Artist - Album"], in: directory).stdout == pieces + "\n", "the same id without -w")
            #expect(try MKTProcess.run(["ls-release", pieces], in: directory).stdout == "50000\t01 - One.flac\n60000\t02 - Two.flac\n4\tfolder.jpg\n")
            #expect(try MKTProcess.run(["ls-release", "--excluded", pieces], in: directory).stdout == ".DS_Store\n")
            try MKTProcess.run(["update-ref", "refs/releases/album", pieces], in: directory)
            let torrent = try MKTProcess.run(["make-torrent", "--release", "album", "--tracker", "red", "-w"], in: directory).stdout.trimmingCharacters(in: .newlines)
            let shown = try MKTProcess.run(["cat-file", "-p", torrent], in: directory)
            #expect(shown.stdout.hasPrefix("Name: Artist - Album\nInfo hash: "))
            #expect(shown.stdout.contains("Private: yes\nSource: RED\nCreated by: mkt\nPiece length: 32 KiB (4 pieces)\nTotal size: 107.4 KiB (110004 bytes)\n"))
            #expect(shown.stdout.hasSuffix("Files (3):\n  Artist - Album/01 - One.flac (48.8 KiB)\n  Artist - Album/02 - Two.flac (58.6 KiB)\n  Artist - Album/folder.jpg (4 bytes)\n"))
            let noPasskey = try MKTProcess.run(["export", "--tracker", "red", "album"], in: directory)
            #expect(noPasskey.status == 1)
            #expect(noPasskey.stderr == "error: no active passkey for red: add one with 'mkt credential set red --passkey'\n")
            let exported = try MKTProcess.run(["export", "--tracker", "red", torrent], in: directory, environment: ["MKT_PASSKEY": passkey])
            #expect(exported.status == 0, "\(exported)")
            let file = try Data(contentsOf: URL(fileURLWithPath: "\(directory)/Artist - Album.red.torrent"))
            #expect(file.range(of: Data("https://flacsfor.me/\(passkey)/announce".utf8)) != nil)
            let wrongTracker = try MKTProcess.run(["export", "--tracker", "ops", torrent], in: directory, environment: ["MKT_PASSKEY": passkey])
            #expect(wrongTracker.status == 64)
            try MKTProcess.run(["export", "--tracker", "ops", "album", "-o", "ops.torrent"], in: directory, environment: ["MKT_PASSKEY": passkey])
            #expect(try MKTProcess.run(["fsck"], in: directory).status == 0)
            let leaks = try MKTProcess.shell("grep -r -l -a -i -e '\(passkey)' .mkt || true", in: directory)
            #expect(leaks.stdout.isEmpty, "the passkey reached the store: \(leaks.stdout)")
        }
    }

    @Test func badReleaseInputGetsOneLine() throws {
        try withTemporaryDirectory { directory in
            try writeFile("\(directory)/empty/.hidden", "x")
            let empty = try MKTProcess.run(["make-torrent", "empty"], in: directory)
            #expect(empty.status == 1)
            #expect(empty.stderr == "error: empty: nothing to hash (no files, or only empty or excluded ones)\n")
            let missing = try MKTProcess.run(["hash-release", "nowhere"], in: directory)
            #expect(missing.stderr == "error: cannot open 'nowhere': No such file or directory\n")
            let badLength = try MKTProcess.run(["make-torrent", "-l", "100000", "empty"], in: directory)
            #expect(badLength.status == 64)
            #expect(badLength.stderr.hasPrefix("error: The value '100000' is invalid for '-l <piece-length>': piece length 100000 is not a power of two from 16 KiB to 64 MiB\n"))
            try MKTProcess.run(["init", "-q"], in: directory)
            let blob = try MKTProcess.run(["hash-object", "-w", "--stdin"], in: directory, input: "x").stdout.trimmingCharacters(in: .newlines)
            let notRelease = try MKTProcess.run(["ls-release", blob], in: directory)
            #expect(notRelease.stderr == "error: '\(blob)' is a blob object, not a release (a pieces or release object, or a ref to one)\n")
        }
    }
}
