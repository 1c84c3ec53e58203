import Foundation
import MKTTestSupport
import Testing

/// `mkt watch` as it runs unattended: a folder copied in slowly is added
/// only once complete, pushed to two sites, seeded in a real qBittorrent and
/// notified; a SIGTERM mid-upload and a restart send nothing twice; and the
/// completion call takes only the right token.
@Suite(.enabled(if: ClientDaemons.installed && AudioFixtures.available && FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"),
                "qbittorrent-nox, the audio tools or curl are missing (scripts/apt-deps.sh test installs them)"),
       .timeLimit(.minutes(4)))
struct WatchJourneyTests {
    static let doneScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../contrib/mkt-watch-done").standardized.path

    struct TimedOut: Error, CustomStringConvertible {
        let description: String
    }

    /// Waits until `condition` holds, or fails naming `what` after `seconds`.
    static func wait(for what: String, seconds: Double = 60, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while try !condition() {
            guard Date() < deadline else { throw TimedOut(description: "timed out waiting for \(what)") }
            usleep(100_000)
        }
    }

    /// Copies a folder file by file, each in four pieces with `pause` seconds
    /// between them, calling `during` after each piece: a slow download.
    static func copySlowly(_ source: String, to target: String, pause: Double, during: () throws -> Void) throws {
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: source).sorted() {
            let data = try Data(contentsOf: URL(fileURLWithPath: "\(source)/\(name)"))
            FileManager.default.createFile(atPath: "\(target)/\(name)", contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(target)/\(name)"))
            let piece = max(data.count / 4, 1)
            for start in stride(from: 0, to: max(data.count, 1), by: piece) {
                try handle.write(contentsOf: data[start..<min(start + piece, data.count)])
                usleep(UInt32(pause * 1_000_000))
                try during()
            }
            try handle.close()
        }
    }

    @Test func aSlowCopyIsAddedWhenCompletePushedSeededNotifiedAndAStopSendsNothingTwice() throws {
        try withTemporaryDirectory { directory in
            let world = try SeedJourneyTests.world(directory)
            let red = try FakeTracker(site: "red", extra: ["--rate", "100/10"])
            let ops = try FakeTracker(site: "ops", extra: ["--rate", "100/10"])
            let receiver = try LocalServer.http()
            let (daemon, url) = try ClientDaemons.startQBittorrent(in: directory)
            try withExtendedLifetime((red, ops, receiver, daemon)) {
                try world.appendConfig(red.configSection(extra: ["rate-limit": "100/10s"]) + ops.configSection(extra: ["rate-limit": "100/10s"]))
                try world.appendConfig("""
                    [client "qbt"]
                        type = qbittorrent
                        url = \(url)
                        username = \(ClientDaemons.username)
                    [notify "hook"]
                        url = \(receiver.baseURL)/record/hook-token-0123456789
                        kind = json
                    [watch]
                        folder = incoming
                        trackers = red, ops
                        settle = 2
                        meta = media=WEB

                    """)
                let incoming = "\(directory)/incoming"
                try FileManager.default.createDirectory(atPath: incoming, withIntermediateDirectories: true)
                let fixtures = try AudioFixtures.directory.get()
                let release = "fixture-artist-fixture-album-2019-flac"

                var watcher = try MKTProcess.start(["watch"], in: directory, environment: world.environment)
                try Self.wait(for: "the watcher to start") { watcher.stdoutSoFar.contains(" watching \(incoming) for red, ops, settle 2 s\n") }
                // A slow download: pauses shorter than the settle time, so the folder is never quiet for long enough.
                let name = "Fixture Artist - Fixture Album (2019) [FLAC]"
                try Self.copySlowly("\(fixtures)/\(name)", to: "\(incoming)/\(name)", pause: 0.5) {
                    #expect(!watcher.stdoutSoFar.contains(" added "), "added before the copy ended: \(watcher.stdoutSoFar)")
                }
                let copied = Date()
                try Self.wait(for: "both uploads") { try red.uploads.count == 1 && ops.uploads.count == 1 }
                let output = watcher.stdoutSoFar
                let added = try #require(output.components(separatedBy: "\n").first { $0.hasSuffix(" added \(release)") }, "\(output)")
                let addedAt = try #require(ISO8601DateFormatter().date(from: String(added.prefix(20))))
                #expect(addedAt.timeIntervalSince(copied) >= 1, "added \(addedAt.timeIntervalSince(copied)) s after the copy ended")
                try Self.wait(for: "the push lines and the notifications") {
                    let posts = try receiver.recorded().count
                    return watcher.stdoutSoFar.contains("Z red \(release): success: ") && watcher.stdoutSoFar.contains("Z ops \(release): success: ") && posts == 2
                }
                for site in ["red", "ops"] {
                    let line = try #require(watcher.stdoutSoFar.components(separatedBy: "\n").first { $0.contains("Z \(site) \(release): success: ") })
                    #expect(line.hasSuffix("; seeding in qbt"), "\(line)")
                }
                let torrents = try SeedJourneyTests.qbittorrentTorrents(url, in: directory)
                #expect(torrents.count == 2 && torrents.allSatisfy { $0["progress"] as? Double == 1 && $0["save_path"] as? String == incoming }, "\(torrents)")
                let events = try receiver.recorded().compactMap { ($0["body"] as? String).flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] } }
                #expect(Set(events.compactMap { $0["tracker"] as? String }) == ["red", "ops"] && events.allSatisfy { $0["event"] as? String == "success" }, "\(events)")
                let status = try world.mkt(["status"])
                #expect(status.stdout.contains("watch: running (pid \(watcher.pid)), last scan "), "\(status)")
                #expect(status.stdout.contains("Z ops \(release): success: ") || status.stdout.contains("Z red \(release): success: "), "\(status)")

                // A second album while RED answers slowly: SIGTERM once its upload is under way.
                try red.faults(["slow": 3])
                let second = "Fixture Artist - Fixture Album (2019) [MP3 V0]"
                try FileManager.default.copyItem(atPath: "\(fixtures)/\(second)", toPath: "\(incoming)/\(second)")
                try Self.wait(for: "the second upload to RED") { try red.requests.filter { $0["action"] as? String == "upload" }.count == 2 }
                kill(watcher.pid, SIGTERM)
                let stopped = try watcher.finish()
                #expect(stopped.status == 0, "\(stopped)")
                #expect(stopped.stderr.contains("stopping: finishing the uploads under way"), "\(stopped.stderr)")
                #expect(stopped.stdout.hasSuffix(" stopped: every job not finished stays queued; mkt watch (or mkt push --queue) resumes them\n"), "\(stopped.stdout)")
                #expect(!(try world.mkt(["queue"]).stdout.contains("uploading")))
                #expect(try world.mkt(["status"]).stdout.contains("watch: stopped "))

                try red.faults(["slow": NSNull()])
                watcher = try MKTProcess.start(["watch"], in: directory, environment: world.environment)
                try Self.wait(for: "the queue to empty after the restart") {
                    try red.torrents.count == 2 && ops.torrents.count == 2 && world.mkt(["queue"]).stdout.isEmpty
                }
                kill(watcher.pid, SIGTERM)
                let resumed = try watcher.finish()
                #expect(resumed.status == 0, "\(resumed)")
                // Nothing sent twice: one upload per site and release, across the stop.
                #expect(try red.uploads.count == 2 && ops.uploads.count == 2, "\(resumed)")
                #expect(try SeedJourneyTests.qbittorrentTorrents(url, in: directory).count == 4)
                #expect(try world.mkt(["fsck"]).status == 0)
            }
        }
    }

    @Test func theCompletionCallTakesOnlyTheRightToken() throws {
        try withTemporaryDirectory { directory in
            let world = try TrackerWorld(directory)
            let red = try FakeTracker(site: "red", extra: ["--rate", "100/10"])
            try withExtendedLifetime(red) {
                let port = Daemon.freePort()
                let tokenFile = "\(directory)/watch-token"
                let token = "completion-token-0123456789abcdef"
                try (token + "\n").write(toFile: tokenFile, atomically: true, encoding: .utf8)
                try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: tokenFile)
                try FileManager.default.createDirectory(atPath: "\(directory)/incoming", withIntermediateDirectories: true)
                try world.appendConfig(red.configSection(extra: ["rate-limit": "100/10s"]) + """
                    [watch]
                        folder = incoming
                        trackers = red
                        settle = 1
                        meta = media=WEB
                        listen = 127.0.0.1:\(port)
                        token-file = \(tokenFile)

                    """)
                let refused = try world.mkt(["watch"])
                #expect(refused.status == 1 && refused.stderr == "error: \(tokenFile): others may read it (mode 644); chmod 600 it (watch.token-file)\n", "\(refused)")
                try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: tokenFile)

                let watcher = try MKTProcess.start(["watch", "--no-seed"], in: directory, environment: world.environment)
                try Self.wait(for: "the endpoint") { watcher.stdoutSoFar.contains("; completion calls on 127.0.0.1:\(port)\n") }
                let another = try world.mkt(["watch"])
                #expect(another.status == 1 && another.stderr == "error: mkt watch is already running in this store (pid \(watcher.pid)) (\(directory)/.mkt/watch.lock is held); one watcher per store\n", "\(another)")
                // A finished download outside the watch folder: only the call brings it in.
                let folder = "\(directory)/downloads/Fixture Artist - Fixture Album (2019) [FLAC]"
                try FileManager.default.createDirectory(atPath: "\(directory)/downloads", withIntermediateDirectories: true)
                try FileManager.default.copyItem(atPath: "\(try AudioFixtures.directory.get())/Fixture Artist - Fixture Album (2019) [FLAC]", toPath: folder)

                let wrong = try MKTProcess.shell(
                    "curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer \(token.dropLast())x' --data-urlencode 'path=\(folder)' http://127.0.0.1:\(port)/done", in: directory)
                #expect(wrong.stdout == "401", "\(wrong)")
                let none = try MKTProcess.shell("curl -s -w ' %{http_code}' --data-urlencode 'path=\(folder)' http://127.0.0.1:\(port)/done", in: directory)
                #expect(none.stdout == "wrong or missing token (Authorization: Bearer, from watch.token-file)\n 401", "\(none)")
                usleep(1_500_000)
                #expect(!watcher.stdoutSoFar.contains("handed over") && !watcher.stdoutSoFar.contains(" added "), "\(watcher.stdoutSoFar)")
                #expect(try red.uploads.isEmpty)

                let notAFolder = try MKTProcess.shell(
                    "MKT_WATCH_LISTEN=127.0.0.1:\(port) MKT_WATCH_TOKEN_FILE='\(tokenFile)' '\(Self.doneScript)' '\(directory)/nowhere'", in: directory)
                #expect(notAFolder.status != 0 && notAFolder.stdout.hasPrefix("\(directory)/nowhere: not a folder"), "\(notAFolder)")
                let done = try MKTProcess.shell("MKT_WATCH_LISTEN=127.0.0.1:\(port) MKT_WATCH_TOKEN_FILE='\(tokenFile)' '\(Self.doneScript)' '\(folder)'", in: directory)
                #expect(done.status == 0 && done.stdout == "taken: \(folder)\n", "\(done)")
                try Self.wait(for: "the upload of the folder handed over") { try red.uploads.count == 1 }
                try Self.wait(for: "its line") { watcher.stdoutSoFar.contains("Z red fixture-artist-fixture-album-2019-flac: success: ") }
                #expect(watcher.stdoutSoFar.contains("Z handed over: \(folder)\n") && watcher.stdoutSoFar.contains("Z added fixture-artist-fixture-album-2019-flac\n"))
                kill(watcher.pid, SIGINT)
                let stopped = try watcher.finish()
                #expect(stopped.status == 0, "\(stopped)")
                #expect(!stopped.stdout.contains(token) && !stopped.stderr.contains(token))

                // The same call on a Unix socket only this user may open.
                let socket = "\(directory)/watch.sock"
                try world.appendConfig("[watch]\n    listen = \(socket)\n")
                let onSocket = try MKTProcess.start(["watch", "--no-seed"], in: directory, environment: world.environment)
                try Self.wait(for: "the socket") { onSocket.stdoutSoFar.contains("; completion calls on \(socket)\n") }
                #expect(try FileManager.default.attributesOfItem(atPath: socket)[.posixPermissions] as? Int == 0o600)
                let second = "\(directory)/downloads/Fixture Artist - Fixture Album (2019) [MP3 V0]"
                try FileManager.default.copyItem(atPath: "\(try AudioFixtures.directory.get())/Fixture Artist - Fixture Album (2019) [MP3 V0]", toPath: second)
                let wrongOnSocket = try MKTProcess.shell(
                    "curl -s -o /dev/null -w '%{http_code}' --unix-socket '\(socket)' -H 'Authorization: Bearer nope' --data-urlencode 'path=\(second)' http://localhost/done", in: directory)
                #expect(wrongOnSocket.stdout == "401", "\(wrongOnSocket)")
                let viaSocket = try MKTProcess.shell("MKT_WATCH_LISTEN='\(socket)' MKT_WATCH_TOKEN_FILE='\(tokenFile)' '\(Self.doneScript)' '\(second)'", in: directory)
                #expect(viaSocket.status == 0 && viaSocket.stdout == "taken: \(second)\n", "\(viaSocket)")
                try Self.wait(for: "the upload of the folder handed over on the socket") { try red.torrents.count == 2 }
                kill(onSocket.pid, SIGTERM)
                #expect(try onSocket.finish().status == 0)
                #expect(!FileManager.default.fileExists(atPath: socket), "the socket is removed on a clean stop")
            }
        }
    }

    /// A site that answers 503: the Pusher's own retries spent, the job waits
    /// `watch.retry-after` (status says until when), then goes up, once; the
    /// folder changed after that is recorded, not sent again.
    @Test func aFailedUploadIsTriedAgainWhenItsRetryIsDue() throws {
        try withTemporaryDirectory { directory in
            let world = try TrackerWorld(directory)
            let red = try FakeTracker(site: "red", extra: ["--rate", "100/10"])
            try withExtendedLifetime(red) {
                try FileManager.default.createDirectory(atPath: "\(directory)/incoming", withIntermediateDirectories: true)
                try world.appendConfig(red.configSection(extra: ["rate-limit": "100/10s"]) + """
                    [push]
                        retries = 0
                    [watch]
                        folder = incoming
                        trackers = red
                        settle = 0.5
                        meta = media=WEB
                        retry-after = 4

                    """)
                try red.faults(["fail": ["status": 503, "count": 1, "actions": ["upload"]]])
                let watcher = try MKTProcess.start(["watch", "--no-seed"], in: directory, environment: world.environment)
                let release = "fixture-artist-fixture-album-2019-flac"
                try FileManager.default.copyItem(atPath: "\(try AudioFixtures.directory.get())/Fixture Artist - Fixture Album (2019) [FLAC]",
                                                 toPath: "\(directory)/incoming/Fixture Artist - Fixture Album (2019) [FLAC]")
                try Self.wait(for: "the first attempt") { watcher.stdoutSoFar.contains("Z red \(release): ") }
                let failedAt = Date()
                let waiting = try world.mkt(["status"]).stdout
                #expect(waiting.contains("    due 20") && waiting.contains("  red/\(release) ("), "\(waiting)")
                // The report shows the same: the watcher runs, and the job waits for its retry.
                #expect(try world.mkt(["stats", "--html", "\(directory)/report.html"]).status == 0)
                let report = try String(contentsOfFile: "\(directory)/report.html", encoding: .utf8)
                #expect(report.contains("<h2>Watcher</h2>\n<p>running (pid \(watcher.pid))") && report.contains("<td>red/\(release)</td>") && report.contains("<td>due 20"), "\(report)")
                try Self.wait(for: "the retry") { try red.torrents.count == 1 }
                #expect(Date().timeIntervalSince(failedAt) >= 3, "tried again \(Date().timeIntervalSince(failedAt)) s after: \(watcher.stdoutSoFar)")
                try Self.wait(for: "its line") { watcher.stdoutSoFar.contains("Z red \(release): success: ") }
                // Changed after the upload: a new snapshot, not sent again unattended.
                try "ripped by me\n".write(toFile: "\(directory)/incoming/Fixture Artist - Fixture Album (2019) [FLAC]/notes.txt", atomically: false, encoding: .utf8)
                try Self.wait(for: "the update") {
                    watcher.stdoutSoFar.contains("Z red \(release): the site was sent an earlier snapshot; 'mkt push red \(release)' sends this one\n")
                }
                #expect(watcher.stdoutSoFar.contains("Z updated \(release)\n"))
                kill(watcher.pid, SIGTERM)
                let stopped = try watcher.finish()
                #expect(stopped.status == 0, "\(stopped)")
                // Two upload requests: the one answered 503, and the retry the site took.
                #expect(try red.uploads.count == 2 && red.torrents.count == 1 && world.mkt(["queue"]).stdout.isEmpty, "\(stopped)")
                #expect(stopped.stdout.contains("Z red \(release): outcome-unknown (server): 127.0.0.1 answered HTTP 503"), "\(stopped)")
            }
        }
    }

    /// A tracker mkt has no key for: one line saying so, not one a second, and nothing sent.
    @Test func aTrackerWithoutAKeyIsToldOnce() throws {
        try withTemporaryDirectory { directory in
            let world = try TrackerWorld(directory, credentialHelper: false)
            let red = try FakeTracker(site: "red", extra: ["--rate", "100/10"])
            try withExtendedLifetime(red) {
                try FileManager.default.createDirectory(atPath: "\(directory)/incoming", withIntermediateDirectories: true)
                try world.appendConfig(red.configSection() + "[watch]\n    folder = incoming\n    trackers = red\n    settle = 0.5\n    meta = media=WEB\n")
                let watcher = try MKTProcess.start(["watch", "--no-seed"], in: directory, environment: world.environment)
                try FileManager.default.copyItem(atPath: "\(try AudioFixtures.directory.get())/Fixture Artist - Fixture Album (2019) [FLAC]",
                                                 toPath: "\(directory)/incoming/Fixture Artist - Fixture Album (2019) [FLAC]")
                try Self.wait(for: "the refusal") { watcher.stdoutSoFar.contains("Z red: nothing could be tried") }
                sleep(3)
                kill(watcher.pid, SIGTERM)
                let stopped = try watcher.finish()
                #expect(stopped.status == 0, "\(stopped)")
                let refusals = stopped.stdout.components(separatedBy: "\n").filter { $0.contains(" red fixture-artist-fixture-album-2019-flac: refused (local): ") }
                #expect(refusals.count == 1, "\(stopped)")
                #expect(try red.requests.isEmpty)
                #expect(try world.mkt(["queue"]).stdout.hasPrefix("pending "), "the job waits for a key")
            }
        }
    }
}
