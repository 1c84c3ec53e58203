import Foundation
import MKTTestSupport
import Testing

/// Cross-seeding: a fake OPS already has the release, in a torrent mktorrent
/// made with another source flag (so another infohash). `mkt push` adopts it
/// instead of uploading, and a real qbittorrent-nox seeds it from the local
/// files; a release with one byte changed is not seeded, and the error names
/// the file. `mkt adopt` records uploads made by hand, by id or by file.
@Suite(.enabled(if: ClientDaemons.installed && AudioFixtures.available && FileManager.default.isExecutableFile(atPath: "/usr/bin/mktorrent"),
                "qbittorrent-nox, transmission-daemon, mktorrent or the audio tools are missing (scripts/apt-deps.sh test installs them)"),
       .timeLimit(.minutes(3)))
struct AdoptJourneyTests {
    /// A copy of the audio fixture as `Album N`, not added yet.
    static func copyAlbum(_ number: Int, to world: TrackerWorld) throws -> String {
        let fixture = "\(try AudioFixtures.directory.get())/Fixture Artist - Fixture Album (2019) [FLAC]"
        let folder = "\(world.directory)/music/Fixture Artist - Album \(number) (2019) [FLAC]"
        try FileManager.default.createDirectory(atPath: "\(world.directory)/music", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: fixture, toPath: folder)
        return folder
    }

    static func add(_ folder: String, _ number: Int, to world: TrackerWorld) throws -> String {
        let added = try world.mkt(["add", folder, "--meta", "title=Album \(number)", "--meta", "media=WEB"])
        #expect(added.status == 0, "\(added)")
        return "fixture-artist-album-\(number)-2019-flac"
    }

    /// Another tool's torrent of `folder`: mktorrent's, source OTHER, `2^exponent`-byte pieces.
    static func mktorrent(_ folder: String, exponent: Int, in directory: String) throws -> String {
        let file = "\(directory)/other-\(UUID().uuidString).torrent"
        let made = try Oracle.run("/usr/bin/mktorrent", ["-p", "-s", "OTHER", "-l", String(exponent), "-a", "http://127.0.0.1:1/announce", "-o", file, folder], in: directory)
        #expect(made.status == 0, "\(made)")
        return file
    }

    /// A torrent of a stored release with source OTHER, at the store's piece length.
    static func sameLengthTorrent(_ release: String, in world: TrackerWorld) throws -> String {
        let file = "\(world.directory)/other-\(UUID().uuidString).torrent"
        let made = try world.mkt(["make-torrent", "--release", "refs/releases/\(release)", "--source", "OTHER", "--announce", "http://127.0.0.1:1/announce", "-o", file])
        #expect(made.status == 0, "\(made)")
        return file
    }

    /// The fake site's group for `Album N`, holding the torrent in `file` as a FLAC WEB
    /// upload; the torrent's id and infohash on the site.
    @discardableResult
    static func preload(_ site: FakeTracker, album number: Int, torrent file: String) throws -> (id: Int, infohash: String) {
        let bytes = try #require(FileManager.default.contents(atPath: file))
        try site.addGroup(["artist": "Fixture Artist", "name": "Album \(number)", "year": 2019, "releasetype": 1,
                           "torrents": [["media": "WEB", "format": "FLAC", "encoding": "Lossless", "remasterYear": 2019, "torrent": bytes.base64EncodedString()]]])
        let torrent = try #require(site.torrents.last)
        return (try #require(torrent["id"] as? Int), try #require(torrent["infohash"] as? String))
    }

    static func setUp(_ directory: String) throws -> (TrackerWorld, FakeTracker, Daemon, String) {
        let world = try SeedJourneyTests.world(directory)
        let ops = try FakeTracker(site: "ops", extra: ["--rate", "100/10"])
        try world.appendConfig(ops.configSection(extra: ["rate-limit": "100/10s"]))
        let (daemon, url) = try ClientDaemons.startQBittorrent(in: directory)
        _ = daemon.wait { (try? MKTProcess.shell("curl -sf --data 'username=mkt&password=\(ClientDaemons.password)' \(url)/api/v2/auth/login", in: directory).stdout) == "Ok." }
        try world.appendConfig("[client \"qbt\"]\n    type = qbittorrent\n    url = \(url)\n    username = mkt\n")
        return (world, ops, daemon, url)
    }

    @Test func pushAdoptsWhatTheSiteHasAndRefusesAChangedByte() throws {
        try withTemporaryDirectory { directory in
            let (world, ops, daemon, url) = try Self.setUp(directory)
            try withExtendedLifetime((ops, daemon)) {
                let folder = try Self.copyAlbum(1, to: world)
                let release = try Self.add(folder, 1, to: world)
                // At the store's piece length: the stored hashes are compared, no byte is read.
                let (siteID, infohash) = try Self.preload(ops, album: 1, torrent: Self.sameLengthTorrent(release, in: world))

                let pushed = try world.mkt(["push", "ops", release])
                #expect(pushed.status == 0, "\(pushed)")
                #expect(pushed.stdout.hasPrefix("ops \(release): adopted: 127.0.0.1 had this edition in torrent \(siteID); its pieces all match the local files, so it is seeded and nothing was uploaded \(ops.url)/torrents.php?id="), "\(pushed)")
                #expect(pushed.stdout.hasSuffix("torrentid=\(siteID); seeding in qbt\n"), "\(pushed)")
                #expect(try ops.uploads.isEmpty)
                #expect(try ops.torrents.count == 1)
                let receipt = try world.object("refs/trackers/ops/\(release)")
                #expect(receipt["outcome"] as? String == "adopted" && receipt["siteTorrentID"] as? Int == siteID && receipt["siteInfohash"] as? String == infohash, "\(receipt)")
                let copy = try world.mkt(["cat-file", "-p", receipt["siteTorrent"] as! String])
                #expect(copy.stdout.contains("Source: OTHER") && !copy.stdout.contains(ops.passkey), "\(copy)")

                // qBittorrent seeds the site's torrent from the local files: complete, nothing downloaded.
                let torrents = try SeedJourneyTests.qbittorrentTorrents(url, in: directory)
                #expect(torrents.count == 1 && torrents.first?["hash"] as? String == infohash, "\(torrents)")
                #expect(torrents.first?["progress"] as? Double == 1 && torrents.first?["downloaded"] as? Int == 0, "\(torrents)")

                // It is the release's upload now: status, log and a second push say so.
                #expect(try world.mkt(["status", release]).stdout.contains("  seeding\n"))
                #expect(try world.mkt(["log", "--oneline"]).stdout.contains(" ops \(release) adopted "))
                #expect(try world.mkt(["stats", "--html", "\(directory)/report.html"]).stdout.hasSuffix("ops: 1 of the 1 uploaded adopted (the site had them; nothing was uploaded)\n"))
                #expect(try String(contentsOfFile: "\(directory)/report.html", encoding: .utf8).contains("<td>1 (1 adopted)</td>"))
                #expect(try world.mkt(["push", "ops", release]).stdout.contains("up to date"))
                #expect(try world.mkt(["fsck"]).status == 0)

                // Album 2: the site's torrent is of the original files; here one byte differs.
                let changed = try Self.copyAlbum(2, to: world)
                let changedFile = try Self.mktorrent(changed, exponent: 15, in: directory)
                let track = try #require(try FileManager.default.contentsOfDirectory(atPath: changed).filter { $0.hasSuffix(".flac") }.sorted().first)
                let handle = try FileHandle(forUpdating: URL(fileURLWithPath: "\(changed)/\(track)"))
                let size = try handle.seekToEnd()
                try handle.seek(toOffset: size / 2)
                let byte = try #require(try handle.read(upToCount: 1)?.first)
                try handle.seek(toOffset: size / 2)
                try handle.write(contentsOf: Data([byte ^ 0x01]))
                try handle.close()
                let other = try Self.add(changed, 2, to: world)
                try Self.preload(ops, album: 2, torrent: changedFile)
                let refused = try world.mkt(["push", "ops", other])
                #expect(refused.status == 1, "\(refused)")
                #expect(refused.stdout.contains("ops \(other): rejected (duplicate): 127.0.0.1 already has this edition in FLAC Lossless from WEB in torrent ")
                    && refused.stdout.contains(", which does not match the local files, so it is not seeded: \(track) differs (piece "), "\(refused)")
                #expect(try ops.uploads.isEmpty)
                #expect(try SeedJourneyTests.qbittorrentTorrents(url, in: directory).count == 1)
            }
        }
    }

    @Test func adoptRecordsAnUploadMadeByHandByIdOrByFile() throws {
        try withTemporaryDirectory { directory in
            let (world, ops, daemon, url) = try Self.setUp(directory)
            try withExtendedLifetime((ops, daemon)) {
                // By id, with 64 KiB pieces (not the store's): the files are read at that length.
                let first = try Self.copyAlbum(1, to: world)
                let release = try Self.add(first, 1, to: world)
                let file = try Self.mktorrent(first, exponent: 16, in: directory)
                let (siteID, infohash) = try Self.preload(ops, album: 1, torrent: file)
                let group = try #require(ops.state()["groups"] as? [[String: Any]]).last?["id"] as? Int ?? 0
                let adopted = try world.mkt(["adopt", "ops", release, "--id", String(siteID)])
                #expect(adopted.status == 0, "\(adopted)")
                #expect(adopted.stdout == "ops \(release): adopted: 127.0.0.1 has this release in torrent \(siteID), whose pieces all match the local files \(ops.url)/torrents.php?id=\(group)&torrentid=\(siteID); seeding in qbt\n", "\(adopted)")
                let receipt = try world.object("refs/trackers/ops/\(release)")
                #expect(receipt["outcome"] as? String == "adopted" && receipt["siteInfohash"] as? String == infohash)
                #expect(try ops.state()["tokensSpent"] as? Int == 0)
                #expect(try world.mkt(["push", "ops", release]).stdout.contains("up to date"))

                // By file: the torrent made by hand, found on the site by its infohash; --no-seed.
                let second = try Self.copyAlbum(2, to: world)
                let other = try Self.add(second, 2, to: world)
                let secondFile = try Self.sameLengthTorrent(other, in: world)
                let (secondID, secondHash) = try Self.preload(ops, album: 2, torrent: secondFile)
                let byFile = try world.mkt(["adopt", "ops", other, secondFile, "--no-seed"])
                #expect(byFile.status == 0 && byFile.stdout.hasPrefix("ops \(other): adopted: 127.0.0.1 has this release in torrent \(secondID)"), "\(byFile)")
                #expect(try world.object("refs/trackers/ops/\(other)")["siteInfohash"] as? String == secondHash)
                #expect(try world.mkt(["seed", "ops", other]).stdout == "ops \(other): seeding in qbt\n")
                let torrents = try SeedJourneyTests.qbittorrentTorrents(url, in: directory)
                #expect(Set(torrents.compactMap { $0["hash"] as? String }) == [infohash, secondHash] && torrents.allSatisfy { $0["progress"] as? Double == 1 }, "\(torrents)")

                // A torrent of other files is refused with the reason, and nothing is recorded.
                let before = try world.mkt(["rev-parse", "refs/trackers/ops/\(other)"]).line
                let wrong = try world.mkt(["adopt", "ops", other, file])
                #expect(wrong.status == 1 && wrong.stderr.hasPrefix("error: ops \(other): the torrent does not match the local files, so it is not adopted or seeded: the torrent is named"), "\(wrong)")
                #expect(try world.mkt(["rev-parse", "refs/trackers/ops/\(other)"]).line == before)
                let unlisted = try Self.mktorrent(second, exponent: 17, in: directory)
                let notOnSite = try world.mkt(["adopt", "ops", other, unlisted])
                #expect(notOnSite.status == 1 && notOnSite.stderr.hasPrefix("error: \(unlisted): 127.0.0.1 lists no torrent with infohash "), "\(notOnSite)")
                let unknown = try world.mkt(["adopt", "ops", "no-such-release", "--id", "1"])
                #expect(unknown.status == 1 && unknown.stderr == "error: no release named 'no-such-release' (mkt status lists them)\n", "\(unknown)")
                #expect(try ops.uploads.isEmpty)
                #expect(try world.mkt(["fsck"]).status == 0)
            }
        }
    }

    /// UNIT3D finds the duplicate only when asked to take the upload: "The name has
    /// already been taken." Its torrent of that name, found by the search and
    /// fetched from its download link, is adopted; nothing is stored on the site.
    @Test func aUnit3DNameTakenIsAdopted() throws {
        try withTemporaryDirectory { directory in
            let world = try SeedJourneyTests.world(directory)
            let site = try FakeTracker(site: "unit3d", extra: ["--rate", "100/10", "--source", "seedpool"])
            try world.appendConfig(site.configSection(name: "seedpool", extra: ["family": "unit3d", "source": "seedpool", "category-id": "1", "type-id": "1", "rate-limit": "100/10s"]))
            try withExtendedLifetime(site) {
                let folder = try Self.copyAlbum(1, to: world)
                let release = try Self.add(folder, 1, to: world)
                let (siteID, infohash) = try Self.preload(site, album: 1, torrent: Self.mktorrent(folder, exponent: 15, in: directory))
                let pushed = try world.mkt(["push", "seedpool", release, "--no-seed"])
                #expect(pushed.status == 0 && pushed.stdout.hasPrefix("seedpool \(release): adopted: 127.0.0.1 had this edition in torrent \(siteID); "), "\(pushed)")
                let receipt = try world.object("refs/trackers/seedpool/\(release)")
                #expect(receipt["siteInfohash"] as? String == infohash && receipt["url"] as? String == "\(site.url)/torrents/\(siteID)", "\(receipt)")
                #expect(try site.torrents.count == 1)
                #expect(try site.uploads.map { $0["outcome"] as? String } == ["rejected"])
                #expect(try world.mkt(["push", "seedpool", release, "--no-seed"]).stdout.contains("up to date"))
            }
        }
    }
}
