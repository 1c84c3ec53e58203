import Foundation
import MKTTestSupport
import Testing

/// `mkt add`, `push`, `queue`, `status` and `log` as a user runs them, with
/// real audio and fake trackers.
@Suite(.enabled(if: AudioFixtures.available && FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"), "the audio encoders, mutagen or curl are missing (scripts/apt-deps.sh test installs them)"))
struct WorkflowJourneyTests {
    /// Copies of the FLAC fixture album, one folder and title per release, added with `mkt add`.
    static func addAlbums(_ count: Int, to world: TrackerWorld, media: String = "WEB") throws -> [String] {
        let fixture = "\(try AudioFixtures.directory.get())/Fixture Artist - Fixture Album (2019) [FLAC]"
        return try (1...count).map { number in
            let folder = "\(world.directory)/music/Fixture Artist - Album \(number) (2019) [FLAC]"
            try FileManager.default.createDirectory(atPath: "\(world.directory)/music", withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: fixture, toPath: folder)
            let added = try world.mkt(["add", folder, "--meta", "title=Album \(number)", "--meta", "media=\(media)"])
            #expect(added.status == 0, "\(added)")
            return "fixture-artist-album-\(number)-2019-flac"
        }
    }

    /// Three fakes with room for a quick test (the real limits are the rate-limit tests' business).
    static func fakes(_ world: TrackerWorld) throws -> [FakeTracker] {
        let trackers = [
            try FakeTracker(site: "red", extra: ["--rate", "100/10"]),
            try FakeTracker(site: "ops", extra: ["--rate", "100/10"]),
            try FakeTracker(site: "unit3d", extra: ["--rate", "100/10", "--source", "seedpool"]),
        ]
        try world.appendConfig(trackers[0].configSection(extra: ["rate-limit": "100/10s"]))
        try world.appendConfig(trackers[1].configSection(extra: ["rate-limit": "100/10s"]))
        try world.appendConfig(trackers[2].configSection(name: "seedpool", extra: ["family": "unit3d", "source": "seedpool", "category-id": "1", "type-id": "1", "rate-limit": "100/10s"]))
        return trackers
    }

    /// Ten releases to three trackers in one push, with a 503, a lost answer
    /// and a rate-limit answer on the way: every pair ends uploaded, once,
    /// and `mkt status` and `mkt log` tell what the sites recorded.
    @Test func tenReleasesToThreeTrackers() throws {
        try withTemporaryDirectory { directory in
            let world = try TrackerWorld(directory)
            let (red, ops, seedpool) = try { let all = try Self.fakes(world); return (all[0], all[1], all[2]) }()
            let releases = try Self.addAlbums(10, to: world)
            let again = try world.mkt(["add", "\(directory)/music/Fixture Artist - Album 1 (2019) [FLAC]"])
            #expect(again.stdout == "unchanged fixture-artist-album-1-2019-flac\n", "\(again)")

            try red.faults(["fail": ["status": 503, "count": 1, "actions": ["upload"]]])
            try ops.faults(["drop_after_commit": 1])
            try seedpool.faults(["rate_limited": 1, "retry_after": "1"])
            let pushed = try world.mkt(["push", "red", "ops", "seedpool"])
            #expect(pushed.status == 0, "\(pushed)")
            let lines = pushed.stdout.split(separator: "\n")
            #expect(lines.count == 30)
            #expect(lines.allSatisfy { $0.contains(": success: http://127.0.0.1:") || $0.contains(": recovered: the earlier attempt had reached the site") }, "\(pushed)")

            for fake in [red, ops, seedpool] {
                let torrents = try fake.torrents
                #expect(torrents.count == 10, "\(fake.site)")
                #expect(Set(torrents.map { $0["infohash"] as! String }).count == 10)
            }
            let status = try world.mkt(["status"]).stdout
            #expect(status.components(separatedBy: "  uploaded  http://127.0.0.1:").count - 1 == 30, "\(status)")
            #expect(try world.mkt(["queue"]).stdout.isEmpty)

            // The log holds every attempt: 30 that ended well, the 503 and the
            // lost answer (outcome unknown), and the upload the site refused for its rate limit.
            let log = try JSONSerialization.jsonObject(with: try world.mkt(["log", "--json"]).stdoutData) as! [[String: Any]]
            #expect(log.count == 33)
            #expect(log.filter { $0["outcome"] as? String == "outcome-unknown" }.map { $0["tracker"] as! String }.sorted() == ["ops", "red"])
            #expect(log.filter { $0["outcome"] as? String == "failed" }.map { "\($0["tracker"]!) \($0["category"]!)" } == ["seedpool rate-limit"])
            for (tracker, fake) in [("red", red), ("ops", ops), ("seedpool", seedpool)] {
                let ids = Set(try fake.torrents.map { $0["id"] as! Int })
                let logged = Set(log.filter { $0["tracker"] as? String == tracker && ["success", "recovered"].contains($0["outcome"] as? String) }.compactMap { $0["siteTorrentID"] as? Int })
                #expect(logged == ids, "\(tracker)")
            }
            // With -n, the chains are merged lazily: the same newest receipts.
            let newest = try JSONSerialization.jsonObject(with: try world.mkt(["log", "--json", "-n", "7"]).stdoutData) as! [[String: Any]]
            #expect(newest.map { $0["id"] as! String } == log.prefix(7).map { $0["id"] as! String })

            // `mkt stats` counts the same attempts.
            let stats = try JSONSerialization.jsonObject(with: try world.mkt(["stats", "--json", "--html", "\(directory)/stats.html"]).stdoutData) as! [[String: Any]]
            #expect(stats.map { $0["tracker"] as! String } == ["ops", "red", "seedpool"])
            for item in stats {
                let tracker = item["tracker"] as! String
                let attempts = log.filter { $0["tracker"] as? String == tracker }.count
                #expect(item["attempts"] as? Int == attempts && item["releases"] as? Int == 10 && item["uploaded"] as? Int == 10)
                #expect(item["successRate"] as? Double == 1)
                #expect((item["errors"] as! [String: Int]).values.reduce(0, +) == attempts - 10)
            }
            let report = try String(contentsOfFile: "\(directory)/stats.html", encoding: .utf8)
            #expect(report.contains("<svg") && report.contains("30 (tracker, release) pairs uploaded, of 10 distinct releases, in 33 attempts to 3 trackers"), "\(report.prefix(2000))")
            #expect(report.contains("Nothing: every upload went through and seeds."), "everything ended well: nothing needs attention")

            let oneline = try world.mkt(["log", "--oneline", "--tracker", "ops", releases[0]]).stdout.split(separator: "\n")
            #expect(oneline.count >= 1 && oneline.allSatisfy { $0.contains(" ops \(releases[0]) ") })

            // Pushing again sends nothing.
            let requestsBefore = try red.requests.count
            let second = try world.mkt(["push", "red"])
            #expect(second.stdout.split(separator: "\n").allSatisfy { $0.hasSuffix(": up to date") })
            #expect(try red.requests.count == requestsBefore)
            #expect(try world.mkt(["fsck"]).status == 0)
        }
    }

    /// scripts/demo.sh, which the install script runs last: the whole job
    /// against the fake trackers.
    @Test func theDemoRuns() throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../scripts/demo.sh").standardized.path
        let demo = try MKTProcess.shell("bash '\(script)' '\(MKTProcess.binary)'", in: "/")
        #expect(demo.status == 0, "\(demo)")
        #expect(demo.stdout.contains("red demo-artist-demo-album-2024-flac: success: http://127.0.0.1:"), "\(demo.stdout)")
        #expect(demo.stdout.contains("ops demo-artist-demo-album-2024-flac: success: http://127.0.0.1:"))
        #expect(demo.stdout.contains("ops demo-artist-demo-album-2024-flac: up to date"))
        // fsck reports on stderr, each push its summary; nothing else may be there.
        #expect(demo.stderr == "2 uploaded\n2 up to date\nchecked 8 objects and 3 refs: ok\n", "\(demo.stderr)")
    }

    /// A pre-push hook that refuses stops everything before any request and
    /// leaves a `rejected` receipt per release saying so (§7 item 27); one
    /// that exits 0 without reading its input lets the push go on.
    @Test func prePushHooks() throws {
        try withTemporaryDirectory { directory in
            let world = try TrackerWorld(directory)
            let red = try FakeTracker(site: "red")
            try world.appendConfig(red.configSection())
            let releases = try Self.addAlbums(2, to: world)
            let hook = "\(directory)/.mkt/hooks/pre-push"
            try writeFile(hook, "#!/bin/sh\necho \"checking $1 $2\"\ncat > \"$MKT_DIR/../hook-input\"\nenv > \"$MKT_DIR/../hook-env\"\nexit 1\n")
            chmod(hook, 0o755)
            let refused = try world.mkt(["push", "red"], environment: ["MKT_PASSWORD": "canary-master-password", "MKT_PASSKEY": "canary-passkey-0123456789"])
            #expect(refused.status == 1)
            #expect(refused.stderr == "checking red \(red.url)\nerror: the pre-push hook refused the push to red (exit status 1); nothing was sent\n", "\(refused)")
            #expect(try red.requests.isEmpty)
            // The hook runs in the store's folder with MKT_DIR, and without mkt's secret variables.
            let hookEnvironment = try String(contentsOfFile: "\(directory)/hook-env", encoding: .utf8)
            #expect(hookEnvironment.contains("MKT_DIR=\(directory)/.mkt\n"))
            #expect(!hookEnvironment.contains("canary") && !hookEnvironment.contains("MKT_PASSWORD") && !hookEnvironment.contains("MKT_PASSKEY"))
            let zeros = String(repeating: "0", count: 64)
            let input = try String(contentsOfFile: "\(directory)/hook-input", encoding: .utf8)
            let metas = try releases.map { try world.mkt(["rev-parse", "refs/releases/\($0)"]).line }
            #expect(input == zip(releases, metas).map { "refs/releases/\($0) \($1) refs/trackers/red/\($0) \(zeros)\n" }.joined())
            #expect(try world.mkt(["queue"]).stdout.isEmpty)
            let refusal = "rejected (local): the pre-push hook refused (exit status 1); nothing was sent"
            #expect(try world.mkt(["status", releases[0]]).stdout == "\(releases[0])\n    red  \(refusal); then: mkt push red \(releases[0])\n")
            let format = ["log", "--format", "%(tracker)/%(release) %(attempt) %(outcome)"]
            #expect(try world.mkt(format + [releases[0]]).stdout == "red/\(releases[0]) 1 rejected\n")

            try writeFile(hook, "#!/bin/sh\nexit 0\n")
            let pushed = try world.mkt(["push", "red"])
            #expect(pushed.status == 0, "\(pushed)")
            #expect(try red.torrents.count == 2)
            #expect(try world.mkt(format + [releases[0]]).stdout == "red/\(releases[0]) 2 success\nred/\(releases[0]) 1 rejected\n")

            // Refused again with nothing new to send: the receipts stand as they are.
            try writeFile(hook, "#!/bin/sh\nexit 3\n")
            let heads = try world.mkt(["for-each-ref", "refs/trackers"]).stdout
            #expect(try world.mkt(["push", "red"]).status == 1)
            #expect(try world.mkt(["for-each-ref", "refs/trackers"]).stdout == heads)

            // A hook others may write to is not run, and mkt says so.
            chmod(hook, 0o777)
            try writeFile(hook, "#!/bin/sh\nexit 1\n")
            chmod(hook, 0o777)
            let skipped = try world.mkt(["push", "red"])
            #expect(skipped.status == 0)
            #expect(skipped.stderr == "hint: \(directory)/.mkt/hooks/pre-push is writable by group or others; it was not run (chmod go-w)\n2 up to date\n", "\(skipped)")

            // A pre-push that is a link to nothing refuses the push: a guard that cannot run must not let it through.
            try FileManager.default.removeItem(atPath: hook)
            try FileManager.default.createSymbolicLink(atPath: hook, withDestinationPath: "\(directory)/no-such-hook")
            let heads2 = try world.mkt(["for-each-ref", "refs/trackers"]).stdout
            let sent = try red.uploads.count
            let dangling = try world.mkt(["push", "red"])
            #expect(dangling.status == 1 && dangling.stderr.hasPrefix("error: \(hook) is a symbolic link that leads nowhere"), "\(dangling)")
            #expect(try red.uploads.count == sent && world.mkt(["for-each-ref", "refs/trackers"]).stdout == heads2)
        }
    }

    /// The sample hooks `mkt init` installs, switched on: pre-push refuses a
    /// release of unknown encoding and a CD rip without its log; post-push
    /// reports each upload.
    @Test func theSampleHooks() throws {
        try withTemporaryDirectory { directory in
            var world = try TrackerWorld(directory)
            let binDirectory = (MKTProcess.binary as NSString).deletingLastPathComponent
            world.environment["PATH"] = "\(binDirectory):\(ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")"
            let red = try FakeTracker(site: "red")
            try world.appendConfig(red.configSection())
            let releases = try Self.addAlbums(3, to: world)
            for hook in ["pre-push", "post-push"] {
                try FileManager.default.copyItem(atPath: "\(directory)/.mkt/hooks/\(hook).sample", toPath: "\(directory)/.mkt/hooks/\(hook)")
                chmod("\(directory)/.mkt/hooks/\(hook)", 0o755)
            }
            #expect(try world.mkt(["edit", releases[1], "--meta", "encoding="]).status == 0)
            try FileManager.default.removeItem(atPath: "\(directory)/music/Fixture Artist - Album 3 (2019) [FLAC]/Fixture Artist - Fixture Album.log")
            let cd = try world.mkt(["add", "\(directory)/music/Fixture Artist - Album 3 (2019) [FLAC]", "--meta", "title=Album 3", "--meta", "media=CD"])
            #expect(cd.status == 0, "\(cd)")
            let refused = try world.mkt(["push", "red"])
            #expect(refused.status == 1)
            let lines = refused.stderr.split(separator: "\n")
            #expect(lines.first == "pre-push: \(releases[1]): the encoding is unknown; set it with: mkt edit \(releases[1]) --meta encoding=...", "\(refused)")
            #expect(lines.dropFirst().first?.hasPrefix("pre-push: \(releases[2]): error: ") == true && lines.dropFirst().first?.contains("log") == true, "\(refused)")
            #expect(try red.requests.isEmpty)

            let pushed = try world.mkt(["push", "red", releases[0]])
            #expect(pushed.status == 0, "\(pushed)")
            #expect(pushed.stderr.hasPrefix("post-push: red \(releases[0]): success \(red.url)/torrents.php?id="), "\(pushed)")
        }
    }

    /// On a terminal, `mkt add` shows what it found and asks only what it
    /// could not tell; Ctrl-C at a question leaves the store as it was.
    @Test(.timeLimit(.minutes(3)))
    func interactiveAdd() throws {
        try withTemporaryDirectory { directory in
            let world = try TrackerWorld(directory)
            let red = try FakeTracker(site: "red")
            try world.appendConfig(red.configSection())
            let folder = "\(directory)/music/Fixture Artist - Fixture Album (2019) [FLAC]"
            try FileManager.default.createDirectory(atPath: "\(directory)/music", withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: "\(try AudioFixtures.directory.get())/Fixture Artist - Fixture Album (2019) [FLAC]", toPath: folder)
            func files() -> [String] {
                FileManager.default.enumerator(atPath: "\(directory)/.mkt")!.compactMap { $0 as? String }.sorted()
            }
            let before = files()
            let interrupted = try Terminal.drive(["add", folder], answering: [("Media (", "^C")], in: directory)
            #expect(interrupted.status == 128 + SIGINT, "\(interrupted)")
            #expect(interrupted.stdout.contains("Fixture Artist - Fixture Album (2019) [FLAC]") && interrupted.stdout.contains("title     Fixture Album"))
            #expect(files() == before)

            let answered = try Terminal.drive(
                ["add", folder], answering: [("Media (", "Tape"), ("Media (", "WEB"), ("Queue for which trackers (red; empty for none): ", "red")], in: directory)
            #expect(answered.status == 0, "\(answered)")
            #expect(answered.stdout.contains("--meta media: 'Tape' is not a media (CD, WEB, "), "\(answered.stdout)")
            #expect(answered.stdout.contains("added fixture-artist-fixture-album-2019-flac\r\n"), "\(answered.stdout)")
            #expect(answered.stdout.contains("queued: 'mkt push --queue' uploads"))
            let meta = try world.object("refs/releases/fixture-artist-fixture-album-2019-flac")
            #expect((meta["description"] as? [String: Any])?["media"] as? String == "WEB")
            #expect(try world.mkt(["status"]).stdout.contains("red  queued"))
            let pushed = try world.mkt(["push", "--queue"])
            #expect(pushed.status == 0 && pushed.stdout.hasPrefix("red fixture-artist-fixture-album-2019-flac: success: "), "\(pushed)")
        }
    }

    /// Jobs queued by `mkt add --tracker`, listed, reordered, cancelled;
    /// a refused upload retried with `mkt push --retry` once the site is fixed.
    @Test func theQueueByHand() throws {
        try withTemporaryDirectory { directory in
            let world = try TrackerWorld(directory)
            let red = try FakeTracker(site: "red", extra: ["--rate", "100/10"])
            try world.appendConfig(red.configSection(extra: ["rate-limit": "100/10s"]))
            let fixture = "\(try AudioFixtures.directory.get())/Fixture Artist - Fixture Album (2019) [FLAC]"
            var names: [String] = []
            for number in 1...3 {
                let folder = "\(directory)/Fixture Artist - Album \(number) (2019) [FLAC]"
                try FileManager.default.copyItem(atPath: fixture, toPath: folder)
                let added = try world.mkt(["add", "-y", folder, "--tracker", "red", "--meta", "title=Album \(number)", "--meta", "media=WEB"])
                #expect(added.status == 0 && added.stdout.hasSuffix("queued: 'mkt push --queue' uploads (see 'mkt queue')\n"), "\(added)")
                names.append("fixture-artist-album-\(number)-2019-flac")
            }
            #expect(try red.requests.isEmpty)
            func queue() throws -> [String] { try world.mkt(["queue"]).stdout.split(separator: "\n").map { String($0) } }
            #expect(try queue() == names.map { "pending          red/\($0)" })
            #expect(try world.mkt(["queue", "prioritize", "red/\(names[2])"]).status == 0)
            #expect(try world.mkt(["queue", "cancel", names[1]]).stdout == "cancelled red/\(names[1])\n")
            #expect(try queue() == ["pending          red/\(names[2])", "pending          red/\(names[0])"])
            let unknown = try world.mkt(["queue", "cancel", "red/nothing"])
            #expect(unknown.status == 64 && unknown.stderr.contains("no queued job 'red/nothing' (mkt queue lists them)"), "\(unknown)")

            try red.faults(["validation": "The year is invalid."])
            let refused = try world.mkt(["push", "--queue"])
            #expect(refused.status == 1)
            #expect(refused.stdout == "red \(names[2]): rejected (validation): 127.0.0.1: The year is invalid.\nred \(names[0]): rejected (validation): 127.0.0.1: The year is invalid.\n", "\(refused)")
            #expect(try queue().allSatisfy { $0.hasPrefix("failed           red/") })
            #expect(try world.mkt(["status", names[0]]).stdout == "\(names[0])\n    red  rejected (validation): 127.0.0.1: The year is invalid.\n")

            try red.faults(["validation": NSNull()])
            // A push killed while moving a tracker ref left its lock: the next push clears it.
            let dead = try MKTProcess.start(["--version"], in: directory)
            _ = try dead.finish()
            try writeFile("\(directory)/.mkt/refs/trackers/red/\(names[0]).lock", "\(dead.pid)\n")
            let retried = try world.mkt(["push", "--retry"])
            #expect(retried.status == 0, "\(retried)")
            #expect(try queue().isEmpty)
            #expect(try red.torrents.count == 2)
            let formatted = try world.mkt(["log", "--format", "%(tracker)/%(release) %(attempt) %(outcome)", names[0]]).stdout
            #expect(formatted == "red/\(names[0]) 2 success\nred/\(names[0]) 1 rejected\n", "\(formatted)")
            // The long form's date as Foundation would write it, and the duration.
            let newest = try JSONSerialization.jsonObject(with: world.mkt(["log", "--json", "-n", "1", names[0]]).stdoutData) as! [[String: Any]]
            let started = newest[0]["started"] as! Int64, finished = newest[0]["finished"] as! Int64
            let date = Date(timeIntervalSince1970: Double(started) / 1000).formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!))
            let long = try world.mkt(["log", "-n", "1", names[0]]).stdout
            let tenths = (finished - started + 50) / 100  // to a tenth of a second, half up
            #expect(long.contains("Date:     \(date) (\(tenths / 10).\(tenths % 10) s, "), "\(long)")
            #expect(try world.mkt(["log", "-n", "1", "--format", "%(started)", names[0]]).stdout == date + "\n")
        }
    }

    /// §7 item 10: pushes a year ahead and a year behind, one after the
    /// other: retries, a Retry-After block set under the other clock, and a
    /// dead process's ref lock are handled, and `mkt log` follows the receipt
    /// chain, not the stamps (attempt 1 is stamped a year after attempt 3).
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/faketime"), "faketime is missing (scripts/apt-deps.sh test installs it)"))
    func aShiftedClock() throws {
        try withTemporaryDirectory { directory in
            let world = try TrackerWorld(directory)
            let red = try FakeTracker(site: "red", extra: ["--rate", "100/10"])
            try world.appendConfig(red.configSection(extra: ["rate-limit": "100/10s"]))
            let releases = try Self.addAlbums(3, to: world)

            try red.faults(["validation": "The year is invalid."])
            #expect(try world.mkt(clock: "+1y", ["push", "red", releases[0]]).status == 1)
            try red.faults(["validation": NSNull(), "fail": ["status": 503, "count": 1, "actions": ["upload"]]])
            let retried = try world.mkt(clock: "-1y", ["push", "--retry"])
            #expect(retried.status == 0 && retried.stderr.contains("attempt 2: outcome-unknown (server)"), "\(retried)")
            let format = ["log", "--format", "%(attempt) %(outcome)", releases[0]]
            #expect(try world.mkt(format).stdout == "3 success\n2 outcome-unknown\n1 rejected\n")
            let stamps = try world.mkt(["log", "--json", releases[0]]).stdout
            #expect(stamps.contains("\"attempt\":1") && stamps.contains("\"attempt\":3"), "\(stamps)")

            // A year ahead, the site says "wait 1 s"; a year behind, that block is not waited out for two years.
            try red.faults(["rate_limited": 1, "retry_after": "1"])
            #expect(try world.mkt(clock: "+1y", ["push", "red", releases[1]]).status == 0)
            let dead = try MKTProcess.start(["--version"], in: directory)
            _ = try dead.finish()
            try writeFile("\(directory)/.mkt/refs/trackers/red/\(releases[2]).lock", "\(dead.pid)\n")
            let pushed = try world.mkt(clock: "-1y", ["push", "red", releases[2]])
            #expect(pushed.status == 0, "\(pushed)")
            #expect(try red.torrents.count == 3)
            #expect(try world.mkt(["fsck"]).status == 0)
            #expect(try world.mkt(["status"]).stdout.components(separatedBy: "uploaded").count == 4)
        }
    }

    /// Standard output on a full disk: every porcelain command says so and fails.
    @Test func aFullStandardOutputIsAnError() throws {
        try withTemporaryDirectory { directory in
            let world = try TrackerWorld(directory)
            let folder = "\(directory)/Fixture Artist - Fixture Album (2019) [FLAC]"
            try FileManager.default.copyItem(atPath: "\(try AudioFixtures.directory.get())/Fixture Artist - Fixture Album (2019) [FLAC]", toPath: folder)
            // (log and queue print nothing yet, and so cannot fail.)
            for command in ["mkt add -y '\(folder)'", "mkt status", "mkt stats"] {
                let result = try MKTProcess.shell("\(command) > /dev/full", in: directory)
                #expect(result.status == 1 && result.stderr.hasSuffix("error: write failure on standard output: No space left on device\n"), "\(command): \(result)")
            }
            _ = world
        }
    }

    /// The snapshot's words must be the site's: RED's form has no CBR 160, OPS's has;
    /// RED is refused locally before anything is sent.
    @Test func aSitesFormWordsAreCheckedBeforeSending() throws {
        try withTemporaryDirectory { directory in
            let world = try TrackerWorld(directory)
            let red = try FakeTracker(site: "red", extra: ["--rate", "100/10"])
            let ops = try FakeTracker(site: "ops", extra: ["--rate", "100/10"])
            try world.appendConfig(red.configSection(extra: ["rate-limit": "100/10s"]) + ops.configSection(extra: ["rate-limit": "100/10s"]))
            let release = try Self.addAlbums(1, to: world)[0]
            #expect(try world.mkt(["edit", release, "--meta", "encoding=160"]).status == 0)
            let pushed = try world.mkt(["push", "red", "ops", release, "--dry-run"])
            #expect(pushed.stdout.contains("red \(release): refused (local): '160' is not an encoding RED takes ("), "\(pushed)")
            #expect(!pushed.stdout.contains("ops \(release): refused (local): '160'"), "\(pushed)")
            #expect(try red.uploads.isEmpty)
        }
    }

    /// Five trackers that each take a second per request, on a machine with
    /// fewer cores than that: every site gets its first request before any
    /// site has answered one (a worker per tracker, not one per core).
    @Test func fiveSlowTrackersAreAskedAtOnce() throws {
        try withTemporaryDirectory { directory in
            let world = try TrackerWorld(directory)
            let names = (1...5).map { "t\($0)" }
            let fakes = try names.map { name in try FakeTracker(site: "red", extra: ["--rate", "100/10", "--source", name.uppercased()]) }
            for (name, fake) in zip(names, fakes) {
                try world.appendConfig(fake.configSection(name: name, extra: ["family": "red", "source": name.uppercased(), "rate-limit": "100/10s"]))
            }
            _ = try Self.addAlbums(1, to: world)
            let slow = 1.0
            for fake in fakes { try fake.faults(["slow": slow]) }
            let pushed = try world.mkt(["push"] + names + ["--no-seed"])
            #expect(pushed.status == 0, "\(pushed)")
            let firsts = try fakes.map { fake in try fake.requests.compactMap { $0["wall"] as? Double }.min() ?? .infinity }
            let earliest = firsts.min() ?? 0
            #expect(firsts.allSatisfy { $0 < earliest + slow }, "first request per site, seconds after the earliest: \(firsts.map { $0 - earliest })")
            for fake in fakes { #expect(try fake.torrents.count == 1) }
        }
    }

    /// Ctrl-C during a push: the attempt under way ends, no new one starts,
    /// the rest stay queued (none marked uploading), and the next push
    /// finishes them without sending anything twice.
    @Test func ctrlCLeavesTheRestQueued() throws {
        try withTemporaryDirectory { directory in
            let world = try TrackerWorld(directory)
            let red = try FakeTracker(site: "red", extra: ["--rate", "100/10"])
            try world.appendConfig(red.configSection(extra: ["rate-limit": "100/10s"]))
            _ = try Self.addAlbums(3, to: world)
            try red.faults(["slow": 0.5])
            let running = try MKTProcess.start(["push", "red", "--no-seed"], in: directory, environment: world.environment)
            // Stop once the first upload is under way.
            let deadline = Date().addingTimeInterval(30)
            while try red.requests.filter({ $0["action"] as? String == "upload" }).isEmpty && Date() < deadline { usleep(50_000) }
            kill(running.pid, SIGINT)
            let stopped = try running.finish()
            #expect(stopped.status == 130, "\(stopped)")
            #expect(stopped.stderr.contains("stopping:") && stopped.stderr.contains("mkt push --queue"), "\(stopped.stderr)")
            let sent = try red.uploads.count
            #expect(sent >= 1 && sent < 3, "uploads before the stop: \(sent)")
            let queue = try world.mkt(["queue"]).stdout
            #expect(!queue.isEmpty && !queue.contains("uploading"), "\(queue)")
            try red.faults(["slow": NSNull()])
            let resumed = try world.mkt(["push", "--queue", "--no-seed"])
            #expect(resumed.status == 0, "\(resumed)")
            #expect(try red.uploads.count == 3 && red.torrents.count == 3)
            #expect(try world.mkt(["queue"]).stdout.isEmpty)
        }
    }

    /// `mkt push` killed with SIGKILL at random moments, ten times (three under MKT_TEST_QUICK), then
    /// resumed: every job ends uploaded exactly once, and fsck is clean.
    /// Three `mkt push red ops` of the same releases at once, with `mkt gc`
    /// alongside: every pair is uploaded once, by whichever push holds its
    /// job, and the store stays sound.
    @Test func concurrentPushesUploadEachPairOnce() throws {
        try withTemporaryDirectory { directory in
            let world = try TrackerWorld(directory)
            let red = try FakeTracker(site: "red", extra: ["--rate", "100/10"])
            let ops = try FakeTracker(site: "ops", extra: ["--rate", "100/10"])
            try world.appendConfig(red.configSection(extra: ["rate-limit": "100/10s"]) + ops.configSection(extra: ["rate-limit": "100/10s"]))
            let releases = try Self.addAlbums(4, to: world)
            try red.faults(["slow": 0.05])
            try ops.faults(["slow": 0.05])
            let pushes = try (1...3).map { _ in try MKTProcess.start(["push", "red", "ops"], in: directory, environment: world.environment) }
            let collectors = try (1...3).map { _ in try MKTProcess.start(["gc"], in: directory, environment: world.environment) }
            for result in try (pushes + collectors).map({ try $0.finish() }) {
                #expect(result.status == 0, "\(result)")
            }
            for fake in [red, ops] {
                #expect(try fake.torrents.count == 4, "\(fake.site)")
                #expect(try fake.uploads.count == 4, "\(fake.site): each pair is sent once")
            }
            let status = try world.mkt(["status"]).stdout
            #expect(status.components(separatedBy: "  uploaded  ").count - 1 == 8, "\(status)")
            #expect(try world.mkt(["queue"]).stdout.isEmpty)
            for release in releases {
                #expect(try world.mkt(["log", "--oneline", release]).stdout.split(separator: "\n").count == 2)
            }
            let fsck = try world.mkt(["fsck"])
            #expect(fsck.status == 0 && fsck.stderr.hasSuffix(": ok\n"), "\(fsck)")
        }
    }

    @Test func killedPushesResumeWithoutDuplicates() throws {
        try withTemporaryDirectory { directory in
            let world = try TrackerWorld(directory)
            let red = try FakeTracker(site: "red", extra: ["--rate", "100/10"])
            let ops = try FakeTracker(site: "ops", extra: ["--rate", "100/10"])
            try world.appendConfig(red.configSection(extra: ["rate-limit": "100/10s"]) + ops.configSection(extra: ["rate-limit": "100/10s"]))
            _ = try Self.addAlbums(4, to: world)
            // Each request takes 0.15 s after the site acted: a kill lands mid-upload often.
            try red.faults(["slow": 0.15])
            try ops.faults(["slow": 0.15])
            var generator = SystemRandomNumberGenerator()
            for _ in 1...TestDepth.rounds(10, quick: 3) {
                let running = try MKTProcess.start(["push", "red", "ops"], in: directory, environment: world.environment)
                usleep(UInt32.random(in: 50_000...900_000, using: &generator))
                kill(running.pid, SIGKILL)
                _ = try running.finish()
            }
            try red.faults(["slow": NSNull()])
            try ops.faults(["slow": NSNull()])
            let resumed = try world.mkt(["push", "--queue"])
            #expect(resumed.status == 0, "\(resumed)")
            let finished = try world.mkt(["push", "red", "ops"])
            #expect(finished.status == 0, "\(finished)")
            for fake in [red, ops] {
                let torrents = try fake.torrents
                #expect(torrents.count == 4, "\(fake.site): \(torrents)")
            }
            let status = try world.mkt(["status"]).stdout
            #expect(status.components(separatedBy: "  uploaded  ").count - 1 == 8, "\(status)")
            let fsck = try world.mkt(["fsck"])
            #expect(fsck.status == 0, "\(fsck)")
        }
    }
}
