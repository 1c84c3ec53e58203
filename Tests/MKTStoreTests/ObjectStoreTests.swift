import Foundation
import MKTCrypto
import MKTStore
import MKTTestSupport
import Testing

struct ObjectStoreTests {
    @Test(arguments: ObjectType.allCases)
    func idIsSHA256OfHeaderAndBody(type: ObjectType) {
        let body = Data("some body\0with a NUL".utf8)
        let stored = Data("\(type.rawValue) \(body.count)\0".utf8) + body
        #expect(LooseObject.id(type: type, body: body).hex == Hex.encode(DigestAlgorithm.sha256.digest(stored)))
        #expect(LooseObject.encode(type: type, body: body) == stored)
    }

    @Test func writtenFileHashesToItsOwnNameAndIsReadOnly() throws {
        try withTemporaryDirectory { directory in
            let store = ObjectStore(directory: directory)
            let id = try store.write(type: .meta, body: Data("{}".utf8))
            let path = store.path(of: id)
            #expect(path == "\(directory)/\(id.hex.prefix(2))/\(id.hex.dropFirst(2))")
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(Hex.encode(DigestAlgorithm.sha256.digest(bytes)) == id.hex)
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o444)
            #expect(try store.read(id) == StoredObject(type: .meta, body: Data("{}".utf8)))
            #expect(try store.write(type: .meta, body: Data("{}".utf8)) == id)
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent)
            #expect(leftovers == [String(id.hex.dropFirst(2))])
        }
    }

    @Test func writingAgainHealsADamagedCopy() throws {
        try withTemporaryDirectory { directory in
            let store = ObjectStore(directory: directory)
            let id = try store.write(type: .blob, body: Data("cover".utf8))
            chmod(store.path(of: id), 0o644)
            try Data("blob 5\0cov".utf8).write(to: URL(fileURLWithPath: store.path(of: id)))
            #expect(throws: StoreError.corruptObject(id, path: store.path(of: id), defect: .truncated(expected: 5, actual: 3))) {
                try store.read(id)
            }
            #expect(try store.write(type: .blob, body: Data("cover".utf8)) == id)
            #expect(try store.read(id, as: .blob) == Data("cover".utf8))
        }
    }

    @Test func readingTheWrongTypeNamesBoth() throws {
        try withTemporaryDirectory { directory in
            let store = ObjectStore(directory: directory)
            let id = try store.write(type: .receipt, body: Data())
            #expect(throws: StoreError.wrongObjectType(id, expected: .torrent, actual: .receipt)) {
                try store.read(id, as: .torrent)
            }
            let missing = LooseObject.id(type: .blob, body: Data("absent".utf8))
            #expect(throws: StoreError.objectNotFound(missing)) { try store.read(missing) }
        }
    }

    @Test(arguments: [
        (Data(), LooseObject.Defect.empty),
        (Data("blob5\0hello".utf8), .badHeader),
        (Data("blob 05\0hello".utf8), .badHeader),
        (Data("blob -5\0hello".utf8), .badHeader),
        (Data("blob 5 hello".utf8), .badHeader),
        (Data("tree 5\0hello".utf8), .unknownType("tree")),
        (Data("blob 5\0hel".utf8), .truncated(expected: 5, actual: 3)),
        (Data("blob 5\0hello!!".utf8), .trailingGarbage(expected: 5, actual: 7)),
    ])
    func decodeNamesEachDefect(bytes: Data, defect: LooseObject.Defect) {
        #expect(LooseObject.decode(bytes, expected: nil) == .failure(defect))
    }

    @Test func decodeChecksTheHash() {
        let body = Data("hello".utf8)
        let good = LooseObject.encode(type: .blob, body: body)
        let id = LooseObject.id(type: .blob, body: body)
        #expect(LooseObject.decode(good, expected: id) == .success(StoredObject(type: .blob, body: body)))
        var flipped = good
        flipped[flipped.count - 1] ^= 0x01
        let actual = LooseObject.id(type: .blob, body: Data("helln".utf8))
        #expect(LooseObject.decode(flipped, expected: id) == .failure(.hashMismatch(actual: actual)))
    }

    @Test func prefixLookupAndScan() throws {
        try withTemporaryDirectory { directory in
            let store = ObjectStore(directory: directory)
            let ids = try (0..<40).map { try store.write(type: .blob, body: Data("object \($0)".utf8)) }
            for id in ids {
                #expect(try store.ids(withPrefix: String(id.hex.prefix(10))) == [id])
            }
            try writeFile("\(directory)/zz/not-an-object", "x")
            try writeFile("\(directory)/\(ids[0].hex.prefix(2))/.tmp-1-2", "in flight")
            let scan = try store.scan()
            #expect(scan.objects == ids.sorted())
            #expect(scan.stray == ["\(directory)/zz"])
        }
    }
}
