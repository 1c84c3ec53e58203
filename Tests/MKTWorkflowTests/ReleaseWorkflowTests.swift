import Foundation
import MKTCatalog
import MKTClients
import MKTConfig
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

    @Test func theConfigsTrackerSectionsReachTheCatalog() throws {
        let config = try Config.parse("""
            [tracker "red"]
            \tannounce = https://example.invalid/{passkey}/announce
            \ttimeout = 5
            [tracker "red"]
            \ttimeout = 30s
            [tracker "unit3d-music"]
            \tfamily = unit3d
            \turl = https://seedpool.example
            \tsource = SEEDPOOL
            \tannounce = https://seedpool.example/announce/{passkey}
            \tpath-limit = 200
            \tcategory-id = 3
            \ttype-id = 1
            """, path: "config")
        let red = try config.tracker("red")
        #expect(red.announceTemplate == "https://example.invalid/{passkey}/announce" && red.source == "RED" && red.pathLimit == 180)
        #expect(red.timeout == 30, "the last value of a key wins")
        #expect(try config.tracker("ops").source == "OPS")
        #expect(try config.tracker("unit3d-music").pathLimit == 200)
        #expect(config.trackers.configured == ["red", "unit3d-music"])
        #expect(throws: CatalogError.unknownTracker("nope", known: ["dic", "mam", "ops", "red", "unit3d-music"], suggestion: nil)) { try config.tracker("nope") }
    }

    /// The words the registry takes are the ones the code knows.
    @Test func theRegistrysChoicesAreTheCodesCases() {
        #expect(ConfigRegistry.key("tracker", "family")?.type == .choice(TrackerFamily.allCases.map(\.rawValue)))
        #expect(ConfigRegistry.key("client", "type")?.type == .choice(ClientSettings.Kind.allCases.map(\.rawValue)))
        #expect(ConfigRegistry.key("tracker", "timeout")?.defaultValue == "120" && TrackerSite(name: "x", family: .red, url: "https://x", source: "X", announceTemplate: "https://x/{passkey}").timeout == 120)
    }

    /// A client section through the typed reader.
    @Test func clientSettingsComeTyped() throws {
        let config = try Config.parse("[client \"qbt\"]\n\ttype = qbittorrent\n\turl = http://127.0.0.1:8080\n\tpath-map = /a:/b\n\tpaused = yes\n", path: "config")
        try config.validate(.store)
        let settings = try config.clientSettings("qbt")
        #expect(settings.kind == .qbittorrent && settings.url == "http://127.0.0.1:8080" && settings.paused && settings.checkTimeout == 600)
        #expect(settings.pathMaps.map(\.remote) == ["/b"] && settings.username == nil)
        #expect(try config.seedingClient() == "qbt")
    }

    /// Deluge, rTorrent and a watch folder: each takes its address from its own key.
    @Test func theOtherClientsTakeTheirAddressKeys() throws {
        let config = try Config.parse("""
            [client "deluge"]
            	type = deluge
            	url = http://127.0.0.1:8112/
            [client "rt"]
            	type = rtorrent
            	scgi = /run/rtorrent.sock
            [client "drop"]
            	type = watch
            	watch-dir = /srv/watch
            [client "bad"]
            	type = watch
            	watch-dir = relative/watch
            [client "bare"]
            	type = rtorrent
            """, path: "config")
        try config.validate(.store)
        let deluge = try config.clientSettings("deluge")
        #expect(deluge.kind == .deluge && deluge.url == "http://127.0.0.1:8112" && deluge.asksPassword)
        let rt = try config.clientSettings("rt")
        #expect(rt.kind == .rtorrent && rt.url == "/run/rtorrent.sock" && !rt.asksPassword)
        #expect(try config.clientSettings("drop").url == "/srv/watch")
        #expect(throws: ClientError.config(client: "bad", reason: "watch-dir must be the absolute path of the folder the client watches")) {
            try config.clientSettings("bad")
        }
        #expect(throws: ClientError.config(client: "bare", reason: "scgi must be rTorrent's SCGI HOST:PORT or the absolute path of its socket")) {
            try config.clientSettings("bare")
        }
    }

    /// Names go on output lines quoted as git quotes paths: no name can end a line or forge the next.
    @Test func namesAreQuotedOnLines() {
        #expect(ObjectFormats.quoted("01 - Café.flac") == "01 - Café.flac")
        #expect(ObjectFormats.quoted("a\nb.flac") == #""a\nb.flac""#)
        #expect(ObjectFormats.quoted("tab\there \"q\" back\\slash") == #""tab\there \"q\" back\\slash""#)
        #expect(ObjectFormats.quoted("nul\u{0}bell\u{7}del\u{7f}") == #""nul\000bell\007del\177""#)
        #expect(!ObjectFormats.quoted("x\ny\rz").contains("\n") && !ObjectFormats.quoted("x\ny\rz").contains("\r"))
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
