import Foundation
import MKTTestSupport
import Testing

/// mkt's torrents against the real tools from Debian: mktorrent (byte-exact
/// oracle), libtorrent (independent parser and creator) and transmission-show.
@Suite(
    .enabled(if: Oracle.available("/usr/bin/mktorrent"), "mktorrent is not installed (apt-get install mktorrent)"),
    .enabled(if: Oracle.available("/usr/bin/transmission-show"), "transmission-show is not installed (apt-get install transmission-cli)"),
    .enabled(if: Oracle.hasLibtorrent, "python3-libtorrent is not installed (apt-get install python3-libtorrent)")
)
struct TorrentOracleTests {
    /// Releases shaped to hit the edge cases of BEP 3's piece layout; pieces are 32 KiB (mktorrent's smallest).
    enum Shape: String, CaseIterable, CustomTestStringConvertible {
        case singleFile, manyFiles, filesSmallerThanAPiece, emptyFiles, boundaryAtFileEnd, nonASCIINames

        var testDescription: String { rawValue }

        /// Relative path and size of each file.
        var files: [(String, Int)] {
            let piece = 32768
            switch self {
            case .singleFile: return [("track.flac", 5 * piece + 123)]
            case .manyFiles: return (1...40).map { ("CD\($0 % 3 + 1)/\(String(format: "%02d", $0)) - Track.flac", 2000 * $0 + $0 * $0) }
            case .filesSmallerThanAPiece: return [("a.cue", 300), ("b.log", 5000), ("c.txt", 10), ("d.jpg", piece - 1)]
            case .emptyFiles: return [("01.flac", 40000), ("empty.txt", 0), ("sub/also-empty", 0), ("sub/02.flac", 30000)]
            case .boundaryAtFileEnd: return [("01.flac", 2 * piece), ("02.flac", piece), ("03.flac", 3 * piece + 1)]
            case .nonASCIINames:
                return [
                    ("Björk - Jóga.flac", 20000), ("日本語/トラック.flac", 30000), ("Ελληνικά.log", 100),
                    ("Decomposed e\u{301}.flac", 5000), ("Composed \u{e9}.flac", 5000), ("emoji 🎵.txt", 42),
                ]
            }
        }
    }

    @Test(arguments: Shape.allCases)
    func infohashEqualsMktorrentsAndEveryToolParsesIt(shape: Shape) throws {
        try withTemporaryDirectory { directory in
            let release = shape == .singleFile ? "\(directory)/track.flac" : "\(directory)/Artist - Album (2024) [FLAC]"
            for (index, (path, size)) in shape.files.enumerated() {
                let location = shape == .singleFile ? release : "\(release)/\(path)"
                try FileManager.default.createDirectory(atPath: (location as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try Oracle.bytes(size, seed: index).write(to: URL(fileURLWithPath: location))
            }
            let made = try MKTProcess.run(["make-torrent", "--tracker", "red", "-l", "32K", "-o", "mkt.torrent", release], in: directory)
            #expect(made.status == 0, "\(made)")
            let mktorrent = try Oracle.run("/usr/bin/mktorrent", ["-p", "-s", "RED", "-l", "15", "-o", "mktorrent.torrent", release], in: directory)
            #expect(mktorrent.status == 0, "\(mktorrent)")
            let hashes = try Oracle.libtorrentInfoHashes(["\(directory)/mkt.torrent", "\(directory)/mktorrent.torrent"])
            #expect(hashes.count == 2 && hashes[0] == hashes[1], "libtorrent: \(hashes)")
            let shown = try Oracle.run("/usr/bin/transmission-show", ["mkt.torrent"], in: directory)
            #expect(shown.status == 0)
            #expect(shown.stdout.contains("Hash: \(hashes[0])"))
            #expect(shown.stdout.contains("Privacy: Private torrent"))
            #expect(try MKTProcess.run(["hash-object", "-t", "torrent", "mkt.torrent"], in: directory).status == 0)
            if shape == .singleFile {
                #expect(try Oracle.libtorrentCreate(release, pieceLength: 32768, source: "RED") == hashes[0])
            }
        }
    }

    @Test(arguments: [false, true])
    func hybridTorrentsEqualLibtorrents(singleFile: Bool) throws {
        try withTemporaryDirectory { directory in
            let release = singleFile ? "\(directory)/single.flac" : "\(directory)/hybrid"
            let files: [(String, Int)] = singleFile
                ? [("single.flac", 5 * 32768 + 999)]
                : [("a/x", 5000), ("a b/x", 40000), ("a.txt", 100), ("empty", 0), ("one piece.flac", 32768), ("five pieces.flac", 4 * 32768 + 7)]
            for (index, (path, size)) in files.enumerated() {
                let location = singleFile ? release : "\(release)/\(path)"
                try Oracle.bytes(size, seed: index + 40).write(to: URL(fileURLWithPath: location).creatingParent())
            }
            let made = try MKTProcess.run(["make-torrent", "--hybrid", "--public", "-l", "32K", "-o", "mkt.torrent", release], in: directory)
            #expect(made.status == 0, "\(made)")
            let script = """
                import sys, libtorrent as lt
                fs = lt.file_storage()
                lt.add_files(fs, sys.argv[1])
                t = lt.create_torrent(fs, 32768)
                lt.set_piece_hashes(t, sys.argv[2])
                open(sys.argv[3], 'wb').write(lt.bencode(t.generate()))
                for f in sys.argv[3:]:
                    h = lt.torrent_info(f).info_hashes()
                    print(h.v1, h.v2)
                """
            let result = try Oracle.run(Oracle.python, ["-c", script, release, directory, "\(directory)/lt.torrent", "\(directory)/mkt.torrent"], in: directory)
            let lines = result.stdout.split(separator: "\n")
            // libtorrent parsing mkt's file also checks its piece layers against the roots.
            // (Transmission 3.00 predates v2 and refuses libtorrent's own hybrids, so it is no oracle here.)
            #expect(lines.count == 2 && lines[0] == lines[1], "libtorrent (hybrid, then mkt): \(result)")
        }
    }

    @Test func torrentsForTwoTrackersDifferOnlyInSource() throws {
        try withTemporaryDirectory { directory in
            for index in 0..<5 { try Oracle.bytes(70_000 + index, seed: index).write(to: URL(fileURLWithPath: "\(directory)/album/\(index).flac").creatingParent()) }
            try MKTProcess.run(["init", "-q"], in: directory)
            let pieces = try MKTProcess.run(["hash-release", "-w", "album"], in: directory).stdout.trimmingCharacters(in: .newlines)
            for tracker in ["red", "ops"] {
                let made = try MKTProcess.run(["make-torrent", "--release", pieces, "--tracker", tracker, "-o", "\(tracker).torrent"], in: directory)
                #expect(made.status == 0, "\(made)")
            }
            let red = try Data(contentsOf: URL(fileURLWithPath: "\(directory)/red.torrent"))
            let ops = try Data(contentsOf: URL(fileURLWithPath: "\(directory)/ops.torrent"))
            var redAsOPS = red
            let flag = try #require(red.range(of: Data("6:source3:RED".utf8)))
            redAsOPS.replaceSubrange(flag, with: Data("6:source3:OPS".utf8))
            #expect(redAsOPS == ops, "the bytes differ only in info.source")
            let hashes = try Oracle.libtorrentInfoHashes(["\(directory)/red.torrent", "\(directory)/ops.torrent"])
            #expect(hashes.count == 2 && hashes[0] != hashes[1])
        }
    }

    @Test func hostileTorrentsAreRefusedAndTheStoreIsUnchanged() throws {
        try withTemporaryDirectory { directory in
            try MKTProcess.run(["init", "-q"], in: directory)
            let info = "4:name5:Album12:piece lengthi16384e6:pieces20:\(String(repeating: "x", count: 20))"
            let cases: [(String, String)] = [
                ("d4:info" + String(repeating: "l", count: 500_000), "bad bencode at byte 71: nesting deeper than 64 levels"),
                ("d4:info999999999999:", "bad bencode at byte 7: string length 999999999999 runs past the end of the data"),
                ("d4:infod6:lengthi05e" + info + "ee", "bad bencode at byte 16: integer with a leading zero"),
                ("d4:infod5:filesld6:lengthi5e4:pathl2:..6:passwdeee" + info + "ee", "info.files[0].path: '..' is not allowed"),
                ("d4:infod5:filesld6:lengthi5e4:pathl0:3:etceee" + info + "ee", "info.files[0].path: empty name (an absolute path or '//')"),
                ("d4:infod5:filesld6:lengthi5e4:pathl3:a\u{0}beee" + info + "ee", "info.files[0].path: name contains a NUL byte"),
                ("d4:infod6:lengthi5e4:name5:Album12:piece lengthi16384e6:pieces19:\(String(repeating: "x", count: 19))ee", "info.pieces is 19 bytes, not a multiple of 20"),
                ("d8:announce22:https://x/KEY/announce4:infod6:lengthi5e" + info + "ee", "a stored torrent carries no announce URL (it would hold the passkey); mkt adds it on export"),
            ]
            for (index, (text, message)) in cases.enumerated() {
                let name = "evil\(index).torrent"
                try Data(text.utf8).write(to: URL(fileURLWithPath: "\(directory)/\(name)"))
                let result = try MKTProcess.run(["hash-object", "-t", "torrent", "-w", name], in: directory)
                #expect(result.status == 1, "\(name): \(result)")
                #expect(result.stderr == "error: \(name): \(message)\n", "\(name)")
            }
            let objects = try FileManager.default.contentsOfDirectory(atPath: "\(directory)/.mkt/objects")
            #expect(objects.isEmpty, "nothing was stored")
        }
    }

    @Test func verifyFindsOneFlippedByteInAGibibyte() throws {
        try withTemporaryDirectory { directory in
            let release = "\(directory)/Box Set"
            try FileManager.default.createDirectory(atPath: release, withIntermediateDirectories: true)
            for disc in 1...8 {
                // Sparse 128 MiB files with a distinct head: fast to make, a full GiB to hash.
                let path = "\(release)/Disc \(disc).flac"
                try Oracle.bytes(4096, seed: disc).write(to: URL(fileURLWithPath: path))
                #expect(truncate(path, 128 << 20) == 0)
            }
            try MKTProcess.run(["init", "-q"], in: directory)
            let pieces = try MKTProcess.run(["hash-release", "-w", release], in: directory).stdout.trimmingCharacters(in: .newlines)
            // 1 GiB gets 512 KiB pieces automatically.
            #expect(try MKTProcess.run(["verify", pieces], in: directory).stdout == "ok: 8 files, 2048 pieces match (\(release))\n")
            let handle = try FileHandle(forUpdating: URL(fileURLWithPath: "\(release)/Disc 6.flac"))
            try handle.seek(toOffset: 77_777_777)
            try handle.write(contentsOf: Data([1]))
            try handle.close()
            let result = try MKTProcess.run(["verify", pieces], in: directory)
            #expect(result.status == 1)
            // 5 discs of 128 MiB, then byte 77,777,777 of disc 6, in 512 KiB pieces.
            #expect(result.stdout == "error: Disc 6.flac: data does not match (first bad piece \((5 * (128 << 20) + 77_777_777) >> 19))\n")
            #expect(result.stderr == "error: 1 file missing, resized or damaged\n")
        }
    }
}

/// The third-party tools, run as a user would.
enum Oracle {
    static func available(_ path: String) -> Bool { FileManager.default.isExecutableFile(atPath: path) }

    /// Debian's python3 has the libtorrent module; the pyenv one on PATH may not.
    static let python = "/usr/bin/python3"

    static var hasLibtorrent: Bool {
        (try? run(python, ["-c", "import libtorrent"], in: "/").status) == 0
    }

    static func bytes(_ count: Int, seed: Int) -> Data {
        Data((0..<count).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 13 ^ seed) })
    }

    static func run(_ executable: String, _ arguments: [String], in directory: String) throws -> MKTResult {
        try MKTProcess.shell(([executable] + arguments).map(quote).joined(separator: " "), in: directory)
    }

    static func quote(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// libtorrent's own reading of each file's v1 infohash.
    static func libtorrentInfoHashes(_ files: [String]) throws -> [String] {
        let script = "import libtorrent as lt, sys\nfor f in sys.argv[1:]: print(lt.torrent_info(f).info_hashes().v1)"
        let result = try run(python, ["-c", script] + files, in: "/")
        return result.stdout.split(separator: "\n").map(String.init)
    }

    /// libtorrent's creator, v1 only, for a single file (its multi-file order is the directory's).
    static func libtorrentCreate(_ file: String, pieceLength: Int, source: String) throws -> String {
        let script = """
            import hashlib, os, sys, libtorrent as lt
            fs = lt.file_storage()
            lt.add_files(fs, sys.argv[1])
            t = lt.create_torrent(fs, int(sys.argv[2]), flags=lt.create_torrent.v1_only)
            lt.set_piece_hashes(t, os.path.dirname(sys.argv[1]))
            t.set_priv(True)
            e = t.generate()
            e[b'info'][b'source'] = sys.argv[3].encode()
            print(hashlib.sha1(lt.bencode(e[b'info'])).hexdigest())
            """
        return try run(python, ["-c", script, file, String(pieceLength), source], in: "/").stdout.trimmingCharacters(in: .newlines)
    }
}

extension URL {
    func creatingParent() throws -> URL {
        try FileManager.default.createDirectory(at: deletingLastPathComponent(), withIntermediateDirectories: true)
        return self
    }
}
