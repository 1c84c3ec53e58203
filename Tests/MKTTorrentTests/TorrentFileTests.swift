import Foundation
import MKTTorrent
import Testing

/// Hostile and malformed .torrent files: each gets a one-line error naming what is wrong.
struct TorrentFileTests {
    private func torrent(info: BencodeDictionary, extra: BencodeDictionary = [:]) -> [UInt8] {
        var top = extra
        top["info"] = .dictionary(info)
        return Bencode.dictionary(top).encoded()
    }

    private var validInfo: BencodeDictionary {
        [
            "name": .string("Album"),
            "piece length": .integer(16384),
            "pieces": .bytes([UInt8](repeating: 7, count: 40)),
            "files": .list([
                .dictionary(["length": .integer(20000), "path": .list([.string("CD1"), .string("01.flac")])]),
                .dictionary(["length": .integer(0), "path": .list([.string("empty.txt")])]),
            ]),
            "private": .integer(1),
            "source": .string("RED"),
        ]
    }

    @Test func aValidTorrentParses() throws {
        let parsed = try TorrentFile.parse(torrent(info: validInfo, extra: ["created by": .string("mkt")]), label: "a.torrent")
        #expect(parsed.name == "Album")
        #expect(parsed.files.map(\.path) == [["CD1", "01.flac"], ["empty.txt"]])
        #expect(parsed.totalLength == 20000)
        #expect(parsed.isPrivate && parsed.source == "RED" && parsed.pieceCount == 2)
        #expect(parsed.infoHash == TorrentBuilder.infoHash(validInfo))
    }

    private func expectRefused(_ info: BencodeDictionary, _ reason: String) {
        #expect(throws: TorrentError.invalidTorrent(source: "evil.torrent", reason: reason)) {
            try TorrentFile.parse(torrent(info: info), label: "evil.torrent")
        }
    }

    private func withFiles(_ paths: [[String]], lengths: [Int64]? = nil) -> BencodeDictionary {
        var info = validInfo
        info["files"] = .list(zip(paths, lengths ?? paths.map { _ in 1 }).map { path, length in
            .dictionary(["length": .integer(length), "path": .list(path.map(Bencode.string))])
        })
        info["pieces"] = .bytes([UInt8](repeating: 1, count: 20))
        return info
    }

    /// NFC and NFD spellings of one name are two files, as the file system has them.
    @Test func canonicallyEquivalentPathsAreTwoFiles() throws {
        let parsed = try TorrentFile.parse(torrent(info: withFiles([["Cafe\u{301}"], ["Caf\u{E9}"], ["Caf\u{E9}.d", "x"], ["Cafe\u{301}.d"]])), label: "a.torrent")
        #expect(parsed.files.map { $0.path.map { Array($0.utf8) } } == [["Cafe\u{301}"], ["Caf\u{E9}"], ["Caf\u{E9}.d", "x"], ["Cafe\u{301}.d"]].map { $0.map { Array($0.utf8) } })
    }

    @Test func pathsThatEscapeAreRefused() {
        expectRefused(withFiles([["..", "etc", "passwd"]]), "info.files[0].path: '..' is not allowed")
        expectRefused(withFiles([["", "etc", "passwd"]]), "info.files[0].path: empty name (an absolute path or '//')")
        expectRefused(withFiles([["a/../../b"]]), "info.files[0].path: name 'a/../../b' contains '/'")
        expectRefused(withFiles([["a\u{0}b"]]), "info.files[0].path: name contains a NUL byte")
        expectRefused(withFiles([["ok"], ["ok"]]), "info.files[1].path ok appears twice")
        expectRefused(withFiles([["a"], ["a", "b"]]), "a is both a file and a folder")
        expectRefused(withFiles([["Caf\u{E9}"], ["Caf\u{E9}", "b"]]), "Caf\u{E9} is both a file and a folder")
        var info = validInfo
        info["name"] = .string("..")
        expectRefused(info, "info.name: '..' is not allowed")
        info["name"] = .bytes([0xc0, 0xaf])
        expectRefused(info, "info.name: name is not UTF-8: \\xc0\\xaf")
    }

    @Test func inconsistentSizesAreRefused() {
        var info = validInfo
        info["pieces"] = .bytes([UInt8](repeating: 0, count: 39))
        expectRefused(info, "info.pieces is 39 bytes, not a multiple of 20")
        info["pieces"] = .bytes([UInt8](repeating: 0, count: 60))
        expectRefused(info, "info.pieces has 3 hashes, but 20000 bytes in 16384-byte pieces need 2")
        info = validInfo
        info["piece length"] = .integer(0)
        expectRefused(info, "info.piece length 0 is out of range (1 to 268435456)")
        expectRefused(withFiles([["a"], ["b"]], lengths: [1 << 49, 1 << 50]), "total size is larger than 1 PiB")
        expectRefused(withFiles([["a"]], lengths: [-1]), "info.files[0].length is not a size")
        info = validInfo
        info["length"] = .integer(5)
        expectRefused(info, "info has both length and files")
        info = validInfo
        info["private"] = .integer(2)
        expectRefused(info, "info.private is not 0 or 1")
    }

    @Test func hugeAndDeepInputsFailFastWithTheOffset() {
        let deep = Array(("d4:info" + String(repeating: "l", count: 1_000_000)).utf8)
        #expect(throws: TorrentError.bencode(source: "deep.torrent", BencodeError(offset: 71, reason: "nesting deeper than 64 levels"))) {
            try TorrentFile.parse(deep, label: "deep.torrent")
        }
        let huge = Array("d4:info9999999999999:xe".utf8)
        #expect(throws: TorrentError.bencode(source: "huge.torrent", BencodeError(offset: 7, reason: "string length 9999999999999 runs past the end of the data"))) {
            try TorrentFile.parse(huge, label: "huge.torrent")
        }
    }
}
