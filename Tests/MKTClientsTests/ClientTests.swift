import Foundation
import MKTClients
import MKTTestSupport
import MKTTorrent
import Testing

/// A release folder of made-up bytes and its torrent, as mkt builds it.
struct SeedFixture {
    let savePath: String
    let request: SeedRequest

    init(in directory: String, folder: String = "data") throws {
        savePath = "\(directory)/\(folder)"
        let release = "\(savePath)/Fixture Artist - Seeded Album (2019) [FLAC]"
        try FileManager.default.createDirectory(atPath: release, withIntermediateDirectories: true)
        for track in 1...3 {
            try Data((0..<700_000).map { UInt8(truncatingIfNeeded: $0 &* (track + 7) >> 3) }).write(to: URL(fileURLWithPath: "\(release)/0\(track).flac"))
        }
        let scan = try ReleaseScanner.scan(release)
        let hashes = try PieceHasher().hash(scan, pieceLength: 1 << 18)
        let bytes = TorrentTemplate(tree: scan.tree, pieces: hashes).torrent(options: TorrentOptions(source: "RED"), announce: "http://127.0.0.1:9/announce")
        let parsed = try TorrentFile.parse(bytes, label: "fixture")
        request = SeedRequest(torrent: bytes, infohash: parsed.infoHashHex, savePath: savePath, tags: ["red"])
    }
}

/// The daemons, as ClientSettings see them.
enum Clients {
    static func start(_ kind: ClientSettings.Kind, in directory: String) throws -> ([Daemon], ClientSettings) {
        let daemons: [Daemon]
        let settings: ClientSettings
        switch kind {
        case .qbittorrent, .transmission:
            let (daemon, url) = kind == .qbittorrent ? try ClientDaemons.startQBittorrent(in: directory) : try ClientDaemons.startTransmission(in: directory)
            daemons = [daemon]
            settings = ClientSettings(
                name: kind == .qbittorrent ? "qbt" : "tr", kind: kind, url: url, username: ClientDaemons.username, password: ClientDaemons.password, checkTimeout: 60)
        case .deluge:
            let (started, url) = try ClientDaemons.startDeluge(in: directory)
            daemons = started
            settings = ClientSettings(name: "deluge", kind: .deluge, url: url, password: ClientDaemons.password, checkTimeout: 60)
        case .rtorrent:
            let (daemon, socket) = try ClientDaemons.startRTorrent(in: directory)
            daemons = [daemon]
            settings = ClientSettings(name: "rt", kind: .rtorrent, url: socket, checkTimeout: 60)
        case .watch:
            throw CocoaError(.featureUnsupported, userInfo: [NSLocalizedDescriptionKey: "a watch folder has no daemon of its own"])
        }
        // The port answers before the login does.
        guard daemons.last?.wait(until: { (try? settings.makeClient(userAgent: "mkt-test").connect()) != nil }) == true else {
            let logs = daemons.map { (try? String(contentsOfFile: $0.log, encoding: .utf8)) ?? "" }.joined(separator: "\n")
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "\(kind) did not log in: \(logs)"])
        }
        return (daemons, settings)
    }

    /// A wrong password (for a client that has one), data the client cannot
    /// see, a client that is down: one clear error each, the torrent removed
    /// again, nothing written where the data was looked for.
    static func failuresAreNamed(_ settings: ClientSettings, in directory: String) throws {
        let fixture = try SeedFixture(in: directory)
        if settings.asksPassword {
            var wrong = settings
            wrong.password = "not the password"
            #expect(throws: ClientError.auth(client: settings.name)) { try Seeder.seed(fixture.request, with: wrong.makeClient(userAgent: "mkt-test")) }
        }

        var moved = fixture.request
        moved.savePath = "\(directory)/nowhere"
        let client = settings.makeClient(userAgent: "mkt-test")
        #expect(throws: ClientError.dataNotFound(client: settings.name, path: "\(directory)/nowhere", progress: 0)) {
            try Seeder.seed(moved, with: client, settle: 2)
        }
        #expect(try client.torrent(infohash: fixture.request.infohash) == nil)
        #expect(!FileManager.default.fileExists(atPath: "\(directory)/nowhere/Fixture Artist - Seeded Album (2019) [FLAC]/01.flac"))

        var down = settings
        down.url = settings.kind == .rtorrent ? "\(directory)/no.socket" : "http://127.0.0.1:\(Daemon.freePort())"
        #expect {
            try Seeder.seed(fixture.request, with: down.makeClient(userAgent: "mkt-test"))
        } throws: { error in
            guard case .unreachable(let name, _) = error as? ClientError else { return false }
            return name == settings.name
        }
    }
}

@Suite(.enabled(if: ClientDaemons.installed, "qbittorrent-nox and transmission-daemon are missing (scripts/apt-deps.sh test installs them)"),
       .timeLimit(.minutes(2)))
struct ClientTests {
    /// The client checks the data mkt points it at, finds all of it (100 %,
    /// nothing to download), and seeds.
    @Test(arguments: [ClientSettings.Kind.qbittorrent, .transmission])
    func seedsWhatIsThere(kind: ClientSettings.Kind) throws {
        try withTemporaryDirectory { directory in
            let (daemon, settings) = try Clients.start(kind, in: directory)
            let fixture = try SeedFixture(in: directory)
            let client = settings.makeClient(userAgent: "mkt-test")
            try Seeder.seed(fixture.request, with: client)
            let state = try #require(try client.torrent(infohash: fixture.request.infohash))
            #expect(state.progress == 1 && !state.checking, "\(state)")
            // Again: already there and complete, nothing added twice.
            try Seeder.seed(fixture.request, with: client)
            _ = daemon
        }
    }

    /// The client sees the files under another path (a Docker volume, a
    /// mount): `path-map` turns mkt's path into the client's.
    @Test(arguments: [ClientSettings.Kind.qbittorrent, .transmission])
    func pathsAreMapped(kind: ClientSettings.Kind) throws {
        try withTemporaryDirectory { directory in
            let (daemon, started) = try Clients.start(kind, in: directory)
            let fixture = try SeedFixture(in: directory, folder: "here/music")
            try FileManager.default.createDirectory(atPath: "\(directory)/there", withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: "\(directory)/there/volume", withDestinationPath: "\(directory)/here/music")
            var settings = started
            settings.pathMaps = [("\(directory)/here", "\(directory)/elsewhere"), ("\(directory)/here/music", "\(directory)/there/volume")]
            #expect(settings.clientPath(fixture.savePath) == "\(directory)/there/volume")
            #expect(settings.clientPath("\(directory)/here/musical") == "\(directory)/elsewhere/musical")
            try Seeder.seed(fixture.request, with: settings.makeClient(userAgent: "mkt-test"))
            #expect(try settings.makeClient(userAgent: "mkt-test").torrent(infohash: fixture.request.infohash)?.progress == 1)
            _ = daemon
        }
    }

    /// A wrong password, data the client cannot see, a client that is down:
    /// one clear error each, and nothing left in the client.
    @Test(arguments: [ClientSettings.Kind.qbittorrent, .transmission])
    func failuresAreNamed(kind: ClientSettings.Kind) throws {
        try withTemporaryDirectory { directory in
            let (daemon, settings) = try Clients.start(kind, in: directory)
            try Clients.failuresAreNamed(settings, in: directory)
            _ = daemon
        }
    }
}
