import Foundation
import MKTClients
import MKTHTTP
import MKTTestSupport
import Testing

/// Deluge, rTorrent and a watch folder against the real programs from Debian,
/// started here on free loopback ports or sockets in a temporary folder: a
/// generated release is checked and seeded at 100 % with nothing downloaded,
/// also through a path-map; a torrent that finds no data is removed again, and
/// removing never takes the data. Each test skips only when its program is absent.
/// The limit guards against a hung daemon, not a slow machine: a test takes seconds.
@Suite(.timeLimit(.minutes(3)))
struct DaemonClientTests {
    @Test(.enabled(if: ClientDaemons.delugeInstalled, "deluged or deluge-web is missing (scripts/apt-deps.sh test installs them)"))
    func delugeSeedsWhatIsThere() throws {
        try withTemporaryDirectory { directory in
            let (daemons, settings) = try Clients.start(.deluge, in: directory)
            let infohash = try Self.seedsWhatIsThere(settings, in: directory)
            #expect(try Self.delugeLabel(settings, infohash: infohash) == "red")
            #expect(try settings.makeClient(userAgent: "mkt-test").limitations().isEmpty)
            _ = daemons
        }
    }

    @Test(.enabled(if: ClientDaemons.delugeInstalled, "deluged or deluge-web is missing (scripts/apt-deps.sh test installs them)"))
    func delugeNamesFailures() throws {
        try withTemporaryDirectory { directory in
            let (daemons, settings) = try Clients.start(.deluge, in: directory)
            try Clients.failuresAreNamed(settings, in: directory)
            _ = daemons
        }
    }

    /// Without the Label plugin the torrent still seeds, and `limitations`
    /// (what `mkt doctor` shows) says that labels are not supported.
    @Test(.enabled(if: ClientDaemons.delugeInstalled, "deluged or deluge-web is missing (scripts/apt-deps.sh test installs them)"))
    func delugeWithoutLabelPluginSaysSo() throws {
        try withTemporaryDirectory { directory in
            let (daemons, url) = try ClientDaemons.startDeluge(in: directory, labels: false)
            let settings = ClientSettings(name: "deluge", kind: .deluge, url: url, password: ClientDaemons.password, category: "music", checkTimeout: 60)
            let client = settings.makeClient(userAgent: "mkt-test")
            #expect(daemons[1].wait { (try? client.connect()) != nil })
            #expect(try client.limitations() == ["the daemon's Label plugin is not enabled: labels are not supported, torrents are added without one"])
            let fixture = try SeedFixture(in: directory)
            #expect(try Seeder.seed(fixture.request, with: client) == .seeding)
        }
    }

    @Test(.enabled(if: ClientDaemons.rtorrentInstalled, "rtorrent is missing (scripts/apt-deps.sh test installs it)"))
    func rtorrentSeedsWhatIsThere() throws {
        try withTemporaryDirectory { directory in
            let (daemon, settings) = try Clients.start(.rtorrent, in: directory)
            let infohash = try Self.seedsWhatIsThere(settings, in: directory)
            #expect(try Self.rtorrent(settings, "d.custom1", infohash) == .string("red"))
            #expect(try Self.rtorrent(settings, "d.state", infohash).integer == 1)
            _ = daemon
        }
    }

    @Test(.enabled(if: ClientDaemons.rtorrentInstalled, "rtorrent is missing (scripts/apt-deps.sh test installs it)"))
    func rtorrentNamesFailures() throws {
        try withTemporaryDirectory { directory in
            let (daemon, settings) = try Clients.start(.rtorrent, in: directory)
            try Clients.failuresAreNamed(settings, in: directory)
            _ = daemon
        }
    }

    /// The torrent lands in the folder whole, under its infohash, and the
    /// outcome says "handed off", not seeding; a real transmission-daemon
    /// watching that folder, saving where the path-map points, then seeds it
    /// at 100 % without downloading.
    @Test(.enabled(if: ClientDaemons.transmissionInstalled, "transmission-daemon is missing (scripts/apt-deps.sh test installs it)"))
    func watchFolderHandsOver() throws {
        try withTemporaryDirectory { directory in
            let fixture = try SeedFixture(in: directory, folder: "here/music")
            try FileManager.default.createDirectory(atPath: "\(directory)/there", withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: "\(directory)/there/volume", withDestinationPath: "\(directory)/here/music")
            let watch = "\(directory)/watch"
            try FileManager.default.createDirectory(atPath: watch, withIntermediateDirectories: true)
            let (daemon, url) = try ClientDaemons.startTransmission(in: directory, watching: watch, downloads: "\(directory)/there/volume")
            let watcher = ClientSettings(name: "tr", kind: .transmission, url: url, username: ClientDaemons.username, password: ClientDaemons.password)
            #expect(daemon.wait { (try? watcher.makeClient(userAgent: "mkt-test").connect()) != nil })

            let settings = ClientSettings(name: "drop", kind: .watch, url: watch)
            #expect(try Seeder.seed(fixture.request, with: settings.makeClient(userAgent: "mkt-test")) == .handedOff(folder: watch))
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: watch).filter { $0.hasPrefix(".") }
            #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")

            let client = watcher.makeClient(userAgent: "mkt-test")
            let seeded = daemon.wait(timeout: 15) {
                guard let state = try? client.torrent(infohash: fixture.request.infohash) else { return false }
                return state.progress == 1 && !state.checking
            }
            #expect(seeded, "\(String(describing: try? client.torrent(infohash: fixture.request.infohash)))")
        }
    }

    /// Seeds the fixture where it is, again (nothing added twice), removes it
    /// (the data stays), then seeds it through a path-map. Returns the infohash.
    static func seedsWhatIsThere(_ settings: ClientSettings, in directory: String) throws -> String {
        let fixture = try SeedFixture(in: directory)
        let client = settings.makeClient(userAgent: "mkt-test")
        #expect(try Seeder.seed(fixture.request, with: client) == .seeding)
        let state = try #require(try client.torrent(infohash: fixture.request.infohash))
        #expect(state.progress == 1 && !state.checking, "\(state)")
        #expect(try Seeder.seed(fixture.request, with: client) == .seeding)

        try client.remove(infohash: fixture.request.infohash)
        #expect(try client.torrent(infohash: fixture.request.infohash) == nil)
        let first = "\(fixture.savePath)/Fixture Artist - Seeded Album (2019) [FLAC]/01.flac"
        #expect((try? FileManager.default.attributesOfItem(atPath: first)[.size] as? Int) == 700_000)

        let mapped = try SeedFixture(in: directory, folder: "here/music")
        try FileManager.default.createDirectory(atPath: "\(directory)/there", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: "\(directory)/there/volume", withDestinationPath: "\(directory)/here/music")
        var mapping = settings
        mapping.pathMaps = [("\(directory)/here", "\(directory)/elsewhere"), ("\(directory)/here/music", "\(directory)/there/volume")]
        #expect(mapping.clientPath(mapped.savePath) == "\(directory)/there/volume")
        #expect(try Seeder.seed(mapped.request, with: mapping.makeClient(userAgent: "mkt-test")) == .seeding)
        #expect(try client.torrent(infohash: mapped.request.infohash)?.progress == 1)
        return mapped.request.infohash
    }

    /// One rTorrent command on a torrent, straight over SCGI.
    static func rtorrent(_ settings: ClientSettings, _ method: String, _ infohash: String) throws -> XMLRPCValue {
        let address = try #require(SCGI.Address(settings.url))
        let answer = try SCGI.exchange(SCGI.request(body: XMLRPC.call(method, [.string(infohash.uppercased())])), with: address, timeout: 5)
        guard case .value(let value) = try XMLRPC.response(SCGI.responseBody(answer)) else { throw XMLRPCError(description: "\(method) failed") }
        return value
    }

    /// The Label plugin's label of a torrent, asked through deluge-web.
    static func delugeLabel(_ settings: ClientSettings, infohash: String) throws -> String? {
        let http = HTTPClient(userAgent: "mkt-test")
        func call(_ body: String, cookie: String?) throws -> HTTPResponse {
            try http.send(HTTPRequest(method: "POST", url: "\(settings.url)/json", headers: cookie.map { [("Cookie", $0)] } ?? [],
                                      body: .data(Data(body.utf8), contentType: "application/json")))
        }
        let login = try call(#"{"method":"auth.login","params":["\#(ClientDaemons.password)"],"id":1}"#, cookie: nil)
        let cookie = login.headers["set-cookie"]?.first.map { String($0.prefix { $0 != ";" }) }
        let status = try call(#"{"method":"core.get_torrent_status","params":["\#(infohash)",["label"]],"id":2}"#, cookie: cookie)
        let answer = try JSONSerialization.jsonObject(with: status.body) as? [String: Any]
        return (answer?["result"] as? [String: Any])?["label"] as? String
    }
}
