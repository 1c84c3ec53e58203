import Foundation
import MKTMetadata
import MKTObjects
import MKTStore
import MKTTestSupport
import MKTTorrent
import Testing

private let releaseHex = String(repeating: "ab", count: 32)
private let piecesHex = String(repeating: "cd", count: 32)
private let parentHex = String(repeating: "ef", count: 32)
private func id(_ hex: String) -> ObjectID { ObjectID(hex: hex)! }

/// The body a format-1 store holds for a two-file release: root and stat data included.
let formatOneReleaseBody = #"{"excluded":[".DS_Store"],"files":[{"changed":1764031200000000001,"device":2049,"inode":1234,"modified":1764031200000000000,"path":"01 - Intro.flac","size":5},{"changed":1764031200000000003,"device":2049,"inode":1235,"modified":1764031200000000002,"path":"cover.jpg","size":3}],"name":"Artist - Album (2019) [FLAC]","root":"/music/Artist - Album (2019) [FLAC]","single":false}"#

struct ReleaseObjectTests {
    let tree = ReleaseTree(
        name: "Artist - Album (2019) [FLAC]", isSingleFile: false,
        files: [.init(path: "cover.jpg", size: 3), .init(path: "01 - Intro.flac", size: 5)], excluded: [".DS_Store"])

    @Test func theBodyIsCanonicalAndHoldsContentOnly() throws {
        let body = String(decoding: tree.objectBody(), as: UTF8.self)
        #expect(body == #"{"excluded":[".DS_Store"],"files":[{"path":"01 - Intro.flac","size":5},{"path":"cover.jpg","size":3}],"name":"Artist - Album (2019) [FLAC]","single":false}"#)
        let decoded = try ReleaseObject(objectBody: tree.objectBody())
        #expect(decoded.tree == tree && decoded.recordedScan == nil)
        #expect(try ReleaseTree(objectBody: tree.objectBody()).objectBody() == tree.objectBody())
        let single = ReleaseTree(name: "one.flac", isSingleFile: true, files: [.init(path: "one.flac", size: 9)], excluded: [])
        #expect(try ReleaseTree(objectBody: single.objectBody()) == single)
    }

    /// NFC and NFD spellings of one name are two paths, in byte order (NFD's
    /// `e` before NFC's 0xC3): the body reads back; the same path twice does not.
    @Test func canonicallyEquivalentPathsAreTwoPaths() throws {
        let files: [ReleaseTree.File] = [.init(path: "Caf\u{E9}.flac", size: 3), .init(path: "Cafe\u{301}.flac", size: 5)]
        let twoSpellings = ReleaseTree(name: "r", isSingleFile: false, files: files, excluded: ["x\u{E9}", "xe\u{301}"])
        let decoded = try ReleaseTree(objectBody: twoSpellings.objectBody())
        #expect(decoded == twoSpellings && decoded.files.map { Array($0.path.utf8) } == files.reversed().map { Array($0.path.utf8) })
        let body = String(decoding: twoSpellings.objectBody(), as: UTF8.self)
        let repeated = body.replacingOccurrences(of: "Cafe\u{301}.flac", with: "Caf\u{E9}.flac")
        #expect(throws: ObjectFormatError.self) { try ReleaseTree(objectBody: Data(repeated.utf8)) }
        let unordered = #"{"excluded":[],"files":[{"path":"Caf\#u{E9}.flac","size":3},{"path":"Cafe\#u{301}.flac","size":5}],"name":"r","single":false}"#
        #expect(throws: ObjectFormatError.self) { try ReleaseTree(objectBody: Data(unordered.utf8)) }
    }

    @Test func aFormatOneBodyStillDecodesWithItsScan() throws {
        let object = try ReleaseObject(objectBody: Data(formatOneReleaseBody.utf8))
        #expect(object.tree == tree)
        let scan = try #require(object.recordedScan)
        #expect(scan.root == "/music/Artist - Album (2019) [FLAC]")
        #expect(scan.stats["01 - Intro.flac"] == FileStat(modified: 1_764_031_200_000_000_000, changed: 1_764_031_200_000_000_001, inode: 1234, device: 2049))
        #expect(scan.stats.count == 2)
        // What this mkt writes for it is the format-2 body: same content, no stat data.
        #expect(object.tree.objectBody() == tree.objectBody())
    }

    static let malformed: [(String, String)] = [
        ("not json", "not JSON"),
        (#"{"files":[{"path":"a","size":1}],"single":false,"excluded":[]}"#, "name: missing"),
        (#"{"name":"r","files":[{"path":"a","size":"1"}],"single":false,"excluded":[]}"#, "files[0].size: expected an integer"),
        (#"{"name":"r","files":{},"single":false,"excluded":[]}"#, "files: expected a list"),
        (#"{"name":"r","files":[],"single":false,"excluded":[]}"#, "files: none"),
        (#"{"name":"..","files":[{"path":"a","size":1}],"single":false,"excluded":[]}"#, "name: '..' is not allowed"),
        (#"{"name":"r","files":[{"path":"a","size":-1}],"single":false,"excluded":[]}"#, "files[0]: negative size for a"),
        (#"{"name":"r","files":[{"path":"a//b","size":1}],"single":false,"excluded":[]}"#, "files[0]: path a//b: empty name (an absolute path or '//')"),
        (#"{"name":"r","files":[{"path":"../a","size":1}],"single":false,"excluded":[]}"#, "files[0]: path ../a: '..' is not allowed"),
        (#"{"name":"r","files":[{"path":"b","size":1},{"path":"a","size":1}],"single":false,"excluded":[]}"#, "files: not in byte order of their paths, or a path repeats"),
        (#"{"name":"r","files":[{"path":"a","size":1},{"path":"a","size":1}],"single":false,"excluded":[]}"#, "files: not in byte order of their paths, or a path repeats"),
        (#"{"name":"r","files":[{"path":"a","size":1}],"single":false,"excluded":["z","y"]}"#, "excluded: not in byte order, or a path repeats"),
        (#"{"name":"r","files":[{"path":"a","size":1},{"path":"b","size":1}],"single":true,"excluded":[]}"#, "single: a one-file release holds exactly one file, named as the release"),
        (#"{"name":"r","files":[{"path":"a","size":1,"inode":7}],"single":false,"excluded":[]}"#, "files[0]: stat data (a) in a body without a root; format 2 holds names and sizes only"),
        (#"{"name":"r","root":"/m/r","files":[{"path":"a","size":1}],"single":false,"excluded":[]}"#, "files[0]: a format-1 body needs modified, changed, inode and device (a)"),
        (#"{"name":"r","root":"m/r","files":[{"changed":1,"device":1,"inode":1,"modified":1,"path":"a","size":1}],"single":false,"excluded":[]}"#, "root: 'm/r' is not an absolute path"),
    ]

    @Test(arguments: malformed)
    func everyMalformedBodyIsAnObjectFormatError(body: String, reason: String) {
        #expect(throws: ObjectFormatError(.release, reason)) { try ReleaseObject(objectBody: Data(body.utf8)) }
    }
}

struct PiecesRecordTests {
    let hashes = PieceHashes(pieceLength: 16384, totalLength: 20000, hashes: Array(repeating: 7, count: 40))

    @Test func roundTripAndCanonicalBencode() throws {
        let record = PiecesRecord(releaseID: id(releaseHex), hashes: hashes)
        let expected = "d6:lengthi20000e12:piece lengthi16384e6:pieces40:" + String(repeating: "\u{7}", count: 40) + "7:release64:\(releaseHex)e"
        #expect(record.objectBody() == Data(expected.utf8))
        #expect(try PiecesRecord(objectBody: record.objectBody()) == record)
    }

    static func body(length: String = "i20000e", pieceLength: String = "i16384e", hashes: Int = 40, release: String = releaseHex, extra: String = "") -> String {
        "d\(extra)6:length\(length)12:piece length\(pieceLength)6:pieces\(hashes):" + String(repeating: "x", count: hashes) + "7:release\(release.utf8.count):\(release)e"
    }

    static let malformed: [(String, String)] = [
        ("d6:lengthi20000ee", "expected exactly length, piece length, pieces and release"),
        (body(extra: "1:a1:b"), "expected exactly length, piece length, pieces and release"),
        (body(pieceLength: "i1000e"), "piece length 1000 is not a power of two from 16 KiB to 64 MiB"),
        (body(release: "nope"), "release: 'nope' is not an object id"),
        (body(release: releaseHex.uppercased()), "release: '\(releaseHex.uppercased())' is not an object id"),
        (body(hashes: 20), "1 hashes do not fit 20000 bytes in 16384-byte pieces"),
        // A length near Int64.max is refused, not trapped on.
        (body(length: "i9223372036854775807e"), "2 hashes do not fit 9223372036854775807 bytes in 16384-byte pieces"),
        (body(length: "i0e", hashes: 0), "0 hashes do not fit 0 bytes in 16384-byte pieces"),
    ]

    @Test(arguments: malformed)
    func everyMalformedBodyIsAnObjectFormatError(body: String, reason: String) {
        #expect(throws: ObjectFormatError(.pieces, reason)) { try PiecesRecord(objectBody: Data(body.utf8)) }
    }

    @Test func bytesThatAreNotBencodeSayWhere() throws {
        let bencode = try #require(throws: BencodeError.self) { try BencodeDecoder().decode(Array("not bencode".utf8)) }
        #expect(throws: ObjectFormatError(.pieces, "\(bencode)")) { try PiecesRecord(objectBody: Data("not bencode".utf8)) }
    }
}

struct MetaSnapshotTests {
    var description: ReleaseDescription {
        var description = ReleaseDescription()
        description.title = "Album/Ü"
        description.year = 2019
        description.coverURL = "https://c/1.jpg"
        return description
    }

    @Test func roundTripAndCanonicalJSON() throws {
        let first = MetaSnapshot(description: description, release: id(releaseHex), pieces: id(piecesHex))
        let body = String(decoding: first.objectBody(), as: UTF8.self)
        #expect(try body == "{\"description\":\(String(decoding: try description.json(), as: UTF8.self)),\"pieces\":\"\(piecesHex)\",\"release\":\"\(releaseHex)\"}")
        #expect(body.contains(#""coverURL":"https://c/1.jpg""#) && body.contains("Album/Ü"))
        #expect(try MetaSnapshot(objectBody: first.objectBody()) == first)
        let second = MetaSnapshot(description: description, release: id(releaseHex), pieces: id(piecesHex), parent: id(parentHex))
        #expect(String(decoding: second.objectBody(), as: UTF8.self).hasSuffix(#","parent":"\#(parentHex)","pieces":"\#(piecesHex)","release":"\#(releaseHex)"}"#))
        #expect(try MetaSnapshot(objectBody: second.objectBody()) == second)
    }

    /// A transcode's lineage is one more key, first in key order; a body
    /// without it (every body before it) reads as before, to the same bytes.
    @Test func lineageIsAnOptionalKey() throws {
        let lineage = MetaSnapshot.Lineage(source: "a-flac", sourceMeta: id(parentHex), format: "V0", encoders: ["LAME 3.100"], commands: ["flac -dcs -- x | lame -V 0 - y"])
        let derived = MetaSnapshot(description: description, release: id(releaseHex), pieces: id(piecesHex), derived: lineage)
        let body = String(decoding: derived.objectBody(), as: UTF8.self)
        #expect(body.hasPrefix(#"{"derived":{"commands":["flac -dcs -- x | lame -V 0 - y"],"encoders":["LAME 3.100"],"format":"V0","meta":"\#(parentHex)","source":"a-flac"},"description":"#), "\(body)")
        #expect(try MetaSnapshot(objectBody: derived.objectBody()) == derived)
        #expect(derived.links.map(\.field).contains("derived.meta"))
        let old = MetaSnapshot(description: description, release: id(releaseHex), pieces: id(piecesHex))
        #expect(try MetaSnapshot(objectBody: old.objectBody()).derived == nil && !String(decoding: old.objectBody(), as: UTF8.self).contains("derived"))
        let bad = body.replacingOccurrences(of: "\"meta\":\"\(parentHex)\"", with: "\"meta\":\"x\"")
        #expect(throws: ObjectFormatError.self) { try MetaSnapshot(objectBody: Data(bad.utf8)) }
    }

    static let emptyDescription = String(decoding: (try? ReleaseDescription().json()) ?? Data(), as: UTF8.self)

    static let malformed: [(String, String)] = [
        ("[]", "the body: expected an object"),
        ("{", "not JSON"),
        (#"{"description":{}}"#, "description.artists: missing"),
        (#"{"pieces":"\#(piecesHex)","release":"\#(releaseHex)"}"#, "description: missing"),
        ("{\"description\":\(Self.emptyDescription),\"pieces\":\"\(piecesHex)\"}", "release: missing"),
        ("{\"description\":\(Self.emptyDescription),\"pieces\":\"p\",\"release\":\"\(releaseHex)\"}", "pieces: 'p' is not an object id"),
        ("{\"description\":\(Self.emptyDescription),\"parent\":\"\(parentHex.uppercased())\",\"pieces\":\"\(piecesHex)\",\"release\":\"\(releaseHex)\"}",
         "parent: '\(parentHex.uppercased())' is not an object id"),
        ("{\"description\":\(Self.emptyDescription.replacingOccurrences(of: "\"artists\":[]", with: "\"artists\":\"A\"")),\"pieces\":\"\(piecesHex)\",\"release\":\"\(releaseHex)\"}",
         "description.artists: expected a list"),
    ]

    @Test(arguments: malformed)
    func everyMalformedBodyIsAnObjectFormatError(body: String, reason: String) {
        #expect(throws: ObjectFormatError(.meta, reason)) { try MetaSnapshot(objectBody: Data(body.utf8)) }
    }
}

struct UploadReceiptCodecTests {
    @Test func canonicalJSONWithoutAbsentFields() throws {
        var receipt = UploadReceipt(tracker: "red", site: "https://redacted.sh", torrent: piecesHex, infohash: "h", attempt: 1, started: 5)
        receipt.outcome = .success
        #expect(String(decoding: receipt.objectBody(), as: UTF8.self) == """
            {"attempt":1,"finished":5,"infohash":"h","outcome":"success","rateLimitWaitMilliseconds":0,"requests":0,"rewritten":false,\
            "site":"https://redacted.sh","started":5,"torrent":"\(piecesHex)","tracker":"red","warnings":[]}
            """)
        #expect(try UploadReceipt(objectBody: receipt.objectBody()) == receipt)
    }

    /// An adopted receipt seeds the site's torrent, never the one mkt would have uploaded.
    @Test func anAdoptedReceiptSeedsTheSitesTorrent() throws {
        var receipt = UploadReceipt(tracker: "ops", site: "https://orpheus.network", torrent: piecesHex, infohash: "h", attempt: 1, started: 5)
        receipt.outcome = .adopted
        #expect(receipt.succeeded && receipt.seededTorrent == nil)
        receipt.siteTorrent = String(repeating: "b", count: 64)
        #expect(receipt.seededTorrent == receipt.siteTorrent)
        let body = receipt.objectBody()
        #expect(String(decoding: body, as: UTF8.self).contains(#""outcome":"adopted""#))
        #expect(try UploadReceipt(objectBody: body) == receipt)
        receipt.outcome = .success
        #expect(receipt.seededTorrent == piecesHex)
    }

    static let malformed: [(String, String)] = [
        ("receipt", "not JSON"),
        (#"{"site":"s"}"#, "tracker: missing"),
        (#"{"attempt":1,"finished":5,"infohash":"h","outcome":"won","rateLimitWaitMilliseconds":0,"requests":0,"rewritten":false,"site":"s","started":5,"torrent":"t","tracker":"red","warnings":[]}"#,
         "outcome: Cannot initialize Outcome from invalid String value won"),
        (#"{"attempt":1,"finished":5,"infohash":"h","outcome":"success","rateLimitWaitMilliseconds":0,"requests":0,"rewritten":"no","site":"s","started":5,"torrent":"t","tracker":"red","warnings":[]}"#,
         "rewritten: expected true or false"),
    ]

    @Test(arguments: malformed)
    func everyMalformedBodyIsAnObjectFormatError(body: String, reason: String) {
        #expect(throws: ObjectFormatError(.receipt, reason)) { try UploadReceipt(objectBody: Data(body.utf8)) }
    }
}

struct TypedReadTests {
    /// A bad body in the store is named by its id; a good one comes back typed.
    @Test func typedReadsNameTheObject() throws {
        try withTemporaryDirectory { directory in
            let repository = try Repository.initialize(in: directory, hookSamples: []).repository
            let bad = try repository.objects.write(type: .meta, body: Data("{}".utf8))
            let error = try #require(throws: ObjectFormatError.self) { try repository.objects.readMeta(bad) }
            #expect(error.description == "bad meta object \(bad.hex): description: missing")
            let tree = ReleaseTree(name: "r", isSingleFile: false, files: [.init(path: "a", size: 1)], excluded: [])
            let release = try repository.objects.write(type: .release, body: tree.objectBody())
            #expect(try repository.objects.readRelease(release).tree == tree)
            #expect(throws: StoreError.wrongObjectType(release, expected: .pieces, actual: .release)) { try repository.objects.readPieces(release) }
        }
    }
}
