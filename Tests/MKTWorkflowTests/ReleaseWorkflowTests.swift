import Foundation
import MKTStore
import MKTTestSupport
import MKTTorrent
import MKTTrackers
import MKTWorkflow
import Synchronization
import Testing

struct ReleaseWorkflowTests {
    private func makeRelease(_ directory: String) throws -> String {
        let release = "\(directory)/Artist - Album"
        for index in 0..<3 { try writeFile("\(release)/0\(index).flac", String(repeating: "\(index)", count: 70_000)) }
        return release
    }

    @Test func anUnchangedFolderIsNotReadAgain() throws {
        try withTemporaryDirectory { directory in
            let repository = try Repository.initialize(in: directory, hookSamples: []).repository
            let release = try makeRelease(directory)
            let bytesRead = Atomic<Int64>(0)
            let first = try repository.addRelease(at: release) { bytesRead.store($0, ordering: .relaxed) }
            #expect(!first.cached)
            #expect(bytesRead.load(ordering: .relaxed) == 210_000)
            bytesRead.store(0, ordering: .relaxed)
            let second = try repository.addRelease(at: release) { bytesRead.store($0, ordering: .relaxed) }
            #expect(second.cached)
            #expect(bytesRead.load(ordering: .relaxed) == 0, "nothing was read")
            #expect(second.release.piecesID == first.release.piecesID)
            // A touched file is read again (its stat data no longer vouches
            // for it) and proves unchanged: same release, same pieces.
            let later = Date().addingTimeInterval(60)
            try FileManager.default.setAttributes([.modificationDate: later], ofItemAtPath: "\(release)/01.flac")
            bytesRead.store(0, ordering: .relaxed)
            let third = try repository.addRelease(at: release) { bytesRead.store($0, ordering: .relaxed) }
            #expect(!third.cached && bytesRead.load(ordering: .relaxed) == 210_000)
            #expect(third.release.releaseID == first.release.releaseID && third.release.piecesID == first.release.piecesID)
            // Its new stat data is recorded: the next add reads nothing.
            #expect(try repository.addRelease(at: release).cached)
            // Changed content of the same size: same release (names and sizes), new pieces.
            try writeFile("\(release)/01.flac", String(repeating: "9", count: 70_000))
            let fourth = try repository.addRelease(at: release)
            #expect(!fourth.cached && fourth.release.releaseID == first.release.releaseID && fourth.release.piecesID != first.release.piecesID)
        }
    }

    /// A copy elsewhere is the same release; the stat cache follows it to its new folder.
    @Test func aCopyIsTheSameReleaseInAnotherFolder() throws {
        try withTemporaryDirectory { directory in
            let repository = try Repository.initialize(in: directory, hookSamples: []).repository
            let release = try makeRelease(directory)
            let first = try repository.addRelease(at: release).release
            #expect(try repository.release(named: first.piecesID.hex).folder == release)
            try FileManager.default.createDirectory(atPath: "\(directory)/copy", withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: release, toPath: "\(directory)/copy/Artist - Album")
            let copy = try repository.addRelease(at: "\(directory)/copy/Artist - Album")
            #expect(!copy.cached && copy.release.releaseID == first.releaseID && copy.release.piecesID == first.piecesID)
            #expect(try repository.release(named: first.releaseID.hex).folder == "\(directory)/copy/Artist - Album")
            // Without the cache, nothing is lost but the folder's place and a hashing pass.
            try FileManager.default.removeItem(atPath: "\(directory)/.mkt/cache")
            let stored = try repository.release(named: first.piecesID.hex)
            #expect(stored.folder == nil)
            #expect(throws: WorkflowError.noKnownFolder(first.releaseID)) { try stored.knownFolder() }
            #expect(try !repository.addRelease(at: release).cached)
        }
    }

    @Test func releasesAreFoundByPiecesReleaseOrRef() throws {
        try withTemporaryDirectory { directory in
            let repository = try Repository.initialize(in: directory, hookSamples: []).repository
            let added = try repository.addRelease(at: try makeRelease(directory)).release
            try repository.update([RefUpdate(name: "refs/releases/album", action: .set(added.piecesID))], message: "test")
            for name in [added.piecesID.hex, added.releaseID.hex, "album"] {
                #expect(try repository.release(named: name).piecesID == added.piecesID)
            }
            let torrent = try repository.writeTorrents(for: added, options: [TorrentOptions(source: "RED")])[0]
            #expect(throws: WorkflowError.notARelease(name: torrent.hex, type: .torrent)) { try repository.release(named: torrent.hex) }
        }
    }

    @Test func trackerProfilesComeFromTheConfigOrTheBuiltInTable() throws {
        let config = try StoreConfig.parse("""
            [tracker "red"]
            \tannounce = https://example.invalid/{passkey}/announce
            [tracker "unit3d-music"]
            \tsource = SEEDPOOL
            \tannounce = https://seedpool.example/announce/{passkey}
            \tpath-limit = 200
            """, path: "config")
        #expect(try config.trackerProfile("red") == TrackerProfile(name: "red", source: "RED", announceTemplate: "https://example.invalid/{passkey}/announce", maximumPathLength: 180))
        #expect(try config.trackerProfile("ops").source == "OPS")
        #expect(try config.trackerProfile("unit3d-music").maximumPathLength == 200)
        #expect(throws: WorkflowError.unknownTracker("nope", known: ["dic", "ops", "red", "unit3d-music"])) { try config.trackerProfile("nope") }
    }

    /// A site's settings on top of the built-in table, each checked with a one-line error.
    @Test func siteSettingsAreChecked() throws {
        func site(_ lines: String) throws(TrackerError) -> TrackerSite {
            let config = try! StoreConfig.parse("[tracker \"red\"]\n" + lines, path: "config")
            return try TrackerSite(name: "red", profile: try! config.trackerProfile("red"), config: config)
        }
        #expect(try site("").timeout == 120 && site("").rateLimit == .init(requests: 10, window: .seconds(10)))
        #expect(try site("\ttimeout = 30s\n\trate-limit = 5/10s\n").timeout == 30)
        #expect(try site("\ttimeout = 2\n").timeout == 2)
        #expect(throws: TrackerError.local("tracker.red.timeout is soon; write it in seconds (1 to 3600), e.g. 120s")) { try site("\ttimeout = soon\n") }
        #expect(throws: TrackerError.local("tracker.red.timeout is 0s; write it in seconds (1 to 3600), e.g. 120s")) { try site("\ttimeout = 0s\n") }
        #expect(throws: TrackerError.local("tracker.red.rate-limit is 10; write it as REQUESTS/SECONDS, e.g. 10/10s")) { try site("\trate-limit = 10\n") }
    }

    @Test func storedTorrentsRefuseAnnounceURLs() throws {
        var torrent = BencodeDictionary()
        torrent["info"] = .dictionary(["name": .string("x"), "piece length": .integer(16384), "pieces": .bytes([UInt8](repeating: 0, count: 20)), "length": .integer(1)])
        try ObjectFormats.validate(Data(Bencode.dictionary(torrent).encoded()), as: .torrent, label: "t")
        torrent["announce-list"] = .list([.list([.string("https://tracker/passkey/announce")])])
        #expect(throws: WorkflowError.announceInTorrentObject(label: "t")) {
            try ObjectFormats.validate(Data(Bencode.dictionary(torrent).encoded()), as: .torrent, label: "t")
        }
    }
}
