import Foundation
import MKTTestSupport
import Testing

/// A push that talks (issue 16, #7): on a terminal a live line per tracker
/// says what it waits for; without one, plain lines only; --verbose shows
/// each request and never a key.
@Suite(.enabled(if: AudioFixtures.available && FileManager.default.isExecutableFile(atPath: "/usr/bin/curl") && Oracle.available("/usr/bin/python3"), "the audio fixtures, curl or python3 are missing (scripts/apt-deps.sh test installs them)"))
struct PushTalksJourneyTests {
    static let apiKeyCanary = "PushCanaryApiKey0123456789abcdef"
    static let passkeyCanary = "feedface0123456789abcdefcanary99"

    private func world(_ directory: String, apiKey: String = "fake-api-key", passkey: String = "fakepasskey0123456789abcdef0000") throws -> (TrackerWorld, FakeTracker, String) {
        let world = try TrackerWorld(directory, credentialHelper: false)
        try world.useHelper(answering: apiKey)
        try world.appendConfig("[push]\n    backoff = 0.05\n")
        let red = try FakeTracker(site: "red", apiKey: apiKey, passkey: passkey)
        try world.appendConfig(red.configSection())
        let release = try WorkflowJourneyTests.addAlbums(1, to: world)[0]
        return (world, red, release)
    }

    /// Control characters other than the line end: escapes, carriage returns, backspaces.
    static func controlCharacters(_ text: String) -> [UInt32] {
        text.unicodeScalars.map(\.value).filter { ($0 < 0x20 && $0 != 0x0a) || $0 == 0x7f }
    }

    @Test(.timeLimit(.minutes(2)))
    func onATerminalTheWaitIsShownLiveThenTheResult() throws {
        try withTemporaryDirectory { directory in
            let (world, red, release) = try world(directory)
            try withExtendedLifetime(red) {
                try red.faults(["rate_limited": 1, "retry_after": "2"])
                let shown = try Terminal.drive(
                    ["push", "red"], answering: [], in: directory,
                    environment: world.environment.merging(["XDG_CONFIG_HOME": "\(directory)/no-config", "MKT_CREDENTIALS": "\(directory)/no-credentials"]) { $1 })
                #expect(shown.status == 0, "\(shown)")
                let waiting = try #require(shown.stdout.range(of: "red: \(release): waiting 2 s (Retry-After)"), "\(shown.stdout)")
                let uploading = try #require(shown.stdout.range(of: "red: uploading \(release)"), "\(shown.stdout)")
                let success = try #require(shown.stdout.range(of: "red \(release): success: "), "\(shown.stdout)")
                #expect(uploading.lowerBound < waiting.lowerBound && waiting.lowerBound < success.lowerBound)
                // The upload's progress, to its last byte, as libcurl sends it.
                let sent = try #require(shown.stdout.range(of: "red: uploading \(release): "), "\(shown.stdout)")
                #expect(shown.stdout[sent.upperBound...].contains(" of ") && shown.stdout.contains("(100 %)"), "\(shown.stdout.debugDescription)")
                // Each live line is erased in place: none is left above the result.
                #expect(shown.stdout.contains("\r\u{1b}[K"))
                let afterLastErase = shown.stdout.components(separatedBy: "\u{1b}[K").last ?? ""
                #expect(afterLastErase.hasPrefix("red \(release): success") && !afterLastErase.contains("waiting"), "\(shown.stdout.debugDescription)")
            }
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func withoutATerminalOnlyWhatChangedAndNoControlCharacters() throws {
        try withTemporaryDirectory { directory in
            let (world, red, release) = try world(directory)
            try withExtendedLifetime(red) {
                // A wait the site asks for, and an upload that fails once and is retried.
                try red.faults(["rate_limited": 1, "retry_after": "1", "fail": ["status": 503, "count": 1, "actions": ["upload"]]])
                let pushed = try world.mkt(["push", "red"])
                #expect(pushed.status == 0, "\(pushed)")
                #expect(Self.controlCharacters(pushed.stdout + pushed.stderr).isEmpty, "\(pushed.stderr.debugDescription)")
                #expect(!pushed.stderr.contains("waiting") && !pushed.stderr.contains("uploading"), "no live lines: \(pushed.stderr)")
                #expect(pushed.stderr.contains("red \(release): attempt 1: ") && pushed.stderr.contains("trying again in"), "\(pushed.stderr)")
                #expect(pushed.stdout.hasPrefix("red \(release): success: "))
            }
        }
    }

    /// #7: --quiet prints only what went wrong: nothing for uploads that went
    /// through, nothing for releases the site has ("up to date" every push).
    @Test(.timeLimit(.minutes(2)))
    func quietSaysNothingWhenAllIsWell() throws {
        try withTemporaryDirectory { directory in
            let (world, red, _) = try world(directory)
            try withExtendedLifetime(red) {
                for round in 1...2 {
                    let pushed = try world.mkt(["push", "red", "--quiet"])
                    #expect(pushed.status == 0 && pushed.stdout.isEmpty && pushed.stderr.isEmpty, "round \(round): \(pushed)")
                }
                #expect(try red.torrents.count == 1)
            }
        }
    }

    /// #3: a job queued before `mkt edit` is sent with the edited snapshot:
    /// the site receives the new year, and one line says so, not two outcomes.
    @Test(.timeLimit(.minutes(2)))
    func aQueuedJobIsSentAsEdited() throws {
        try withTemporaryDirectory { directory in
            let world = try TrackerWorld(directory)
            let red = try FakeTracker(site: "red")
            try world.appendConfig(red.configSection())
            try withExtendedLifetime(red) {
                let folder = "\(directory)/music/Fixture Artist - Album 2 (2019) [FLAC]"
                try FileManager.default.createDirectory(atPath: "\(directory)/music", withIntermediateDirectories: true)
                try FileManager.default.copyItem(atPath: "\(try AudioFixtures.directory.get())/Fixture Artist - Fixture Album (2019) [FLAC]", toPath: folder)
                let added = try world.mkt(["add", folder, "--yes", "--tracker", "red", "--meta", "title=Album 2", "--meta", "media=WEB"])
                #expect(added.status == 0 && added.stdout.contains("queued"), "\(added)")
                let edited = try world.mkt(["edit", "fixture-artist-album-2-2019-flac", "--meta", "year=2001"])
                #expect(edited.status == 0, "\(edited)")
                let pushed = try world.mkt(["push", "--queue"])
                #expect(pushed.status == 0, "\(pushed)")
                let lines = pushed.stdout.split(separator: "\n").filter { $0.hasPrefix("red fixture-artist-album-2-2019-flac: ") }
                #expect(lines.count == 1 && lines[0].contains(": success: "), "one outcome: \(pushed)")
                let fields = FakeTracker.fields(of: try #require(try red.uploads.last))
                #expect(fields["year"] == ["2001"], "the edited snapshot was sent: \(fields)")
            }
        }
    }

    /// #7: a key the site refuses stops that tracker at the first refusal,
    /// with one line and the fix, not the same failure for every release.
    @Test(.timeLimit(.minutes(2)))
    func aRefusedKeyStopsWithOneLineAndTheFix() throws {
        try withTemporaryDirectory { directory in
            let world = try TrackerWorld(directory, credentialHelper: false)
            try world.useHelper(answering: "the-wrong-key-0123456789")
            let red = try FakeTracker(site: "red")
            try world.appendConfig(red.configSection())
            try withExtendedLifetime(red) {
                let releases = try WorkflowJourneyTests.addAlbums(3, to: world)
                let pushed = try world.mkt(["push", "red"])
                #expect(pushed.status == 1, "\(pushed)")
                #expect(pushed.stdout.split(separator: "\n").count == 1, "one release's line: \(pushed.stdout)")
                #expect(pushed.stderr.contains("red: the site refused the API key or cookie; 2 more job(s) stay queued. Set the right one (mkt credential set red), check it (mkt doctor), then mkt push --queue"), "\(pushed.stderr)")
                #expect(try red.uploads.isEmpty)
                #expect(try world.mkt(["queue"]).stdout.split(separator: "\n").count >= releases.count - 1)
            }
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func verboseShowsEachRequestAndNeverAKey() throws {
        try withTemporaryDirectory { directory in
            let (world, red, release) = try world(directory, apiKey: Self.apiKeyCanary, passkey: Self.passkeyCanary)
            try withExtendedLifetime(red) {
                try red.faults(["rate_limited": 1, "retry_after": "1"])
                let pushed = try world.mkt(["push", "red", "--verbose"])
                #expect(pushed.status == 0, "\(pushed)")
                let lines = pushed.stderr.split(separator: "\n").map(String.init).filter { $0.hasPrefix("red: ") }
                #expect(lines.count == (try red.requests.count), "one line per request: \(pushed.stderr)")
                #expect(lines.contains { $0.hasPrefix("red: GET /ajax.php?action=index -> HTTP 200 in ") && $0.hasSuffix(" ms") }, "\(lines)")
                #expect(lines.contains { $0.contains("-> HTTP 429 in ") && $0.hasSuffix(": rate limited: wait 1 s") }, "\(lines)")
                #expect(lines.contains { $0.hasPrefix("red: POST /ajax.php?action=upload -> HTTP 200") }, "\(lines)")
                #expect(!pushed.stderr.contains(red.url), "no host: \(pushed.stderr)")
                #expect(pushed.stdout.hasPrefix("red \(release): success: "))
                for secret in [Self.apiKeyCanary, Self.passkeyCanary] {
                    #expect(!CredentialJourneyTests.leaks(Data((pushed.stdout + pushed.stderr).utf8), of: secret), "a secret in the output")
                }
                #expect(Self.controlCharacters(pushed.stderr).isEmpty)
            }
        }
    }
}
