import Foundation
import MKTObjects
import MKTStore
import MKTTestSupport
import MKTTorrent
import Testing

/// A release's objects hold content only; stat data lives in `.mkt/cache/stat/`.
@Suite(.enabled(if: AudioFixtures.available, "the audio tools are missing (scripts/apt-deps.sh test installs them)"))
struct StatCacheJourneyTests {
    static let name = "Fixture Artist - Fixture Album (2019) [FLAC]"
    static let ref = "fixture-artist-fixture-album-2019-flac"

    /// Every file under `.mkt/objects`.
    static func objectFiles(_ store: String) -> Set<String> {
        Set((FileManager.default.enumerator(atPath: "\(store)/.mkt/objects")?.allObjects as? [String] ?? []).filter { $0.count == 65 })
    }

    static func mkt(_ arguments: [String], in store: String) throws -> MKTResult {
        let result = try MKTProcess.run(arguments, in: store)
        #expect(result.status == 0, "\(arguments): \(result)")
        return result
    }

    static func meta(_ store: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: try mkt(["cat-file", "meta", ref], in: store).stdoutData) as? [String: Any])
    }

    /// `touch` on every file, then `cp -a` elsewhere: `mkt add` says
    /// unchanged each time, the ref and the objects stay as they were, and
    /// the release is found where it was last added.
    @Test func aTouchedOrCopiedFolderIsUnchanged() throws {
        try withTemporaryDirectory { directory in
            let store = "\(directory)/store"
            let folder = "\(directory)/music/\(Self.name)"
            try FileManager.default.createDirectory(atPath: store, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: "\(directory)/music", withIntermediateDirectories: true)
            try #require(try Oracle.run("/bin/cp", ["-a", "\(try AudioFixtures.directory.get())/\(Self.name)", folder], in: directory).status == 0)
            try Self.mkt(["init", "-q"], in: store)
            let cover = "https://example.invalid/front.jpg"
            #expect(try Self.mkt(["add", "-y", folder, "--meta", "media=CD", "--meta", "cover-url=\(cover)"], in: store).stdout.hasPrefix("added \(Self.ref)"))
            let meta = try Self.mkt(["rev-parse", Self.ref], in: store).stdout
            let first = try Self.meta(store)
            #expect((first["description"] as? [String: Any])?["coverURL"] as? String == cover)
            let release = try #require(first["release"] as? String)
            // The release body: names and sizes, nothing about where or when.
            let body = try Self.mkt(["cat-file", "release", release], in: store).stdout
            for key in ["root", "inode", "device", "modified", "changed", directory] { #expect(!body.contains(key), "\(key) in \(body)") }
            let objects = Self.objectFiles(store)

            let touched = try Oracle.run("/usr/bin/find", [folder, "-type", "f", "-exec", "touch", "{}", "+"], in: directory)
            try #require(touched.status == 0, "\(touched)")
            #expect(try Self.mkt(["add", "-y", folder], in: store).stdout == "unchanged \(Self.ref)\n")
            #expect(try Self.mkt(["rev-parse", Self.ref], in: store).stdout == meta)
            #expect(Self.objectFiles(store) == objects)

            let copy = "\(directory)/elsewhere/\(Self.name)"
            try FileManager.default.createDirectory(atPath: "\(directory)/elsewhere", withIntermediateDirectories: true)
            try #require(try Oracle.run("/bin/cp", ["-a", folder, copy], in: directory).status == 0)
            #expect(try Self.mkt(["add", "-y", copy], in: store).stdout == "unchanged \(Self.ref)\n")
            #expect(try Self.mkt(["rev-parse", Self.ref], in: store).stdout == meta)
            #expect(Self.objectFiles(store) == objects)
            // The stat cache follows the copy: verify reads it there, and a second add reads nothing.
            let entry = try String(contentsOfFile: "\(store)/.mkt/cache/stat/\(release)", encoding: .utf8)
            #expect(entry.contains("\"root\":\"\(copy)\""), "\(entry)")
            #expect(try Self.mkt(["verify", Self.ref], in: store).stdout.hasSuffix("match (\(copy))\n"))
            #expect(try Self.mkt(["add", "-y", copy], in: store).stdout == "unchanged \(Self.ref)\n")

            // gc keeps what the ref and the stat cache name, and the cache itself.
            try Self.mkt(["gc", "--prune=0"], in: store)
            #expect(Self.objectFiles(store) == objects)
            #expect(FileManager.default.fileExists(atPath: "\(store)/.mkt/cache/stat/\(release)"))
            #expect(try Self.mkt(["fsck"], in: store).status == 0)
        }
    }

    /// A store written by a format-1 mkt, made by hand: release body with
    /// root and stat data, its pieces, a snapshot, the ref.
    @Test func aFormatOneStoreIsReadAndMovesToFormatTwoOnTheNextAdd() throws {
        try withTemporaryDirectory { directory in
            let folder = "\(directory)/music/\(Self.name)"
            try FileManager.default.createDirectory(atPath: "\(directory)/music", withIntermediateDirectories: true)
            try #require(try Oracle.run("/bin/cp", ["-a", "\(try AudioFixtures.directory.get())/\(Self.name)", folder], in: directory).status == 0)
            let store = "\(directory)/store"
            try FileManager.default.createDirectory(atPath: store, withIntermediateDirectories: true)
            try Self.mkt(["init", "-q"], in: store)
            let description = try Self.mkt(["describe-release", folder], in: store).stdout
            try writeFile("\(store)/.mkt/config", "[core]\n\tformat = 1\n\thash = sha256\n")
            let repository = try Repository(directory: "\(store)/.mkt")
            let scan = try ReleaseScanner.scan(folder)
            let files = try scan.tree.files.map { file in
                let stat = try #require(scan.stats[file.path])
                return ["changed": stat.changed, "device": stat.device, "inode": stat.inode, "modified": stat.modified, "path": file.path, "size": file.size] as [String: Any]
            }
            let formatOne: [String: Any] = ["excluded": scan.tree.excluded, "files": files, "name": scan.tree.name, "root": scan.root, "single": false]
            let release = try repository.objects.write(type: .release, body: try JSONSerialization.data(withJSONObject: formatOne, options: [.sortedKeys, .withoutEscapingSlashes]))
            let hashes = try PieceHasher().hash(scan, pieceLength: PieceLength.automatic(totalSize: scan.tree.totalSize))
            let pieces = try repository.objects.write(type: .pieces, body: PiecesRecord(releaseID: release, hashes: hashes).objectBody())
            let meta = try repository.objects.write(type: .meta, body: Data(#"{"description":\#(description.trimmingCharacters(in: .newlines)),"pieces":"\#(pieces.hex)","release":"\#(release.hex)"}"#.utf8))
            try Self.mkt(["update-ref", "refs/releases/\(Self.ref)", meta.hex], in: store)
            #expect(try Self.mkt(["verify", Self.ref], in: store).stdout.hasSuffix("match (\(folder))\n"))
            #expect(try Self.mkt(["ls-release", "--name-only", Self.ref], in: store).stdout.contains("01 - Opening Tone.flac"))
            #expect(try Self.mkt(["fsck"], in: store).status == 0)
            #expect(try String(contentsOfFile: "\(store)/.mkt/config", encoding: .utf8).contains("format = 1"))

            let objects = Self.objectFiles(store)
            #expect(try Self.mkt(["add", "-y", folder], in: store).stdout.hasPrefix("updated \(Self.ref)"))
            #expect(Self.objectFiles(store).count == objects.count + 3)
            #expect(try String(contentsOfFile: "\(store)/.mkt/config", encoding: .utf8) == "[core]\n\tformat = 2\n\thash = sha256\n")
            let snapshot = try Self.meta(store)
            #expect(snapshot["parent"] as? String == meta.hex && snapshot["release"] as? String != release.hex)
            #expect(try Self.mkt(["add", "-y", folder], in: store).stdout.hasPrefix("unchanged \(Self.ref)"))
            #expect(Self.objectFiles(store).count == objects.count + 3)
        }
    }
}
