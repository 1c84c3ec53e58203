import Foundation
import MKTTestSupport
import Testing

@Suite(.enabled(if: AudioFixtures.available, "the audio encoders or mutagen are missing (scripts/apt-deps.sh test installs them)"))
struct CheckReleaseJourneyTests {
    @Test func theIssuesThreeCases() throws {
        try withTemporaryDirectory { directory in
            let source = try AudioFixtures.files(["flac"]).first { $0.contains("[FLAC]/01") }!
            let name = "Fixture Artist - Fixture Album (2019) [FLAC]"
            let release = "\(directory)/\(name)"
            try FileManager.default.createDirectory(atPath: release, withIntermediateDirectories: true)
            // 181 characters: one too many for RED, fine for OPS.
            let long = String(repeating: "n", count: 181 - name.count - 1 - ".flac".count) + ".flac"
            try FileManager.default.copyItem(atPath: source, toPath: "\(release)/\(long)")
            let red = try MKTProcess.run(["check-release", "--tracker", "red", release], in: directory)
            #expect(red.status == 1)
            #expect(red.stdout == "error: \(long): \(name)/\(long) is 181 characters; RED allows 180\n")
            #expect(red.stderr == "checked 1 file of \(name) against red: 1 error, 0 warnings\n")
            let ops = try MKTProcess.run(["check-release", "--tracker", "ops", release], in: directory)
            #expect(ops.status == 0 && ops.stdout.isEmpty)
            #expect(ops.stderr == "checked 1 file of \(name) against ops: ok\n")
            // A CD FLAC without its log, and an archive inside.
            try FileManager.default.removeItem(atPath: "\(release)/\(long)")
            try FileManager.default.copyItem(atPath: source, toPath: "\(release)/01.flac")
            try Data("PK".utf8).write(to: URL(fileURLWithPath: "\(release)/scans.zip"))
            let cd = try MKTProcess.run(["check-release", "--tracker", "red", "--media", "CD", "--json", release], in: directory)
            #expect(cd.status == 1)
            let findings = try JSONSerialization.jsonObject(with: cd.stdoutData) as! [[String: String]]
            #expect(findings.map { $0["code"]! } == ["nested-archive", "missing-log"])
            #expect(findings[0]["path"] == "scans.zip")
            // The same checks on a release in the store.
            try FileManager.default.removeItem(atPath: "\(release)/scans.zip")
            try writeFile("\(release)/rip.log", "Exact Audio Copy")
            try MKTProcess.run(["init", "-q"], in: directory)
            let pieces = try MKTProcess.run(["hash-release", "-w", release], in: directory).stdout.trimmingCharacters(in: .newlines)
            let stored = try MKTProcess.run(["check-release", "--tracker", "red", "--media", "CD", pieces], in: directory)
            // The log is there, and it is scored: two words are no log the logchecker recognises.
            #expect(stored.status == 1, "\(stored)")
            #expect(stored.stdout.contains("error: rip.log: the log scores 0 and red wants 100"), "\(stored)")
        }
    }
}

@Suite(.enabled(if: AudioFixtures.available, "the audio encoders or mutagen are missing (scripts/apt-deps.sh test installs them)"))
struct DescribeReleaseJourneyTests {
    /// 16- and 24-bit files in one folder: a hybrid release, 24bit Lossless, with a warning.
    @Test func theMixedBitDepthFolder() throws {
        let folder = "\(try AudioFixtures.directory.get())/Fixture Artist - Hybrid Bit Depths (2019) [FLAC]"
        let described = try MKTProcess.run(["describe-release", folder], in: "/")
        let json = try JSONSerialization.jsonObject(with: described.stdoutData) as! [String: Any]
        #expect(json["encoding"] as? String == "24bit Lossless")
        let checked = try MKTProcess.run(["check-release", "--tracker", "red", "--json", folder], in: "/")
        let findings = try JSONSerialization.jsonObject(with: checked.stdoutData) as! [[String: String]]
        #expect(findings.contains { $0["code"] == "mixed-bit-depth" && $0["severity"] == "warning" })
    }

    /// The fixtures' 24/96 album is a true one (synthesised at 96 kHz, content to 40 kHz): the audio checks find nothing.
    @Test func theTwentyFourNinetySixFixtureIsTrueHiRes() throws {
        let folder = "\(try AudioFixtures.directory.get())/Fixture Artist - Fixture Album (2019) [FLAC 24-96]"
        let checked = try MKTProcess.run(["check-release", "--tracker", "red", "--media", "WEB", "--json", folder], in: "/")
        let findings = try JSONSerialization.jsonObject(with: checked.stdoutData) as! [[String: String]]
        #expect(findings.filter { AudioCheckJourneyTests.audioCodes.contains($0["code"] ?? "") }.isEmpty, "\(findings)")
    }

    /// The same album tagged by three tools in two tag families describes the same.
    @Test(arguments: ["[FLAC]", "[MP3 V0]", "[AAC 256]"])
    func fixtureAlbums(variant: String) throws {
        let root = try AudioFixtures.directory.get()
        let folder = "\(root)/Fixture Artist - Fixture Album (2019) \(variant)"
        let result = try MKTProcess.run(["describe-release", folder], in: "/")
        #expect(result.status == 0, "\(result)")
        let json = try JSONSerialization.jsonObject(with: result.stdoutData) as! [String: Any]
        #expect(json["artists"] as? [String] == ["Fixture Artist"])
        #expect(json["title"] as? String == "Fixture Album")
        #expect(json["year"] as? Int == 2019)
        #expect((json["tags"] as? [String])?.first == "electronic")
        let tracks = json["tracks"] as! [[String: Any]]
        #expect(tracks.map { $0["number"] as? Int } == [1, 2, 3])
        // NFC, whatever the tag held (track 2's title is NFD in the files).
        #expect(Array((tracks[1]["title"] as! String).utf8) == Array("Caf\u{E9} Interlude".utf8))
        #expect(tracks[2]["guests"] as? [String] == ["Guest Singer"])
        #expect((json["cover"] as? String)?.hasPrefix("embedded:01") == true)
    }
}

@Suite(.enabled(if: AudioFixtures.available, "the audio encoders or mutagen are missing (scripts/apt-deps.sh test installs them)"))
struct MetaObjectJourneyTests {
    @Test func aMetaSnapshotNamesItsReleaseAndServesAsOne() throws {
        try withTemporaryDirectory { directory in
            let folder = "\(try AudioFixtures.directory.get())/Fixture Artist - Fixture Album (2019) [MP3 V2]"
            try MKTProcess.run(["init", "-q"], in: directory)
            let meta = try MKTProcess.run(["describe-release", "-w", folder], in: directory)
            #expect(meta.status == 0, "\(meta)")
            let id = meta.stdout.trimmingCharacters(in: .newlines)
            #expect(try MKTProcess.run(["cat-file", "-t", id], in: directory).stdout == "meta\n")
            try MKTProcess.run(["update-ref", "refs/releases/fixture", id], in: directory)
            let body = try JSONSerialization.jsonObject(with: try MKTProcess.run(["cat-file", "meta", "fixture"], in: directory).stdoutData) as! [String: Any]
            let description = body["description"] as! [String: Any]
            #expect(description["encoding"] as? String == "V2 (VBR)")
            let pieces = body["pieces"] as! String
            #expect(try MKTProcess.run(["cat-file", "-t", pieces], in: directory).stdout == "pieces\n")
            #expect(try MKTProcess.run(["ls-release", "--name-only", "fixture"], in: directory).stdout.contains("01 - Opening Tone.mp3"))
            #expect(try MKTProcess.run(["verify", "fixture"], in: directory).status == 0)
            let bad = try MKTProcess.run(["hash-object", "-t", "meta", "-w", "--stdin"], in: directory, input: "{\"description\":{}}")
            #expect(bad.status == 1)
            #expect(bad.stderr == "error: bad meta object (standard input): description.artists: missing\n")
        }
    }
}
