import Foundation
import MKTTestSupport
import Testing

/// The torrent description: the tracker's template filled in with the rip
/// log, the spectrograms on the image host and the mkt line, as `show`,
/// `push --dry-run` and the sites see it; a template mkt cannot read refuses
/// the upload, naming its file and line.
@Suite(.enabled(if: AudioFixtures.available && FileManager.default.isExecutableFile(atPath: "/usr/bin/curl") && FileManager.default.isExecutableFile(atPath: "/usr/bin/sox"),
    "the audio encoders, mutagen, sox or curl are missing (scripts/apt-deps.sh test installs them)"))
struct DescriptionJourneyTests {
    static let sourcesScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Fixtures/fake_sources.py").standardized.path

    static func imageUploads(_ sources: LocalServer, in directory: String) throws -> Int {
        let seen = try JSONSerialization.jsonObject(with: MKTProcess.shell("curl -s \(sources.baseURL)/_fake/requests", in: directory).stdoutData) as! [[String: Any]]
        return seen.filter { $0["path"] as? String == "/upload.php" }.count
    }

    @Test func theDescriptionCarriesTheLogTheSpectrogramsAndTheMktLine() throws {
        try withTemporaryDirectory { directory in
            let world = try TrackerWorld(directory)
            let fakes = try WorkflowJourneyTests.fakes(world)
            let sources = try LocalServer("/usr/bin/python3", [Self.sourcesScript])
            try world.appendConfig("""
                [push]
                    made-with-mkt = true
                    spectrals = true
                [imagehost]
                    name = ptpimg
                [source "ptpimg"]
                    url = \(sources.baseURL)
                [credential]
                    helper = "!f() { read tracker; case $tracker in tracker=ptpimg) echo secret=fake-ptpimg-key;; *) echo secret=fake-api-key;; esac; }; f"

                """)
            let release = try WorkflowJourneyTests.addAlbums(1, to: world, media: "CD")[0]
            let logLine = "[b]Rip log[/b] (Fixture Artist - Fixture Album.log): EAC"

            let shown = try world.mkt(["show", "--tracker", "red", release])
            #expect(shown.status == 0, "\(shown)")
            #expect(shown.stdout.contains("  torrent description:\n    \(logLine)"), "\(shown.stdout)")
            #expect(shown.stdout.contains("    [b]Spectrograms[/b]: each track's, uploaded to ptpimg when pushed\n"), "\(shown.stdout)")
            #expect(shown.stdout.contains("    Uploaded with mkt.\n"), "\(shown.stdout)")

            let dry = try world.mkt(["push", "red", "seedpool", "--dry-run", release])
            #expect(dry.status == 0, "\(dry)")
            #expect(dry.stdout.components(separatedBy: "  torrent description:\n    \(logLine)").count == 3, "one per tracker: \(dry.stdout)")
            #expect(try Self.imageUploads(sources, in: directory) == 0, "a dry run uploads no picture")

            let pushed = try world.mkt(["push", "red", "seedpool", release])
            #expect(pushed.status == 0 && pushed.stderr == "2 uploaded\n", "\(pushed)")
            // Three tracks, a full and a zoomed picture each: uploaded once for both trackers.
            #expect(try Self.imageUploads(sources, in: directory) == 6)
            let red = try #require(try fakes[0].uploads.last.map(FakeTracker.fields(of:)))
            let text = try #require(red["release_desc"]?.first, "\(red.keys.sorted())")
            #expect(text.hasPrefix(logLine), "\(text)")
            #expect(text.contains(", score ") && text.contains(", checksum "), "\(text)")
            let links = text.split(separator: "\n").filter { $0.contains("]full[/url] | [url=") }
            #expect(links.count == 3, "\(text)")
            #expect(links.allSatisfy { $0.contains("[url=\(sources.baseURL)/ptp") && $0.hasSuffix(".png]zoom[/url]") }, "\(text)")
            #expect(text.hasSuffix("\n\nUploaded with mkt."), "\(text)")
            let unit3d = try #require(try fakes[2].uploads.last.map(FakeTracker.fields(of:)))
            let description = try #require(unit3d["description"]?.first)
            #expect(description.hasSuffix("\n\n" + text), "UNIT3D: the album's description, then the torrent's: \(description)")
            #expect(description.hasPrefix("[size=4][b]"), "\(description)")
            withExtendedLifetime(fakes) {}
        }
    }

    @Test func aTemplateWithAnUnknownPlaceholderRefusesTheUploadNamingItsLine() throws {
        try withTemporaryDirectory { directory in
            let world = try TrackerWorld(directory)
            let fakes = try WorkflowJourneyTests.fakes(world)
            try "Log score: {rip-log-score}\n{ripscore}\n".write(toFile: "\(directory)/.mkt/red.bbcode", atomically: true, encoding: .utf8)
            try "Log score: {rip-log-score}/100\n{spectrals}\n".write(toFile: "\(directory)/ops.bbcode", atomically: true, encoding: .utf8)
            try world.appendConfig("""
                [tracker "red"]
                    description-template = red.bbcode
                [tracker "ops"]
                    description-template = \(directory)/ops.bbcode
                [push]
                    spectrals = true

                """)
            let release = try WorkflowJourneyTests.addAlbums(1, to: world, media: "CD")[0]
            let pushed = try world.mkt(["push", "red", "ops", release])
            #expect(pushed.status == 1, "\(pushed)")
            #expect(pushed.stderr.hasPrefix("warning: push.spectrals is on but imagehost.name is not set: no spectrograms are uploaded\n"), "\(pushed)")
            #expect(pushed.stdout.contains("red \(release): refused (local): \(directory)/.mkt/red.bbcode:2: unknown placeholder {ripscore} (known: {lineage}, "), "\(pushed)")
            #expect(try fakes[0].uploads.isEmpty, "nothing was sent to red")
            let ops = try #require(try fakes[1].uploads.last.map(FakeTracker.fields(of:)))
            let score = try #require(ops["release_desc"]?.first)
            #expect(score.wholeMatch(of: /Log score: \d+\/100/) != nil, "the spectrals line went with its empty placeholder: \(score)")
            withExtendedLifetime(fakes) {}
        }
    }
}
