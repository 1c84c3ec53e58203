import Foundation
import MKTTestSupport
import Testing

/// `mkt push` handing the uploaded torrent to a real qbittorrent-nox, and
/// `mkt seed` picking up what failed.
@Suite(.enabled(if: ClientDaemons.installed && AudioFixtures.available, "qbittorrent-nox, transmission-daemon or the audio tools are missing (scripts/apt-deps.sh test installs them)"),
       .timeLimit(.minutes(2)))
struct SeedJourneyTests {
    /// A store whose credential helper answers every secret: the client's
    /// password, and the fake sites' key (also used as the passkey).
    static func world(_ directory: String) throws -> TrackerWorld {
        let world = try TrackerWorld(directory, credentialHelper: false)
        try world.appendConfig("""
            [credential]
                helper = "!f() { read tracker; read kind; case $kind in kind=password) echo secret=\(ClientDaemons.password);; *) echo secret=fake-api-key;; esac; }; f"
            [push]
                backoff = 0.05

            """)
        return world
    }

    /// qBittorrent's view of its torrents: name, progress, state, save path.
    static func qbittorrentTorrents(_ url: String, in directory: String) throws -> [[String: Any]] {
        let login = try MKTProcess.shell("curl -s -c '\(directory)/qbt.cookies' --data 'username=\(ClientDaemons.username)&password=\(ClientDaemons.password)' \(url)/api/v2/auth/login", in: directory)
        #expect(login.stdout == "Ok.")
        let list = try MKTProcess.shell("curl -s -b '\(directory)/qbt.cookies' \(url)/api/v2/torrents/info", in: directory)
        return try JSONSerialization.jsonObject(with: list.stdoutData) as! [[String: Any]]
    }

    static func trackers(_ url: String, hash: String, in directory: String) throws -> [String] {
        let list = try MKTProcess.shell("curl -s -b '\(directory)/qbt.cookies' '\(url)/api/v2/torrents/trackers?hash=\(hash)'", in: directory)
        return (try JSONSerialization.jsonObject(with: list.stdoutData) as! [[String: Any]]).compactMap { $0["url"] as? String }.filter { $0.hasPrefix("http") }
    }

    @Test func pushSeedsAndSeedRetries() throws {
        try withTemporaryDirectory { directory in
            let world = try Self.world(directory)
            let red = try FakeTracker(site: "red", extra: ["--rate", "100/10"])
            try world.appendConfig(red.configSection(extra: ["rate-limit": "100/10s"]))
            let (daemon, url) = try ClientDaemons.startQBittorrent(in: directory)
            try world.appendConfig("[client \"qbt\"]\n    type = qbittorrent\n    url = \(url)\n    username = \(ClientDaemons.username)\n    category = music\n")
            let releases = try WorkflowJourneyTests.addAlbums(2, to: world)

            let pushed = try world.mkt(["push", "red", releases[0]])
            #expect(pushed.status == 0, "\(pushed)")
            #expect(pushed.stdout.hasPrefix("red \(releases[0]): success: \(red.url)/torrents.php?id=") && pushed.stdout.hasSuffix("; seeding in qbt\n"), "\(pushed)")
            var torrents = try Self.qbittorrentTorrents(url, in: directory)
            #expect(torrents.count == 1)
            let torrent = torrents[0]
            #expect(torrent["progress"] as? Double == 1 && torrent["name"] as? String == "Fixture Artist - Album 1 (2019) [FLAC]", "\(torrent)")
            #expect(torrent["save_path"] as? String == "\(directory)/music" && torrent["category"] as? String == "music")
            #expect(try Self.trackers(url, hash: torrent["hash"] as! String, in: directory) == ["\(red.url)/fake-api-key/announce"])
            #expect(try world.mkt(["status", releases[0]]).stdout.contains("  seeding\n"))

            // The client is down: the upload stands, the line says it is not seeding.
            try world.appendConfig("[client \"qbt\"]\n    url = http://127.0.0.1:\(Daemon.freePort())\n")
            let unseeded = try world.mkt(["push", "red", releases[1]])
            #expect(unseeded.status == 0, "\(unseeded)")
            #expect(unseeded.stdout.contains(": success: ") && unseeded.stdout.contains("; not seeding: client qbt cannot be reached: "), "\(unseeded)")
            #expect(try world.mkt(["status", releases[1]]).stdout.contains("not seeding: client qbt cannot be reached"))
            #expect(try red.torrents.count == 2)

            // Back up: `mkt seed red` hands over what is not seeding, and only that.
            try world.appendConfig("[client \"qbt\"]\n    url = \(url)\n")
            let seeded = try world.mkt(["seed", "red"])
            #expect(seeded.status == 0 && seeded.stdout == "red \(releases[1]): seeding in qbt\n", "\(seeded)")
            torrents = try Self.qbittorrentTorrents(url, in: directory)
            #expect(torrents.count == 2 && torrents.allSatisfy { $0["progress"] as? Double == 1 })
            #expect(try world.mkt(["seed", "red"]).stdout.isEmpty)
            #expect(try world.mkt(["status"]).stdout.components(separatedBy: "  seeding\n").count - 1 == 2)

            // A wrong password is one clear line, and the receipt stays as it was.
            try world.appendConfig("[client \"qbt\"]\n    username = someone-else\n")
            let refused = try world.mkt(["seed", "red", releases[0]])
            #expect(refused.status == 1 && refused.stdout == "red \(releases[0]): not seeding: client qbt refused the username or password\n", "\(refused)")
            #expect(try world.mkt(["fsck"]).status == 0)

            // The passkey went to the client, the password to its login: neither into the store or any output.
            for secret in ["fake-api-key", ClientDaemons.password] {
                for output in [pushed, unseeded, seeded, refused] {
                    #expect(!CredentialJourneyTests.leaks(output.stdoutData, of: secret) && !CredentialJourneyTests.leaks(Data(output.stderr.utf8), of: secret))
                }
                // (.mkt/config holds this test's credential helper, secrets and all: not mkt's doing.)
                for file in FileManager.default.enumerator(atPath: "\(directory)/.mkt")!.compactMap({ $0 as? String }) where file != "config" {
                    if let data = FileManager.default.contents(atPath: "\(directory)/.mkt/\(file)") {
                        #expect(!CredentialJourneyTests.leaks(data, of: secret), ".mkt/\(file)")
                    }
                }
            }
            _ = daemon
        }
    }

    /// OPS forced its own source flag: the client gets the site's copy, whose
    /// infohash is the one the site announces.
    @Test func aRewrittenTorrentIsSeededFromTheSitesCopy() throws {
        try withTemporaryDirectory { directory in
            let world = try Self.world(directory)
            let ops = try FakeTracker(site: "ops", extra: ["--rate", "100/10"])
            try world.appendConfig(ops.configSection(extra: ["rate-limit": "100/10s"]))
            let (daemon, url) = try ClientDaemons.startQBittorrent(in: directory)
            try world.appendConfig("[client \"qbt\"]\n    type = qbittorrent\n    url = \(url)\n    username = mkt\n")
            let release = try WorkflowJourneyTests.addAlbums(1, to: world)[0]
            try ops.faults(["site_source": "OPS-SITE"])
            let pushed = try world.mkt(["push", "ops"])
            #expect(pushed.status == 0 && pushed.stdout.hasSuffix("; seeding in qbt\n"), "\(pushed)")
            let receipt = try world.object("refs/trackers/ops/\(release)")
            #expect(receipt["rewritten"] as? Bool == true)
            let torrents = try Self.qbittorrentTorrents(url, in: directory)
            #expect(torrents.map { $0["hash"] as? String } == [receipt["siteInfohash"] as? String] && torrents.first?["progress"] as? Double == 1, "\(torrents)")
            _ = daemon
        }
    }

    /// `mkt doctor`: each client answers, takes its password, and sees each
    /// mapped folder — proven with a probe file it must find.
    @Test func doctorChecksEveryClient() throws {
        try withTemporaryDirectory { directory in
            let world = try TrackerWorld(directory, credentialHelper: false)
            try world.appendConfig("""
                [credential]
                    helper = "!f() { read tracker; read kind; case $tracker in tracker=wrong) echo secret=nope;; *) echo secret=\(ClientDaemons.password);; esac; }; f"

                """)
            let (qbt, qbtURL) = try ClientDaemons.startQBittorrent(in: directory)
            let (tr, trURL) = try ClientDaemons.startTransmission(in: directory)
            try FileManager.default.createDirectory(atPath: "\(directory)/here/music", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: "\(directory)/there", withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: "\(directory)/there/volume", withDestinationPath: "\(directory)/here/music")
            try world.appendConfig("""
                [client "qbt"]
                    type = qbittorrent
                    url = \(qbtURL)
                    username = mkt
                    path-map = \(directory)/here/music:\(directory)/there/volume
                [client "tr"]
                    type = transmission
                    url = \(trURL)
                    username = mkt
                    path-map = \(directory)/here/music:\(directory)/nowhere
                [client "wrong"]
                    type = qbittorrent
                    url = \(qbtURL)
                    username = mkt

                """)
            // qBittorrent answers its login before it is ready for torrents.
            _ = qbt.wait { (try? MKTProcess.shell("curl -sf --data 'username=mkt&password=\(ClientDaemons.password)' \(qbtURL)/api/v2/auth/login", in: directory).stdout) == "Ok." }
            let doctor = try world.mkt(["doctor"])
            #expect(doctor.status == 1)
            let lines = doctor.stdout.split(separator: "\n").map(String.init)
            #expect(lines == [
                "ok   client qbt (qbittorrent) answers at \(qbtURL) and takes the password",
                "ok   client qbt sees \(directory)/here/music as \(directory)/there/volume",
                "ok   client tr (transmission) answers at \(trURL) and takes the password",
                "fail client tr does not find the data under \(directory)/nowhere (0 % there); the torrent was removed again, nothing downloaded",
                "fail client wrong refused the username or password",
            ], "\(doctor)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: "\(directory)/here/music").isEmpty)
            _ = (qbt, tr)
        }
    }

    /// The whole way: mkt adds a release and pushes it (to a fake site whose
    /// announce URL is a real opentracker), qbittorrent-nox seeds it, and a
    /// second qbittorrent-nox downloads it from that swarm into another
    /// folder: the same bytes arrive.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/opentracker"), "opentracker is missing (scripts/apt-deps.sh test installs it)"))
    func aSwarmGetsTheRelease() throws {
        try withTemporaryDirectory { directory in
            let world = try Self.world(directory)
            let trackerPort = Daemon.freePort()
            let site = try FakeTracker(site: "red", extra: ["--rate", "100/10", "--source", "SWARM"])
            try world.appendConfig("""
                [tracker "swarm"]
                    family = red
                    url = \(site.url)
                    source = SWARM
                    announce = http://127.0.0.1:\(trackerPort)/announce
                    rate-limit = 100/10s

                """)
            let (qbt, qbtURL) = try ClientDaemons.startQBittorrent(in: directory)
            _ = qbt.wait { (try? MKTProcess.shell("curl -sf --data 'username=mkt&password=\(ClientDaemons.password)' \(qbtURL)/api/v2/auth/login", in: directory).stdout) == "Ok." }
            try world.appendConfig("[client \"qbt\"]\n    type = qbittorrent\n    url = \(qbtURL)\n    username = mkt\n")
            let release = try WorkflowJourneyTests.addAlbums(1, to: world)[0]
            // Debian's opentracker serves only the infohashes on its whitelist (read in its chroot).
            let torrent = try world.mkt(["make-torrent", "--release", "refs/releases/\(release)", "--tracker", "swarm", "-w"]).line
            let infohash = try #require(world.mkt(["cat-file", "-p", torrent]).stdout.split(separator: "\n").first { $0.hasPrefix("Info hash: ") }?.dropFirst("Info hash: ".count))
            try writeFile("\(directory)/whitelist", "\(infohash)\n")
            let opentracker = try Daemon("/usr/bin/opentracker", ["-i", "127.0.0.1", "-p", String(trackerPort), "-P", String(trackerPort), "-d", directory, "-w", "whitelist"], log: "\(directory)/opentracker.log")
            try opentracker.waitForPort(trackerPort)
            let pushed = try world.mkt(["push", "swarm"])
            #expect(pushed.status == 0 && pushed.stdout.hasSuffix("; seeding in qbt\n"), "\(pushed)")

            // A second qBittorrent gets the same torrent from `mkt export` and downloads it
            // into its own folder. (Not Transmission: it refuses peers on 127.0.0.0/8 as
            // "martian", and tests talk over loopback only.)
            try FileManager.default.createDirectory(atPath: "\(directory)/leecher", withIntermediateDirectories: true)
            let (leecher, leecherURL) = try ClientDaemons.startQBittorrent(in: "\(directory)/leecher")
            _ = leecher.wait { (try? MKTProcess.shell("curl -sf -c leecher.cookies --data 'username=mkt&password=\(ClientDaemons.password)' \(leecherURL)/api/v2/auth/login", in: directory).stdout) == "Ok." }
            // Both clients would be 127.0.0.1 to the tracker, and libtorrent keeps one peer per
            // address: the second one talks from 127.0.0.2 (loopback too).
            let multi = try MKTProcess.shell("curl -s -b leecher.cookies --data 'json={\"enable_multi_connections_from_same_ip\":true,\"current_interface_address\":\"127.0.0.2\"}' \(leecherURL)/api/v2/app/setPreferences", in: directory)
            #expect(multi.status == 0)
            #expect(try world.mkt(["export", "--tracker", "swarm", "refs/releases/\(release)", "-o", "\(directory)/swarm.torrent"]).status == 0)
            let downloads = "\(directory)/downloads"
            let add = try MKTProcess.shell("curl -s -b leecher.cookies -F torrents=@swarm.torrent -F savepath=\(downloads) \(leecherURL)/api/v2/torrents/add", in: directory)
            #expect(add.stdout == "Ok.", "\(add)")
            let folder = "Fixture Artist - Album 1 (2019) [FLAC]"
            let complete = leecher.wait(timeout: 60) {
                let files = ((try? FileManager.default.contentsOfDirectory(atPath: "\(downloads)/\(folder)")) ?? []).filter { !$0.hasSuffix(".parts") }
                return files.count == 6
                    && files.allSatisfy { FileManager.default.contentsEqual(atPath: "\(downloads)/\(folder)/\($0)", andPath: "\(directory)/music/\(folder)/\($0)") }
            }
            if !complete {
                let trackers = try MKTProcess.shell("curl -s -b leecher.cookies '\(leecherURL)/api/v2/torrents/trackers?hash=\(infohash)'", in: directory).stdout
                let peers = try MKTProcess.shell("curl -s -b leecher.cookies '\(leecherURL)/api/v2/sync/torrentPeers?hash=\(infohash)'; echo; cat leecher/qbt/qBittorrent/data/logs/qbittorrent.log | tail -20; echo; cat qbt/qBittorrent/data/logs/qbittorrent.log | tail -20; echo; curl -s -b leecher.cookies '\(leecherURL)/api/v2/torrents/info'", in: directory).stdout
                Issue.record("the second client did not get the release; its trackers: \(trackers); peers: \(peers)")
            }
            _ = (opentracker, qbt, leecher)
        }
    }
}

/// A watch-folder client through `mkt push`, `mkt seed`, `mkt status` and
/// `mkt doctor`: the torrent lands in the folder, and no line claims seeding.
@Suite(.enabled(if: AudioFixtures.available, "the audio tools are missing (scripts/apt-deps.sh test installs them)"), .timeLimit(.minutes(2)))
struct WatchFolderJourneyTests {
    @Test func aWatchFolderIsHandedTheTorrentAndNothingIsCalledSeeding() throws {
        try withTemporaryDirectory { directory in
            let world = try SeedJourneyTests.world(directory)
            let red = try FakeTracker(site: "red", extra: ["--rate", "100/10"])
            try world.appendConfig(red.configSection(extra: ["rate-limit": "100/10s"]))
            let watch = "\(directory)/watch"
            try FileManager.default.createDirectory(atPath: watch, withIntermediateDirectories: true)
            try world.appendConfig("[client \"drop\"]\n    type = watch\n    watch-dir = \(watch)\n")
            let releases = try WorkflowJourneyTests.addAlbums(2, to: world)

            let pushed = try world.mkt(["push", "red", releases[0]])
            #expect(pushed.status == 0 && pushed.stdout.hasSuffix("; handed to watch folder \(watch)\n") && !pushed.stdout.contains("seeding"), "\(pushed)")
            let infohash = try #require(try world.object("refs/trackers/red/\(releases[0])")["infohash"] as? String)
            #expect(try FileManager.default.contentsOfDirectory(atPath: watch) == ["\(infohash).torrent"])
            let status = try world.mkt(["status", releases[0]])
            #expect(status.stdout.contains("  handed to watch folder \(watch)") && !status.stdout.contains("seeding"), "\(status)")

            try world.appendConfig("[seed]\n    client =\n")
            #expect(try world.mkt(["push", "red", releases[1]]).status == 0)
            try world.appendConfig("[seed]\n    client = drop\n")
            let seeded = try world.mkt(["seed", "red"])
            #expect(seeded.status == 0 && seeded.stdout == "red \(releases[0]): handed to watch folder \(watch)\nred \(releases[1]): handed to watch folder \(watch)\n",
                    "\(seeded)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: watch).count == 2)

            let doctor = try world.mkt(["doctor"])
            #expect(doctor.stdout.contains("ok   client drop (watch) can write torrents into \(watch); the client watching it is not asked, so nothing is checked\n"),
                    "\(doctor)")
        }
    }
}
