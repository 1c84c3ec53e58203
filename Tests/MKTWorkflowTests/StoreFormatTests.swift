import Foundation
import MKTMetadata
import MKTObjects
import MKTStore
import MKTTestSupport
import MKTTorrent
import MKTWorkflow
import Synchronization
import Testing

/// A store made the way a format-1 mkt made it: `core.format = 1`, a
/// release body with the folder's root and every file's stat data, its
/// pieces, a meta snapshot (with an edit the tags do not hold) and the ref.
struct FormatOneStore {
    let repository: Repository
    let folder: String
    let release: ObjectID
    let pieces: ObjectID
    let meta: ObjectID

    /// The format-1 layout, written out by hand from a scan's numbers.
    static func formatOneBody(_ scan: ReleaseScan) throws -> Data {
        let files = try scan.tree.files.map { file in
            let stat = try #require(scan.stats[file.path])
            return #"{"changed":\#(stat.changed),"device":\#(stat.device),"inode":\#(stat.inode),"modified":\#(stat.modified),"path":"\#(file.path)","size":\#(file.size)}"#
        }
        return Data(#"{"excluded":[],"files":[\#(files.joined(separator: ","))],"name":"\#(scan.tree.name)","root":"\#(scan.root)","single":false}"#.utf8)
    }

    init(in directory: String) throws {
        folder = "\(directory)/Artist - Album"
        for index in 0..<3 { try writeFile("\(folder)/0\(index).flac", String(repeating: "\(index)", count: 70_000)) }
        let created = try Repository.initialize(in: directory, hookSamples: []).repository
        try writeFile("\(created.directory)/config", "[core]\n\tformat = 1\n\thash = sha256\n")
        repository = try Repository(directory: created.directory)
        let scan = try ReleaseScanner.scan(folder)
        release = try repository.objects.write(type: .release, body: try Self.formatOneBody(scan))
        let hashes = try PieceHasher().hash(scan, pieceLength: PieceLength.automatic(totalSize: scan.tree.totalSize))
        pieces = try repository.objects.write(type: .pieces, body: PiecesRecord(releaseID: release, hashes: hashes).objectBody())
        try writeFile("\(repository.directory)/cache/pieces/\(release.hex)-\(hashes.pieceLength)", pieces.hex + "\n")
        var description = ReleaseDescription()
        description.title = "Album"
        description.coverURL = "https://example.invalid/cover.jpg"
        meta = try repository.objects.write(type: .meta, body: MetaSnapshot(description: description, release: release, pieces: pieces).objectBody())
        try repository.update([RefUpdate(name: "refs/releases/artist-album", action: .set(meta))], message: "format 1")
    }

    var objectCount: Int { (try? repository.objects.scan().objects.count) ?? -1 }
    var config: String { (try? String(contentsOfFile: "\(repository.directory)/config", encoding: .utf8)) ?? "" }
}

struct StoreFormatTests {
    /// A format-1 store reads as it is, and its config stays format 1 while nothing is written.
    @Test func aFormatOneStoreIsRead() throws {
        try withTemporaryDirectory { directory in
            let store = try FormatOneStore(in: directory)
            #expect(store.repository.storeFormat == 1)
            for name in ["artist-album", store.meta.hex, store.pieces.hex, store.release.hex] {
                let stored = try store.repository.release(named: name)
                #expect(stored.releaseID == store.release && stored.piecesID == store.pieces && stored.folder == store.folder, "\(name)")
                #expect(stored.tree.files.map(\.path) == ["00.flac", "01.flac", "02.flac"])
            }
            #expect(store.config.contains("format = 1"))
        }
    }

    /// The first add writes the format-2 release body, its pieces (the
    /// hashes copied: the format-1 body's stat data vouches for the files)
    /// and a snapshot with the same description; config says format 2 from
    /// then on. The next add finds nothing to do.
    @Test func aReAddWritesTheFormatTwoBodyOnce() throws {
        try withTemporaryDirectory { directory in
            let store = try FormatOneStore(in: directory)
            let before = store.objectCount
            let hashed = Mutex(false)
            let prepared = try store.repository.prepareAdd(folder: store.folder, progress: { _ in hashed.withLock { $0 = true }; return { _ in } })
            #expect(prepared.unchangedDescription != nil)
            let bytesRead = Atomic<Int64>(0)
            let added = try store.repository.commitAdd(prepared) { bytesRead.store($0, ordering: .relaxed) }
            #expect(!hashed.withLock { $0 } && bytesRead.load(ordering: .relaxed) == 0, "nothing was read")
            #expect(!added.unchanged && added.parent == store.meta)
            #expect(added.description.coverURL == "https://example.invalid/cover.jpg")
            #expect(store.objectCount == before + 3)
            #expect(store.config == "[core]\n\tformat = 2\n\thash = sha256\n")
            let snapshot = try store.repository.objects.readMeta(added.metaID)
            #expect(snapshot.release != store.release && snapshot.parent == store.meta)
            #expect(try store.repository.objects.readRelease(snapshot.release).recordedScan == nil)
            #expect(try store.repository.objects.readPieces(snapshot.pieces).hashes == store.repository.objects.readPieces(store.pieces).hashes)
            let again = try store.repository.add(folder: store.folder)
            #expect(again.unchanged && again.metaID == added.metaID)
            #expect(store.objectCount == before + 3)
            #expect(try Repository(directory: store.repository.directory).storeFormat == 2)
        }
    }
}
