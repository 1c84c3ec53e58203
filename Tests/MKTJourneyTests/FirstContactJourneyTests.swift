import Foundation
import MKTTestSupport
import Testing

/// A new user's album whose tags leave gaps (no year, no genre, no LAME tag,
/// three tracks that mkt can only guess are a single): what `mkt add` asks or
/// `--meta` gives is what the checks read and the sites receive.
@Suite(.enabled(if: ["/usr/bin/sox", "/usr/bin/ffmpeg", "/usr/bin/curl"].allSatisfy(Oracle.available), "sox, ffmpeg or curl is missing (scripts/apt-deps.sh test installs them)"))
struct FirstContactJourneyTests {
    static let name = "gap-artist-gap-album-mp3"

    /// Three MP3s made by ffmpeg's LAME (no LAME preset readable), tagged with
    /// artist, album, title and track only; the folder name says no year either.
    static func gappyAlbum(in directory: String) throws -> String {
        let folder = "\(directory)/music/Gap Artist - Gap Album [MP3]"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for track in 1...3 {
            let wav = "\(directory)/tone\(track).wav"
            #expect(try Oracle.run("/usr/bin/sox", ["-n", "-r", "44100", "-c", "2", "-b", "16", wav, "synth", "2", "sine", "\(300 * track)"], in: directory).status == 0)
            let made = try Oracle.run("/usr/bin/ffmpeg", [
                "-loglevel", "error", "-y", "-i", wav, "-c:a", "libmp3lame", "-q:a", "2",
                "-metadata", "artist=Gap Artist", "-metadata", "album=Gap Album", "-metadata", "title=Song \(track)", "-metadata", "track=\(track)",
                "\(folder)/0\(track) Song \(track).mp3",
            ], in: directory)
            #expect(made.status == 0, "\(made)")
        }
        return folder
    }

    static func world(_ directory: String) throws -> (TrackerWorld, [FakeTracker]) {
        let world = try TrackerWorld(directory)
        let fakes = [try FakeTracker(site: "red"), try FakeTracker(site: "ops")]
        for fake in fakes { try world.appendConfig(fake.configSection()) }
        return (world, fakes)
    }

    static func uploadedFields(_ fake: FakeTracker) throws -> [String: [String]] {
        let uploads = try fake.state()["uploads"] as? [[String: Any]] ?? []
        return try #require(uploads.last.map(FakeTracker.fields(of:)))
    }

    /// With `--yes`, `--meta` alone fills the gaps; before that, every check
    /// says what is missing and how to give it, and nothing is sent.
    @Test func theGapsAreFilledByMetaAlone() throws {
        try withTemporaryDirectory { directory in
            let (world, fakes) = try Self.world(directory)
            let folder = try Self.gappyAlbum(in: directory)
            let added = try world.mkt(["add", "--yes", folder, "--meta", "media=WEB"])
            #expect(added.status == 0 && added.stdout.contains("missing: year, encoding, tags, release-type (Single is a guess)"), "\(added)")
            let refused = try world.mkt(["push", "red", "ops", Self.name])
            #expect(refused.status != 0 && refused.stdout.contains("refused (local)"), "\(refused)")
            #expect(try fakes.allSatisfy { try $0.torrents.isEmpty })
            let check = try world.mkt(["check-release", "--tracker", "red", "--json", Self.name])
            let codes = Set((try JSONSerialization.jsonObject(with: check.stdoutData) as? [[String: String]] ?? []).compactMap { $0["code"] })
            #expect(codes.isSuperset(of: ["missing-year", "missing-tags", "guessed-release-type"]) && codes.contains("unknown-encoding"), "\(check)")

            let guessed = try world.mkt(["show", Self.name]).stdout
            #expect(guessed.contains("release-type     Single  (mkt's guess: confirm it)") && guessed.contains("artists          Gap Artist  (files)"), "\(guessed)")
            let edited = try world.mkt(["edit", Self.name, "--meta", "year=2022", "--meta", "genres=Rock", "--meta", "encoding=V2", "--meta", "release-type=EP"])
            #expect(edited.status == 0, "\(edited)")
            // `mkt show`: where each field came from, what each site would get, the edits.
            let shown = try world.mkt(["show", Self.name])
            #expect(shown.status == 0 && shown.stdout.contains("year             2022  (you)") && shown.stdout.contains("release-type     EP  (you)"), "\(shown)")
            #expect(shown.stdout.contains("red would receive (red form):") && shown.stdout.contains("    bitrate = V2 (VBR)\n") && shown.stdout.contains("ops would receive"), "\(shown)")
            #expect(shown.stdout.contains("changed year, encoding, release-type, genres, tags") && shown.stdout.contains("as added"), "\(shown)")
            #expect(!shown.stdout.contains("fake-api-key"))
            #expect(try world.mkt(["check-release", "--tracker", "red", Self.name]).status == 0, "the snapshot, edits included, is what is checked")
            let pushed = try world.mkt(["push", "red", "ops", Self.name])
            #expect(pushed.status == 0 && pushed.stdout.components(separatedBy: ": success: ").count == 3, "\(pushed)")
            for fake in fakes {
                let fields = try Self.uploadedFields(fake)
                #expect(fields["year"] == ["2022"] && fields["tags"] == ["rock"] && fields["bitrate"] == ["V2 (VBR)"], "\(fake.site): \(fields)")
            }
        }
    }

    /// "Done means": with `--yes`, the `--meta` values given to `mkt add`
    /// alone take the gappy album to a successful `mkt push red ops`.
    @Test func addWithMetaAloneReachesASuccessfulPush() throws {
        try withTemporaryDirectory { directory in
            let (world, fakes) = try Self.world(directory)
            let folder = try Self.gappyAlbum(in: directory)
            let added = try world.mkt(["add", "--yes", folder] + ["media=WEB", "year=2022", "genres=Rock", "encoding=V2", "release-type=EP"].flatMap { ["--meta", $0] })
            #expect(added.status == 0 && !added.stdout.contains("missing:"), "\(added)")
            let pushed = try world.mkt(["push", "red", "ops", Self.name])
            #expect(pushed.status == 0 && pushed.stdout.components(separatedBy: ": success: ").count == 3, "\(pushed)")
            for fake in fakes {
                let fields = try Self.uploadedFields(fake)
                #expect(fields["year"] == ["2022"] && fields["tags"] == ["rock"] && fields["bitrate"] == ["V2 (VBR)"], "\(fake.site): \(fields)")
            }
        }
    }

    /// #6: with a client to seed in and no passkey, a push refuses before the
    /// site is asked, naming the fix; `--no-seed` goes ahead.
    @Test func aMissingPasskeyIsFoundBeforeTheUpload() throws {
        try withTemporaryDirectory { directory in
            let (world, fakes) = try Self.world(directory)
            defer { withExtendedLifetime(fakes) {} }
            // The helper knows the API key and no passkey.
            try world.appendConfig("[credential]\n    helper = \"!f() { if grep -q kind=passkey; then exit 1; fi; echo secret=fake-api-key; }; f\"\n")
            let drop = "\(directory)/drop"
            try FileManager.default.createDirectory(atPath: drop, withIntermediateDirectories: true)
            try world.appendConfig("[client \"drop\"]\n    type = watch\n    watch-dir = \(drop)\n")
            let folder = try Self.gappyAlbum(in: directory)
            #expect(try world.mkt(["add", "--yes", folder] + ["media=WEB", "year=2022", "genres=Rock", "encoding=V2", "release-type=EP"].flatMap { ["--meta", $0] }).status == 0)
            let refused = try world.mkt(["push", "red", Self.name])
            #expect(refused.status == 1 && refused.stderr.contains("red: no passkey, so an upload could not be seeded") && refused.stderr.contains("mkt credential set red --passkey"), "\(refused)")
            let uploads = try fakes[0].state()["uploads"] as? [Any] ?? []
            #expect(refused.stderr.contains("nothing was sent") && uploads.isEmpty, "\(refused)")
            let unseeded = try world.mkt(["push", "red", Self.name, "--no-seed"])
            #expect(unseeded.status == 0 && unseeded.stdout.contains(": success: "), "\(unseeded)")
        }
    }

    /// #8: a release mkt refused is shown by `mkt status` with its reason and
    /// the command that fixes it, not as "not pushed"; a damaged queue file is
    /// named once by status and by `push --queue`, and the rest still shown.
    @Test func statusShowsLocalRefusalsAndDamageWithTheirFix() throws {
        try withTemporaryDirectory { directory in
            let (world, fakes) = try Self.world(directory)
            defer { withExtendedLifetime(fakes) {} }
            let folder = try Self.gappyAlbum(in: directory)
            #expect(try world.mkt(["add", "--yes", folder, "--meta", "media=WEB"]).status == 0)
            let refused = try world.mkt(["push", "red", Self.name])
            #expect(refused.status != 0, "\(refused)")
            let status = try world.mkt(["status"])
            // The reason, the --meta that fixes it, the check that lists the rest, and the push to run after.
            let red = try #require(status.stdout.split(separator: "\n").first { $0.hasPrefix("    red  ") }, "\(status)")
            #expect(red.hasPrefix("    red  rejected (local): 01 Song 1.mp3: the file does not say how it was encoded") && red.contains("--meta \"encoding=V2 (VBR)\""), "\(red)")
            #expect(red.contains("mkt check-release --tracker red \(Self.name)") && red.hasSuffix("then: mkt push red \(Self.name)"), "\(red)")
            try FileManager.default.createDirectory(atPath: "\(directory)/.mkt/queue/ops", withIntermediateDirectories: true)
            try "{ not json".write(toFile: "\(directory)/.mkt/queue/ops/damaged.json", atomically: true, encoding: .utf8)
            let damaged = try world.mkt(["status"])
            #expect(damaged.stdout.contains(Self.name), "the rest is still shown: \(damaged)")
            #expect(damaged.stderr.components(separatedBy: "damaged.json").count == 2 && damaged.stderr.contains("remove the file to drop it"), "named once, with the fix: \(damaged)")
            let queue = try world.mkt(["push", "--queue"])
            #expect((queue.stdout + queue.stderr).components(separatedBy: "damaged.json").count == 2, "named once: \(queue)")
        }
    }

    /// On a terminal, `mkt add` asks for each gap, refuses a word no site
    /// takes with the list, offers its guess of the release type for the user
    /// to confirm, and queues for the trackers named; the push then succeeds.
    @Test func theGapsAreFilledByAnswersAlone() throws {
        try withTemporaryDirectory { directory in
            let (world, fakes) = try Self.world(directory)
            let folder = try Self.gappyAlbum(in: directory)
            let answered = try Terminal.drive(["add", folder], answering: [
                ("Year of this edition: ", "2021"), ("Media (", "WEB"), ("mkt's guess; Enter takes it]: ", ""),
                ("Encoding (", "vbr"), ("Encoding (", "V2 (VBR)"), ("Genre tags (", "rock, indie"),
                ("Queue for which trackers (ops red; empty for none): ", "red, ops"),
            ], in: directory, environment: world.environment)
            #expect(answered.status == 0, "\(answered)")
            #expect(answered.stdout.contains("type      Single (a guess)"), "\(answered.stdout)")
            #expect(answered.stdout.contains("'vbr' is not an encoding any site takes"), "\(answered.stdout)")
            #expect(answered.stdout.contains("queued: 'mkt push --queue' uploads"), "\(answered.stdout)")
            let pushed = try world.mkt(["push", "--queue"])
            #expect(pushed.status == 0 && pushed.stdout.components(separatedBy: ": success: ").count == 3, "\(pushed)")
            for fake in fakes {
                let fields = try Self.uploadedFields(fake)
                #expect(fields["year"] == ["2021"] && fields["tags"] == ["rock,indie"] && fields["bitrate"] == ["V2 (VBR)"], "\(fake.site): \(fields)")
            }
        }
    }

    /// `mkt doctor` asks each tracker itself: a site that takes the key, one
    /// that refuses it (with the fix), and one that does not answer.
    @Test func theDoctorAsksEachTracker() throws {
        try withTemporaryDirectory { directory in
            let (world, fakes) = try Self.world(directory)
            let other = try FakeTracker(site: "red", apiKey: "another-key")
            defer { withExtendedLifetime((fakes, other)) {} }
            try world.appendConfig(other.configSection(name: "strict", extra: ["family": "red", "source": "STRICT"]))
            try world.appendConfig("[tracker \"gone\"]\n    url = http://127.0.0.1:\(Daemon.freePort())\n    family = ops\n    source = GONE\n    announce = http://127.0.0.1:9/{passkey}/announce\n")
            let doctor = try world.mkt(["doctor"])
            #expect(doctor.status == 1, "\(doctor)")
            let lines = doctor.stdout.split(separator: "\n").map(String.init)
            #expect(lines.contains("ok   tracker red: the site answers and takes the API key"), "\(doctor)")
            #expect(lines.contains("ok   tracker ops: a passkey for the announce URL"), "\(doctor)")
            #expect(lines.contains { $0.hasPrefix("fail tracker strict: ") && $0.hasSuffix("(mkt credential set strict --api-key)") }, "\(doctor)")
            #expect(lines.contains { $0.hasPrefix("fail tracker gone: ") }, "\(doctor)")
            #expect(!doctor.stdout.contains("another-key") && !doctor.stdout.contains("fake-api-key"))
        }
    }

    /// On a terminal, hashing shows bytes done of the total and the rate, with
    /// --yes too, and clears its line; the result line follows clean.
    @Test func hashingShowsItsProgress() throws {
        try withTemporaryDirectory { directory in
            let (world, _) = try Self.world(directory)
            let folder = try Self.gappyAlbum(in: directory)
            let added = try Terminal.drive(["add", "--yes", folder], answering: [], in: directory, environment: world.environment)
            #expect(added.status == 0, "\(added)")
            #expect(added.stdout.contains("hashing ") && added.stdout.contains(" of ") && added.stdout.contains("/s"), "\(added.stdout)")
            // The line is cleared before the next is written: nothing of it runs into the result.
            #expect(added.stdout.contains("added \(Self.name)") && !added.stdout.contains("/sadded") && !added.stdout.contains("/s\r\nadded"), "\(added.stdout)")
        }
    }

    /// #12: Ctrl-C while hashing prints one line saying what was not added,
    /// and the store is as it was (8 GB of sparse scans make the hashing last).
    @Test func ctrlCWhileHashingSaysWhatWasNotAdded() throws {
        try withTemporaryDirectory { directory in
            let (world, _) = try Self.world(directory)
            let folder = try Self.gappyAlbum(in: directory)
            let scans = "\(folder)/booklet scans.pdf"
            #expect(FileManager.default.createFile(atPath: scans, contents: nil) && truncate(scans, 8 << 30) == 0)
            // Refs, logs, queue and config: what the store says it holds. (An object the hashing
            // wrote before the stop is left unreferenced, for `mkt gc`.)
            func files() -> [String] {
                (FileManager.default.enumerator(atPath: "\(directory)/.mkt")?.compactMap { $0 as? String } ?? [])
                    .filter { !$0.hasPrefix("objects") && !$0.hasPrefix("running") }.sorted()
            }
            let before = files()
            let started = Date()
            let stopped = try Terminal.drive(["add", "--yes", folder], answering: [("hashing ", "^C")], in: directory, environment: world.environment)
            // At once, not once the 8 GB are hashed (about 35 s here when the stop waited behind the hashing).
            #expect(Date().timeIntervalSince(started) < 15, "stopped after \(Date().timeIntervalSince(started)) s")
            #expect(stopped.status == 130, "\(stopped)")
            let lines = stopped.stdout.components(separatedBy: "\r\n").filter { $0.contains("interrupted") }
            #expect(lines.count == 1 && lines[0].hasSuffix("interrupted: \(folder) was not added; the store is as it was before it"), "\(stopped.stdout.debugDescription)")
            #expect(files() == before)
            #expect(try world.mkt(["status"]).stdout == "no releases yet (mkt add DIR)\n")
        }
    }

    /// A folder with no audio is an error that says so; the store is as it was.
    @Test func aFolderWithoutAudioIsNotAdded() throws {
        try withTemporaryDirectory { directory in
            let (world, _) = try Self.world(directory)
            try FileManager.default.createDirectory(atPath: "\(directory)/notaudio", withIntermediateDirectories: true)
            try writeFile("\(directory)/notaudio/readme.txt", "no music here\n")
            let added = try world.mkt(["add", "--yes", "\(directory)/notaudio"])
            #expect(added.status == 1 && added.stderr.contains("notaudio: no audio files") && added.stdout.isEmpty, "\(added)")
            #expect(try world.mkt(["for-each-ref", "refs/releases"]).stdout.isEmpty)
        }
    }
}
