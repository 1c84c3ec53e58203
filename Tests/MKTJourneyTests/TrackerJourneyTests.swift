import Foundation
import MKTMetadata
import MKTObjects
import MKTStore
import MKTTestSupport
import Testing

/// A store with releases ready to push, and fake trackers to push them to.
struct TrackerWorld {
    let directory: String
    var environment: [String: String]

    init(_ directory: String, credentialHelper: Bool = true) throws {
        self.directory = directory
        environment = ["XDG_STATE_HOME": "\(directory)/state"]
        try MKTProcess.run(["init", "-q"], in: directory)
        if credentialHelper {
            // Answers every tracker's API key or cookie: the fakes' default credential.
            try useHelper(answering: "fake-api-key")
            try appendConfig("[push]\n    backoff = 0.05\n")
        }
    }

    /// A credential helper that answers `secret` to every request (the last
    /// `credential.helper` in the config is the one used).
    func useHelper(answering secret: String) throws {
        // Helpers are run with `get` as their argument: a shell function ignores it.
        try appendConfig("[credential]\n    helper = \"!f() { echo secret=\(secret); }; f\"\n")
    }

    func appendConfig(_ text: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(directory)/.mkt/config"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    @discardableResult
    func mkt(_ arguments: [String], stdin: Data? = nil, environment extra: [String: String] = [:]) throws -> MKTResult {
        try MKTProcess.run(arguments, in: directory, stdin: stdin, environment: environment.merging(extra) { $1 })
    }

    /// `mkt` with the clock shifted by faketime (`+1y`, `-1y`, …); one that
    /// waits for the shifted clock is stopped after two minutes (exit 124).
    @discardableResult
    func mkt(clock offset: String, _ arguments: [String]) throws -> MKTResult {
        try MKTProcess.run(under: ["/usr/bin/timeout", "120", "/usr/bin/faketime", "-f", offset], arguments, in: directory, environment: environment)
    }

    func object(_ id: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: try mkt(["cat-file", "-p", id]).stdoutData) as! [String: Any]
    }

    /// A release folder of made-up bytes (the trackers never see audio), its
    /// `meta` object, and one torrent object per tracker asked for.
    func release(_ title: String = "Fixture Album", media: String = "WEB", files: Int = 2, trackers: [String: String]) throws -> (meta: String, torrents: [String: String]) {
        let folder = "\(directory)/releases/Fixture Artist - \(title) (2019) [FLAC]"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var description = ReleaseDescription()
        for number in 1...files {
            let name = String(format: "%02d - Track %d.flac", number, number)
            try Data((0..<40_000).map { UInt8(truncatingIfNeeded: $0 &* number &+ title.count) }).write(to: URL(fileURLWithPath: "\(folder)/\(name)"))
            description.tracks.append(.init(path: name, disc: 1, number: number, title: "Track \(number)", artists: ["Fixture Artist"], durationMilliseconds: 61_000))
        }
        try writeFile("\(folder)/rip.log", "Exact Audio Copy V1.6 log of \(title)")
        description.artists = ["Fixture Artist"]
        description.artistRoles = ["main": ["Fixture Artist"], "guest": ["Guest Singer"]]
        description.title = title
        description.year = 2019
        description.label = "Fixture Records"
        description.catalogueNumber = "FIX-001"
        description.genres = ["Electronic"]
        description.tags = ["electronic"]
        description.format = "FLAC"
        description.encoding = "Lossless"
        description.media = media
        description.releaseType = .album
        let pieces = try mkt(["hash-release", "-w", folder]).stdout.trimmingCharacters(in: .newlines)
        let release = String(try mkt(["cat-file", "-p", pieces]).stdout.split(separator: "\n")[0].dropFirst("release ".count))
        let metaFile = "\(directory)/meta-\(title).json"
        let snapshot = MetaSnapshot(description: description, release: try #require(ObjectID(hex: release)), pieces: try #require(ObjectID(hex: pieces)))
        try snapshot.objectBody().write(to: URL(fileURLWithPath: metaFile))
        let meta = try mkt(["hash-object", "-t", "meta", "-w", metaFile]).stdout.trimmingCharacters(in: .newlines)
        var torrents: [String: String] = [:]
        for (tracker, _) in trackers {
            let made = try mkt(["make-torrent", "--release", pieces, "--tracker", tracker, "-w"])
            #expect(made.status == 0, "\(made)")
            torrents[tracker] = made.stdout.trimmingCharacters(in: .newlines)
        }
        return (meta, torrents)
    }
}

extension MKTResult {
    var line: String { stdout.trimmingCharacters(in: .newlines) }
}

@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"), "curl is missing (scripts/apt-deps.sh test installs it)"))
struct TrackerJourneyTests {
    /// RED and OPS get the same release with their own ids, names and flags.
    @Test func redAndOpsGetTheirOwnForms() throws {
        try withTemporaryDirectory { directory in
            let red = try FakeTracker(site: "red")
            let ops = try FakeTracker(site: "ops")
            let world = try TrackerWorld(directory)
            try world.appendConfig(red.configSection() + ops.configSection())
            let (meta, torrents) = try world.release(media: "CD", trackers: ["red": "", "ops": ""])
            for (fake, tracker) in [(red, "red"), (ops, "ops")] {
                let pushed = try world.mkt(["push-tracker", tracker, torrents[tracker]!, "--meta", meta])
                #expect(pushed.status == 0 && pushed.stderr.isEmpty, "\(pushed)")
                let upload = try #require(try fake.uploads.first)
                let fields = FakeTracker.fields(of: upload)
                #expect(fields["type"] == ["0"])
                #expect(fields["artists[]"] == ["Fixture Artist", "Guest Singer"] && fields["importance[]"] == ["1", "2"])
                #expect(fields["title"] == ["Fixture Album"] && fields["year"] == ["2019"] && fields["releasetype"] == ["1"])
                #expect(fields["tags"] == ["electronic"] && fields["album_desc"]?.first?.contains("[b]Tracklist[/b]") == true)
                #expect(fields["remaster_year"] == ["2019"] && fields["remaster_record_label"] == ["Fixture Records"] && fields["remaster_catalogue_number"] == ["FIX-001"])
                #expect(fields["format"] == ["FLAC"] && fields["bitrate"] == ["Lossless"] && fields["media"] == ["CD"])
                // The per-site differences.
                // Both: without `remaster` the edition is dropped (WhatCD/Gazelle and OPSnet/Gazelle upload_handle.php).
                #expect(fields["remaster"] == ["1"])
                #expect(fields["workaround_broken_html_entities"] == (tracker == "ops" ? ["0"] : nil))
                #expect(upload["authorization"] as? String == (tracker == "red" ? "fake-api-key" : "token fake-api-key"))
                let files = upload["files"] as! [[String: Any]]
                #expect(files.map { $0["name"] as! String } == ["file_input", "logfiles[]"])
                #expect(files[0]["filename"] as? String == "Fixture Artist - Fixture Album (2019) [FLAC].torrent")
                #expect(files[1]["text"] as? String == "Exact Audio Copy V1.6 log of Fixture Album")
                #expect(upload["announce"] as? String == "\(fake.url)/\(fake.passkey)/announce")
                // The site's infohash is mkt's: source and private flag were right.
                let receipt = try world.object(pushed.line)
                #expect(upload["siteInfohash"] as? String == receipt["infohash"] as? String)
                #expect(receipt["outcome"] as? String == "success" && receipt["rewritten"] as? Bool == false)
                #expect(receipt["siteTorrentID"] as? Int == upload["torrentId"] as? Int)
                #expect(receipt["url"] as? String == "\(fake.url)/torrents.php?id=\(upload["groupId"]!)&torrentid=\(upload["torrentId"]!)")
                #expect(receipt["requests"] as? Int == 3)  // index, browse, upload
            }
        }
    }

    /// A site whose answer quotes a secret (here it forces a source flag equal
    /// to the passkey) has the torrent all the same: the upload is recorded,
    /// the secret is not, and the next push knows the site has it.
    @Test func aSecretInTheSitesAnswerDoesNotLoseTheRecord() throws {
        try withTemporaryDirectory { directory in
            let red = try FakeTracker(site: "red", extra: ["--rate", "100/10"])
            let world = try TrackerWorld(directory)
            try world.appendConfig(red.configSection(extra: ["rate-limit": "100/10s"]))
            try red.faults(["site_source": red.passkey])
            let release = try WorkflowJourneyTests.addAlbums(1, to: world)[0]
            let pushed = try world.mkt(["push", "red", release, "--no-seed"])
            #expect(pushed.status == 0 && pushed.stdout.contains("red \(release): success"), "\(pushed)")
            let receipt = try world.object(try world.mkt(["rev-parse", "refs/trackers/red/\(release)"]).line)
            #expect((receipt["warnings"] as? [String])?.contains { $0.contains("holds one of your secrets") } == true, "\(receipt)")
            #expect(try red.uploads.count == 1)
            let again = try world.mkt(["push", "red", release, "--no-seed"])
            #expect(again.stdout.contains("up to date") || again.stdout.contains("success"), "\(again)")
            #expect(try red.uploads.count == 1, "nothing is sent twice")
            let fsck = try world.mkt(["fsck"])
            #expect(fsck.status == 0, "\(fsck)")
        }
    }

    /// The upload went through but the record of it cannot be written (here
    /// the ref's reflog is in the way; on a full disk the same): the line says
    /// so, and the next push records it without sending anything again.
    @Test func anUploadThatCannotBeRecordedIsRecordedLater() throws {
        try withTemporaryDirectory { directory in
            let red = try FakeTracker(site: "red", extra: ["--rate", "100/10"])
            let world = try TrackerWorld(directory)
            try world.appendConfig(red.configSection(extra: ["rate-limit": "100/10s"]))
            let release = try WorkflowJourneyTests.addAlbums(1, to: world)[0]
            let reflog = "\(directory)/.mkt/logs/refs/trackers/red/\(release)"
            try FileManager.default.createDirectory(atPath: reflog, withIntermediateDirectories: true)
            let pushed = try world.mkt(["push", "red", release, "--no-seed"])
            #expect(pushed.status == 1 && pushed.stdout.contains("red \(release): success") && pushed.stdout.contains("but mkt could not record it"), "\(pushed)")
            #expect(!pushed.stdout.contains("refused (local)"), "\(pushed)")
            try FileManager.default.removeItem(atPath: reflog)
            let recorded = try world.mkt(["push", "--queue", "--no-seed"])
            #expect(recorded.status == 0 && recorded.stdout.contains("red \(release): success"), "\(recorded)")
            #expect(try red.uploads.count == 1, "nothing was sent again")
            #expect(try world.mkt(["queue"]).stdout.isEmpty)
            #expect(try world.mkt(["push", "red", release, "--no-seed"]).stdout.contains("up to date"))
        }
    }

    /// A job file whose release or tracker climbs out of the queue
    /// (`../../../../elsewhere/x`) is named once as damaged and skipped: no
    /// file appears outside the store and the site is never asked.
    @Test func aQueuedJobNamingAPathOutsideTheStoreIsSkipped() throws {
        try withTemporaryDirectory { directory in
            let red = try FakeTracker(site: "red")
            let world = try TrackerWorld(directory)
            try world.appendConfig(red.configSection())
            let (meta, torrents) = try world.release(trackers: ["red": ""])
            let elsewhere = "elsewhere-\(UUID().uuidString)"
            let outside = ((directory as NSString).deletingLastPathComponent as NSString).appendingPathComponent(elsewhere)
            defer { try? FileManager.default.removeItem(atPath: outside) }
            for (tracker, release) in [("red", "../../../../\(elsewhere)/x"), ("../../../../\(elsewhere)", "x")] {
                let job: [String: Any] = [
                    "tracker": tracker, "release": release, "meta": meta, "torrent": torrents["red"]!, "state": "pending", "priority": 0, "queued": 1,
                ]
                try FileManager.default.createDirectory(atPath: "\(directory)/.mkt/queue/red", withIntermediateDirectories: true)
                try JSONSerialization.data(withJSONObject: job).write(to: URL(fileURLWithPath: "\(directory)/.mkt/queue/red/x.json"))
                let pushed = try world.mkt(["push", "--queue"])
                let warnings = pushed.stderr.split(separator: "\n").filter { $0.hasPrefix("warning: ") }
                #expect(warnings.count == 1 && warnings[0].contains(".mkt/queue/red/x.json: damaged: it names"), "\(pushed)")
                #expect(pushed.stdout.isEmpty, "\(pushed)")
                #expect(!FileManager.default.fileExists(atPath: outside), "\(tracker) \(release)")
                #expect(try red.requests.isEmpty)
                #expect(try world.mkt(["queue"]).stderr.split(separator: "\n").count == 1)
            }
        }
    }

    /// A Gazelle site mkt does not know, with its own release-type numbers,
    /// is one config section: its form carries its own ids and source flag.
    @Test func aNewGazelleSiteIsOneConfigSection() throws {
        try withTemporaryDirectory { directory in
            let site = try FakeTracker(site: "ops", extra: ["--source", "EXM"])
            let world = try TrackerWorld(directory)
            try world.appendConfig(site.configSection(name: "exm", extra: ["family": "ops", "source": "EXM", "release-types": "Album=13, EP=5, Single=9"]))
            let (meta, torrents) = try world.release(media: "WEB", trackers: ["exm": ""])
            let pushed = try world.mkt(["push-tracker", "exm", try #require(torrents["exm"]), "--meta", meta])
            #expect(pushed.status == 0, "\(pushed)")
            let upload = try #require(try site.uploads.first)
            #expect(FakeTracker.fields(of: upload)["releasetype"] == ["13"], "the site's own number for Album, not OPS's 1")
            #expect(try world.object(pushed.line)["outcome"] as? String == "success")
        }
    }

    /// The connection drops after the site took the upload: the receipt says
    /// outcome-unknown; the next attempt looks the torrent up and finds it.
    @Test func aDroppedAnswerIsRecoveredByLookup() throws {
        try withTemporaryDirectory { directory in
            let red = try FakeTracker(site: "red")
            let world = try TrackerWorld(directory)
            try world.appendConfig(red.configSection())
            let (meta, torrents) = try world.release(trackers: ["red": ""])
            try red.faults(["drop_after_commit": 1])
            let first = try world.mkt(["push-tracker", "red", torrents["red"]!, "--meta", meta])
            #expect(first.status == 1)
            #expect(first.stderr.hasPrefix("error: red: outcome-unknown (network): 127.0.0.1: "), "\(first)")
            let unknown = try world.object(first.line)
            #expect(unknown["outcome"] as? String == "outcome-unknown" && unknown["attempt"] as? Int == 1)
            let second = try world.mkt(["push-tracker", "red", torrents["red"]!, "--meta", meta, "--previous", first.line])
            #expect(second.status == 0, "\(second)")
            let recovered = try world.object(second.line)
            #expect(recovered["outcome"] as? String == "recovered" && recovered["previous"] as? String == first.line && recovered["attempt"] as? Int == 2)
            #expect(recovered["requests"] as? Int == 1)  // the lookup alone
            #expect(try red.torrents.count == 1)
            #expect(recovered["siteTorrentID"] as? Int == (try red.torrents[0]["id"] as? Int))
        }
    }

    /// 503s are retried after a jittered pause, each attempt its own receipt,
    /// each retry after a lookup; a refused key is not retried at all.
    @Test func serverErrorsAreRetriedAndRefusalsAreNot() throws {
        try withTemporaryDirectory { directory in
            // Nine requests: a wider window than OPS's 5 per 10 s keeps the test quick.
            let ops = try FakeTracker(site: "ops", extra: ["--rate", "20/10"])
            let world = try TrackerWorld(directory)
            try world.appendConfig(ops.configSection(extra: ["rate-limit": "20/10s"]))
            let (meta, torrents) = try world.release(trackers: ["ops": ""])
            try ops.faults(["fail": ["status": 503, "count": 2, "actions": ["upload"]]])
            let pushed = try world.mkt(["push-tracker", "ops", torrents["ops"]!, "--meta", meta, "--retries", "3"])
            #expect(pushed.status == 0, "\(pushed)")
            let retries = pushed.stderr.split(separator: "\n")
            #expect(retries.count == 2 && retries.allSatisfy { $0.contains("outcome-unknown (server): 127.0.0.1 answered HTTP 503; the upload may or may not have been taken; trying again in ") })
            var chain: [[String: Any]] = [try world.object(pushed.line)]
            while let previous = chain.last!["previous"] as? String { chain.append(try world.object(previous)) }
            #expect(chain.map { $0["outcome"] as! String } == ["success", "outcome-unknown", "outcome-unknown"])
            #expect(chain.map { $0["httpStatus"] as? Int } == [nil, 503, 503])
            let actions = try ops.requests.map { $0["action"] as! String }
            // The passkey is asked for once per process; each retry first looks the torrent up.
            #expect(actions == ["index", "browse", "upload", "torrent", "browse", "upload", "torrent", "browse", "upload"])
            #expect(try ops.torrents.count == 1)

            // A bad key: one request, one receipt, no retry.
            try world.useHelper(answering: "wrong-key")
            let refused = try world.mkt(["push-tracker", "ops", torrents["ops"]!, "--meta", meta, "--retries", "3"])
            #expect(refused.status == 1)
            #expect(refused.stderr == "error: ops: rejected (auth): 127.0.0.1: invalid token\n", "\(refused)")
            #expect(try world.object(refused.line)["previous"] == nil)
            #expect(try ops.requests.count == actions.count + 1)
        }
    }

    /// A 429 (RED) or a rate-limit answer with status 200 (OPS) on a lookup is
    /// waited out and the lookup sent again, within the same attempt.
    @Test(arguments: ["red", "ops"])
    func rateLimitAnswersAreWaitedOut(site: String) throws {
        try withTemporaryDirectory { directory in
            let fake = try FakeTracker(site: site)
            let world = try TrackerWorld(directory)
            try world.appendConfig(fake.configSection())
            let (meta, torrents) = try world.release(trackers: [site: ""])
            try fake.faults(["rate_limited": 1, "retry_after": "1"])
            let pushed = try world.mkt(["push-tracker", site, torrents[site]!, "--meta", meta])
            #expect(pushed.status == 0, "\(pushed)")
            let receipt = try world.object(pushed.line)
            #expect(receipt["requests"] as? Int == 4)
            #expect((receipt["rateLimitWaitMilliseconds"] as? Int ?? 0) >= 900)
            #expect(try fake.requests.map { $0["rateLimited"] as! Bool } == [true, false, false, false])
        }
    }

    /// Two processes pushing to one account never send more than the limit
    /// in any window (10 requests per 2 s here, RED's 10 per 10 s made short).
    @Test func concurrentProcessesShareOneRateLimit() throws {
        try withTemporaryDirectory { directory in
            let red = try FakeTracker(site: "red", extra: ["--rate", "10/2"])
            let world = try TrackerWorld(directory)
            try world.appendConfig(red.configSection(extra: ["rate-limit": "10/2s"]))
            var jobs: [String] = []
            for number in 1...8 {
                let (meta, torrents) = try world.release("Album \(number)", trackers: ["red": ""])
                jobs.append("mkt push-tracker red \(torrents["red"]!) --meta \(meta) >/dev/null || echo failed")
            }
            let environment = "export XDG_STATE_HOME='\(directory)/state'; "
            let first = try MKTProcess.startShell(environment + jobs[0..<4].joined(separator: "; "), in: directory)
            let second = try MKTProcess.startShell(environment + jobs[4...].joined(separator: "; "), in: directory)
            for shell in [try first.finish(), try second.finish()] {
                #expect(shell.stdout.isEmpty, "\(shell)")
            }
            let requests = try red.requests
            #expect(requests.count == 24 && requests.allSatisfy { $0["rateLimited"] as? Bool == false })
            // Arrival times carry a little network jitter: windows are checked 50 ms short.
            let times = requests.map { $0["time"] as! Double }.sorted()
            let busiest = times.map { start in times.filter { $0 >= start && $0 < start + 1.95 }.count }.max()!
            #expect(busiest <= 10, "\(busiest) requests in one window")
            #expect(try red.torrents.count == 8)
        }
    }

    /// The site has the group: the torrent joins it. The site has the same
    /// edition in the same encoding: nothing is uploaded.
    @Test func existingGroupsAndDuplicates() throws {
        try withTemporaryDirectory { directory in
            let red = try FakeTracker(site: "red")
            let world = try TrackerWorld(directory)
            try world.appendConfig(red.configSection())
            let (meta, torrents) = try world.release(trackers: ["red": ""])
            let group = try red.addGroup(["artist": "Fixture Artist", "name": "Fixture Album", "year": 2019, "releasetype": 1,
                                          "torrents": [["media": "WEB", "format": "MP3", "encoding": "320", "remasterYear": 2019]]])
            let joined = try world.mkt(["push-tracker", "red", torrents["red"]!, "--meta", meta])
            #expect(joined.status == 0, "\(joined)")
            let fields = FakeTracker.fields(of: try red.uploads[0])
            #expect(fields["groupid"] == [String(group)] && fields["artists[]"] == nil && fields["album_desc"] == nil)
            #expect(try world.object(joined.line)["siteGroupID"] as? Int == group)

            let (otherMeta, otherTorrents) = try world.release("Second Album", trackers: ["red": ""])
            let second = try red.addGroup(["artist": "Fixture Artist", "name": "Second Album", "year": 2019, "releasetype": 1,
                                           "torrents": [["media": "WEB", "format": "FLAC", "encoding": "Lossless", "remasterYear": 2019]]])
            let duplicate = try world.mkt(["push-tracker", "red", otherTorrents["red"]!, "--meta", otherMeta])
            #expect(duplicate.status == 1)
            // Its torrent (the fake's made-up one) is fetched to cross-seed, and does not match.
            #expect(duplicate.stderr.hasPrefix("error: red: rejected (duplicate): 127.0.0.1 already has this edition in FLAC Lossless from WEB in torrent "), "\(duplicate)")
            #expect(duplicate.stderr.contains(", which does not match the local files, so it is not seeded: the torrent is one file, the release a folder \(red.url)/torrents.php?id=\(second)&torrentid="), "\(duplicate)")
            #expect(try red.uploads.count == 1)

            // Pushing the first torrent again: the site has it; success with its ids.
            let again = try world.mkt(["push-tracker", "red", torrents["red"]!, "--meta", meta])
            #expect(again.status == 0, "\(again)")
            let receipt = try world.object(again.line)
            #expect(receipt["message"] as? String == "the torrent was on the site already")
            #expect(receipt["siteTorrentID"] as? Int == (try world.object(joined.line)["siteTorrentID"] as? Int))
        }
    }

    /// OPS forces its own source flag: mkt fetches the site's torrent and
    /// stores it (without announce) next to its own. When the answer to such
    /// an upload is lost, the retry finds the site's torrent by its pieces.
    @Test func aRewrittenTorrentIsFetchedBack() throws {
        try withTemporaryDirectory { directory in
            let ops = try FakeTracker(site: "ops", extra: ["--rate", "30/10"])
            let world = try TrackerWorld(directory)
            try world.appendConfig(ops.configSection(extra: ["rate-limit": "30/10s"]))
            let (meta, torrents) = try world.release(trackers: ["ops": ""])
            try ops.faults(["site_source": "XYZ"])
            let pushed = try world.mkt(["push-tracker", "ops", torrents["ops"]!, "--meta", meta])
            #expect(pushed.status == 0, "\(pushed)")
            let receipt = try world.object(pushed.line)
            #expect(receipt["rewritten"] as? Bool == true)
            #expect(receipt["siteInfohash"] as? String == (try ops.uploads[0]["siteInfohash"] as? String))
            #expect(receipt["siteInfohash"] as? String != receipt["infohash"] as? String)
            let copy = try world.mkt(["cat-file", "-p", receipt["siteTorrent"] as! String])
            #expect(copy.stdout.contains("Source: XYZ") && !copy.stdout.contains(ops.passkey), "\(copy)")
            #expect(try world.mkt(["cat-file", "-t", receipt["siteTorrent"] as! String]).line == "torrent")

            let (other, otherTorrents) = try world.release("Other", trackers: ["ops": ""])
            try ops.faults(["drop_after_commit": 1])
            let recovered = try world.mkt(["push-tracker", "ops", otherTorrents["ops"]!, "--meta", other, "--retries", "1"])
            #expect(recovered.status == 0, "\(recovered)")
            let last = try world.object(recovered.line)
            #expect(last["outcome"] as? String == "recovered" && last["rewritten"] as? Bool == true)
            #expect(last["message"] as? String == "the earlier attempt had reached the site, which changed the torrent")
            #expect(try world.object(last["previous"] as! String)["outcome"] as? String == "outcome-unknown")
            let uploads = try ops.uploads
            #expect(uploads.count == 2)
            #expect(try ops.torrents.count == 2)
            #expect(last["siteInfohash"] as? String == uploads[1]["siteInfohash"] as? String)
            #expect(last["siteTorrentID"] as? Int == uploads[1]["torrentId"] as? Int)
            #expect(try world.mkt(["cat-file", "-p", last["siteTorrent"] as! String]).stdout.contains("Source: XYZ"))
        }
    }

    /// RED checks a dry run itself; OPS has none, so mkt stops before the upload.
    @Test func dryRuns() throws {
        try withTemporaryDirectory { directory in
            let red = try FakeTracker(site: "red")
            let ops = try FakeTracker(site: "ops")
            let world = try TrackerWorld(directory)
            try world.appendConfig(red.configSection() + ops.configSection())
            let (meta, torrents) = try world.release(trackers: ["red": "", "ops": ""])
            let redRun = try world.mkt(["push-tracker", "red", torrents["red"]!, "--meta", meta, "--dry-run"])
            #expect(redRun.status == 0, "\(redRun)")
            #expect(try world.object(redRun.line)["outcome"] as? String == "dry-run")
            #expect(FakeTracker.fields(of: try red.uploads[0])["dryrun"] == ["1"])
            #expect(try red.torrents.isEmpty)
            let opsRun = try world.mkt(["push-tracker", "ops", torrents["ops"]!, "--meta", meta, "--dry-run"])
            #expect(opsRun.status == 0, "\(opsRun)")
            #expect(try ops.requests.map { $0["action"] as! String } == ["index", "browse"])
        }
    }

    /// Form errors name the field; what mkt can tell before asking costs no request.
    @Test func validationErrors() throws {
        try withTemporaryDirectory { directory in
            let red = try FakeTracker(site: "red")
            let world = try TrackerWorld(directory)
            try world.appendConfig(red.configSection())
            let (meta, torrents) = try world.release(trackers: ["red": ""])
            try red.faults(["validation": "You must enter at least one tag. Maximum length is 200 characters."])
            let refused = try world.mkt(["push-tracker", "red", torrents["red"]!, "--meta", meta, "--retries", "2"])
            #expect(refused.status == 1)
            #expect(refused.stderr == "error: red: rejected (validation): 127.0.0.1: You must enter at least one tag. Maximum length is 200 characters.\n")
            let receipt = try world.object(refused.line)
            #expect(receipt["field"] as? String == "tags" && receipt["httpStatus"] as? Int == 400 && receipt["previous"] == nil)

            let (sampler, samplerTorrents) = try world.release("Sampler", trackers: ["red": ""])
            _ = sampler
            let wrongTorrent = try world.mkt(["push-tracker", "red", samplerTorrents["red"]!, "--meta", "nonexistent"])
            #expect(wrongTorrent.status == 1 && wrongTorrent.stderr.hasPrefix("error: "), "\(wrongTorrent)")
            let before = try red.requests.count
            let opsTorrent = try world.mkt(["make-torrent", "--release", meta, "--source", "OPS", "-w"]).line
            let wrongSource = try world.mkt(["push-tracker", "red", opsTorrent, "--meta", meta])
            #expect(wrongSource.stderr == "error: red: rejected (local): torrent \(opsTorrent) is not a private v1 torrent with source RED; build it with make-torrent --tracker red\n", "\(wrongSource)")
            #expect(try red.requests.count == before)
        }
    }

    /// DIC: the web form with a session cookie and the form's authkey.
    @Test func dicTakesTheWebForm() throws {
        try withTemporaryDirectory { directory in
            let dic = try FakeTracker(site: "dic")
            let world = try TrackerWorld(directory)
            try world.appendConfig(dic.configSection())
            let (meta, torrents) = try world.release(trackers: ["dic": ""])
            let pushed = try world.mkt(["push-tracker", "dic", torrents["dic"]!, "--meta", meta])
            #expect(pushed.status == 0, "\(pushed)")
            let upload = try dic.uploads[0]
            #expect(upload["cookie"] as? String == "session=fake-api-key")
            #expect(FakeTracker.fields(of: upload)["auth"] == ["fakeauthkey00000000000000000000"])
            let receipt = try world.object(pushed.line)
            #expect(receipt["url"] as? String == "\(dic.url)/torrents.php?id=\(upload["groupId"]!)&torrentid=\(upload["torrentId"]!)")

            let (otherMeta, otherTorrents) = try world.release("Other", trackers: ["dic": ""])
            try dic.faults(["validation": "Please select a valid media."])
            let refused = try world.mkt(["push-tracker", "dic", otherTorrents["dic"]!, "--meta", otherMeta])
            #expect(refused.stderr == "error: dic: rejected (validation): 127.0.0.1: Please select a valid media.\n", "\(refused)")
            #expect(try world.object(refused.line)["field"] as? String == "media")
            try world.useHelper(answering: "stale")
            let loggedOut = try world.mkt(["push-tracker", "dic", otherTorrents["dic"]!, "--meta", otherMeta])
            #expect(loggedOut.stderr == "error: dic: rejected (auth): 127.0.0.1 sent mkt to its login page: the session cookie is not valid\n", "\(loggedOut)")
        }
    }

    /// UNIT3D: Bearer token, ids from the config, per-field errors, and the
    /// site's own torrent always fetched back (kept when the site changed it).
    @Test func unit3dSites() throws {
        try withTemporaryDirectory { directory in
            let site = try FakeTracker(site: "unit3d", extra: ["--source", "seedpool.org"])
            let world = try TrackerWorld(directory)
            try world.appendConfig(site.configSection(name: "seedpool", extra: ["family": "unit3d", "source": "seedpool.org", "category-id": "5", "type-id": "7"]))
            let (meta, torrents) = try world.release(trackers: ["seedpool": ""])
            let pushed = try world.mkt(["push-tracker", "seedpool", torrents["seedpool"]!, "--meta", meta])
            #expect(pushed.status == 0, "\(pushed)")
            let upload = try site.uploads[0]
            let fields = FakeTracker.fields(of: upload)
            #expect(upload["authorization"] as? String == "Bearer fake-api-key")
            #expect(fields["category_id"] == ["5"] && fields["type_id"] == ["7"] && fields["name"] == ["Fixture Artist - Fixture Album (2019) [FLAC]"])
            #expect(fields["imdb"] == ["0"] && fields["anonymous"] == ["0"] && fields["description"]?.first?.contains("[b]Tracklist[/b]") == true)
            #expect(upload["announce"] is NSNull)
            let receipt = try world.object(pushed.line)
            #expect(receipt["rewritten"] as? Bool == false && receipt["siteInfohash"] as? String == receipt["infohash"] as? String)
            #expect(receipt["url"] as? String == "\(site.url)/torrents/\(upload["torrentId"]!)")
            #expect(try site.requests.map { $0["path"] as! String } == ["/api/torrents/upload", "/torrent/download/\(upload["torrentId"]!).fakersskey00000000000000000000000"])

            // Sent again: "already taken", found by infohash, success.
            let again = try world.mkt(["push-tracker", "seedpool", torrents["seedpool"]!, "--meta", meta])
            #expect(again.status == 0, "\(again)")
            #expect(try world.object(again.line)["message"] as? String == "the torrent was on the site already")

            // A site whose flag is not the configured one rewrites the torrent.
            let (other, otherTorrents) = try world.release("Other", trackers: ["seedpool": ""])
            try site.faults(["site_source": "UNIT3D"])
            let rewritten = try world.mkt(["push-tracker", "seedpool", otherTorrents["seedpool"]!, "--meta", other])
            let copy = try world.object(rewritten.line)
            #expect(copy["rewritten"] as? Bool == true && copy["siteTorrent"] != nil, "\(rewritten)")
            #expect(try world.mkt(["cat-file", "-p", copy["siteTorrent"] as! String]).stdout.contains("Source: UNIT3D"))

            try site.faults(["validation": "The description field is required."])
            let (third, thirdTorrents) = try world.release("Third", trackers: ["seedpool": ""])
            let refused = try world.mkt(["push-tracker", "seedpool", thirdTorrents["seedpool"]!, "--meta", third])
            #expect(refused.status == 1)
            #expect(refused.stderr == "error: seedpool: rejected (validation): 127.0.0.1: name: The description field is required.\n", "\(refused)")
            #expect(try world.object(refused.line)["httpStatus"] as? Int == 404)
        }
    }
}

extension TrackerJourneyTests {
    /// Hostile tracker answers: an HTML page where JSON
    /// was due, a 302 to the login page, a 100 MB body, invalid UTF-8, a
    /// failure in a 200: each attempt ends in one line naming the site and
    /// what went wrong, a receipt with its category, and no trap.
    @Test(arguments: [
        ("html-500", #"{"status": 500, "body": "<html><body><h1>Internal Server Error</h1></body></html>"}"#, "outcome-unknown", "server"),
        ("html-200", #"{"status": 200, "body": "<!DOCTYPE html><html><title>Maintenance</title></html>"}"#, "outcome-unknown", "outcome-unknown"),
        ("login", #"{"status": 302, "body": "", "headers": [["Location", "login.php"]]}"#, "rejected", "auth"),
        ("huge", #"{"status": 200, "body": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "repeat": 1000000}"#, "outcome-unknown", "network"),
        ("bad-utf8", #"{"status": 200, "body_hex": "7b22737461747573223a226661696c757265222c226572726f72223a22626164202dfffe2d227d", "content_type": "application/json"}"#, "rejected", "validation"),
    ])
    func hostileAnswers(name: String, answer: String, outcome: String, category: String) throws {
        try withTemporaryDirectory { directory in
            let red = try FakeTracker(site: "red")
            let world = try TrackerWorld(directory)
            try world.appendConfig(red.configSection())
            let (meta, torrents) = try world.release(trackers: ["red": ""])
            var fault = try JSONSerialization.jsonObject(with: Data(answer.utf8)) as! [String: Any]
            fault["actions"] = ["upload"]
            try red.faults(["answer": fault])
            let pushed = try world.mkt(["push-tracker", "red", torrents["red"]!, "--meta", meta, "--retries", "0"])
            #expect(pushed.status == 1, "\(name): \(pushed)")
            #expect(pushed.stderr.hasPrefix("error: red: ") && pushed.stderr.split(separator: "\n").count == 1, "\(name): \(pushed)")
            let receipt = try world.object(pushed.line)
            #expect(receipt["outcome"] as? String == outcome && receipt["category"] as? String == category, "\(name): \(receipt)")
            if name == "bad-utf8" { #expect(pushed.stderr.contains("bad -\u{FFFD}\u{FFFD}-"), "\(pushed)") }
        }
    }
}

/// The secrets' whole journey: from the encrypted store to the fake sites.
@Suite(.enabled(if: AudioFixtures.available && FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"), "the audio tools or curl are missing (scripts/apt-deps.sh test installs them)"))
struct TrackerCanaryTests {
    static let apiKey = CredentialJourneyTests.apiKeyCanary
    static let passkey = CredentialJourneyTests.passkeyCanary

    /// Canary secrets through a success after a 503, a 429, a dropped answer
    /// with a rewritten torrent fetched back, a timeout, a push of a torrent
    /// the site has, a dry run, a refusal, a failing pre-push hook that
    /// prints its environment and input, and a push killed midway then
    /// resumed: the sites see them only in the Authorization header and the
    /// announce URL; the store, the rate-limit state, stdout and stderr never
    /// hold them in any encoding.
    @Test func canariesReachOnlyTheAuthorizationHeaderAndTheAnnounce() throws {
        try withTemporaryDirectory { directory in
            let red = try FakeTracker(site: "red", apiKey: Self.apiKey, passkey: Self.passkey, extra: ["--rate", "30/10"])
            let ops = try FakeTracker(site: "ops", apiKey: Self.apiKey, passkey: Self.passkey, extra: ["--rate", "30/10"])
            var world = try TrackerWorld(directory, credentialHelper: false)
            world.environment["MKT_CREDENTIALS"] = "\(directory)/config/mkt/credentials"
            world.environment["MKT_PASSWORD"] = "master password"
            try world.appendConfig(red.configSection(extra: ["rate-limit": "30/10s"]) + ops.configSection(extra: ["rate-limit": "30/10s", "timeout": "1s"]) + "[push]\n    backoff = 0.05\n")
            var outputs: [MKTResult] = []
            func mkt(_ arguments: [String], stdin: String? = nil) throws -> MKTResult {
                let result = try world.mkt(arguments, stdin: stdin.map { Data($0.utf8) })
                outputs.append(result)
                return result
            }
            for tracker in ["red", "ops"] {
                #expect(try mkt(["credential", "set", tracker], stdin: Self.apiKey).status == 0)
            }
            let (meta, torrents) = try world.release(trackers: ["red": "", "ops": ""])

            try red.faults(["fail": ["status": 503, "count": 1, "actions": ["upload"]]])
            let afterRetry = try mkt(["push-tracker", "red", torrents["red"]!, "--meta", meta, "--retries", "2"])
            #expect(afterRetry.status == 0, "\(afterRetry)")
            #expect(try mkt(["push-tracker", "red", torrents["red"]!, "--meta", meta]).status == 0)
            #expect(try mkt(["push-tracker", "red", torrents["red"]!, "--meta", meta, "--dry-run"]).status == 0)
            try red.faults(["rate_limited": 1, "retry_after": "1"])
            #expect(try mkt(["push-tracker", "red", torrents["red"]!, "--meta", meta]).status == 0)

            try ops.faults(["site_source": "OPS-SITE", "drop_after_commit": 1])
            let recovered = try mkt(["push-tracker", "ops", torrents["ops"]!, "--meta", meta, "--retries", "2"])
            #expect(recovered.status == 0, "\(recovered)")
            #expect(try world.object(recovered.line)["rewritten"] as? Bool == true)
            let (other, otherTorrents) = try world.release("Other", trackers: ["ops": ""])
            try ops.faults(["validation": "The release year is invalid."])
            #expect(try mkt(["push-tracker", "ops", otherTorrents["ops"]!, "--meta", other]).status == 1)
            #expect(try mkt(["cat-file", "-p", try world.object(recovered.line)["siteTorrent"] as! String]).status == 0)

            // A site slower than the configured second: the attempt times out.
            try ops.faults(["validation": NSNull(), "slow": 2])
            let (late, lateTorrents) = try world.release("Late", trackers: ["ops": ""])
            let timedOut = try mkt(["push-tracker", "ops", lateTorrents["ops"]!, "--meta", late, "--retries", "0"])
            #expect(timedOut.status == 1 && timedOut.stderr.contains("no answer in time"), "\(timedOut)")
            try ops.faults(["slow": NSNull()])

            // The porcelain: a pre-push hook that fails after printing all it can see, then a push killed midway, then resumed.
            let album = try WorkflowJourneyTests.addAlbums(1, to: world)[0]
            let hook = "\(directory)/.mkt/hooks/pre-push"
            try writeFile(hook, "#!/bin/sh\nenv >&2\ncat >&2\necho \"$@\" >&2\nexit 1\n")
            chmod(hook, 0o755)
            #expect(try mkt(["push", "red", album]).status == 1)
            unlink(hook)
            let killed = try world.mkt(["push", "red", album], environment: ["MKT_TEST_CRASH_POINT": "after-rename"])
            outputs.append(killed)
            #expect(killed.status == 137, "\(killed)")
            let resumed = try mkt(["push", "--queue"])
            #expect(resumed.status == 0, "\(resumed)")
            #expect(try mkt(["log", album]).status == 0)
            #expect(outputs.count == 14)

            for fake in [red, ops] {
                let uploads = try fake.uploads
                #expect(uploads.count >= 2)
                for upload in uploads {
                    // Positive controls: the secrets did travel, where they must.
                    #expect((upload["authorization"] as? String)?.hasSuffix(Self.apiKey) == true)
                    let announce = upload["announce"] as? String ?? ""
                    #expect(announce.contains(Self.passkey))
                    var elsewhere = upload
                    elsewhere["authorization"] = nil
                    elsewhere["announce"] = nil
                    if var files = elsewhere["files"] as? [[String: Any]] {
                        for index in files.indices {
                            files[index]["text"] = (files[index]["text"] as? String)?.replacingOccurrences(of: announce, with: "")
                        }
                        elsewhere["files"] = files
                    }
                    let rest = try JSONSerialization.data(withJSONObject: elsewhere)
                    #expect(!leaks(rest, "upload to \(fake.site)"))
                }
                for request in try fake.requests {
                    let headers = (request["headers"] as! [[String]]).filter { $0[0].lowercased() != "authorization" }
                    #expect(!leaks(try JSONSerialization.data(withJSONObject: headers), "headers to \(fake.site)"))
                    #expect(!leaks(Data((request["target"] as! String).utf8), "request line to \(fake.site)"))
                }
            }
            for (index, output) in outputs.enumerated() {
                #expect(!leaks(output.stdoutData, "stdout of run \(index)"))
                #expect(!leaks(Data(output.stderr.utf8), "stderr of run \(index): \(output.stderr)"))
            }
            for folder in [".mkt", "state"] {
                let files = FileManager.default.enumerator(atPath: "\(directory)/\(folder)")!.compactMap { $0 as? String }
                #expect(files.count > 3)
                for file in files {
                    if let data = FileManager.default.contents(atPath: "\(directory)/\(folder)/\(file)") {
                        #expect(!leaks(data, "\(folder)/\(file)"))
                    }
                }
            }
        }
    }

    private func leaks(_ data: Data, _ place: String) -> Bool {
        let found = [Self.apiKey, Self.passkey].filter { CredentialJourneyTests.leaks(data, of: $0) }
        if !found.isEmpty { Issue.record("a canary in \(place)") }
        return !found.isEmpty
    }
}
