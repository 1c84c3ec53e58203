import Foundation
import MKTMetadata
import MKTStore
import MKTTestSupport
import MKTWorkflow
import Testing

/// An M4B audiobook made by ffmpeg (Tests/Fixtures/make-audiobook-fixture.sh),
/// its chapters a QuickTime chapter track with no `chpl`.
enum AudiobookFixture {
    static let tools = ["/usr/bin/sox", "/usr/bin/ffmpeg", "/usr/bin/ffprobe", "/usr/bin/python3"]
    static var available: Bool { tools.allSatisfy { FileManager.default.isExecutableFile(atPath: $0) } }

    /// The book's folder, made under `directory`.
    static func make(in directory: String) throws -> String {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Fixtures/make-audiobook-fixture.sh").standardized.path
        let made = try MKTProcess.shell("/bin/bash '\(script)' '\(directory)/books'", in: directory)
        guard made.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: made.stderr]) }
        return "\(directory)/books/An Author - The Fixture Book"
    }
}

@Suite(.enabled(if: AudiobookFixture.available, "sox or ffmpeg is missing (scripts/apt-deps.sh test installs them)"))
struct AudiobookJourneyTests {
    /// mkt reads the chapter track's titles and start times as ffprobe does.
    @Test func chapterTrackWithoutChpl() throws {
        try withTemporaryDirectory { directory in
            let book = try AudiobookFixture.make(in: directory) + "/book.m4b"
            #expect(try !Data(contentsOf: URL(fileURLWithPath: book)).contains(Data("chpl".utf8)), "the fixture has no Nero chapters")
            let probed = try JSONSerialization.jsonObject(with: MKTProcess.run(["probe", book], in: directory).stdoutData) as! [String: Any]
            let chapters = try #require(probed["chapters"] as? [[String: Any]], "\(probed)")
            let oracle = try JSONSerialization.jsonObject(with: MKTProcess.shell("ffprobe -v error -show_chapters -of json '\(book)'", in: directory).stdoutData) as! [String: Any]
            let expected = (oracle["chapters"] as! [[String: Any]]).map { chapter in
                (Int64((Double(chapter["start_time"] as! String)! * 1000).rounded()), (chapter["tags"] as! [String: String])["title"]!)
            }
            #expect(expected.count == 3)
            #expect(chapters.map { ($0["start"] as! NSNumber).int64Value } == expected.map(\.0))
            #expect(chapters.map { $0["title"] as! String } == expected.map(\.1))
        }
    }

    /// The chapter track's boxes lie (counts, sizes, offsets all ones or all
    /// zeros) and the file ends anywhere: the probe never traps, and what it
    /// reads stays within the file and the chapter limit.
    @Test func hostileChapterTracks() throws {
        try withTemporaryDirectory { directory in
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: try AudiobookFixture.make(in: directory) + "/book.m4b")))
            #expect(try AudioProbe.probe(bytes: bytes, path: "book.m4b", fileSize: bytes.count).chapters.count == 3)
            var variants: [[UInt8]] = stride(from: 8, to: bytes.count, by: max(1, bytes.count / 97)).map { Array(bytes.prefix($0)) }
            for name in ["tref", "chap", "tkhd", "mdhd", "stts", "stsc", "stsz", "stco"] {
                let pattern = Array(name.utf8)
                for start in bytes.indices.dropLast(12) where Array(bytes[start..<(start + 4)]) == pattern {
                    for fill: UInt8 in [0xFF, 0x00, 0x7F] {
                        for field in stride(from: 4, to: 24, by: 4) where start + field + 4 <= bytes.count {
                            var mutated = bytes
                            for index in (start + field)..<(start + field + 4) { mutated[index] = fill }
                            variants.append(mutated)
                        }
                    }
                }
            }
            #expect(variants.count > 300)
            for variant in variants {
                guard let facts = try? AudioProbe.probe(bytes: variant, path: "book.m4b", fileSize: variant.count) else { continue }
                #expect(facts.chapters.count <= 10_000 && facts.chapters.allSatisfy { $0.startMilliseconds >= 0 && $0.title.utf8.count <= 4 * 1024 })
            }
        }
    }

    /// `mkt add --lookup` (fake Audible and Audnexus) to a MAM upload kit,
    /// its adoption, and uploads to a Gazelle and a UNIT3D site (fakes), each
    /// description carrying the synopsis, people, series, runtime, format and chapters.
    @Test func bookToMAMKitAndTrackers() throws {
        try withTemporaryDirectory { directory in
            let folder = try AudiobookFixture.make(in: directory)
            let sources = try LocalServer("/usr/bin/python3", [LookupJourneyTests.script])
            let ops = try FakeTracker(site: "ops")
            let seedpool = try FakeTracker(site: "unit3d", extra: ["--source", "seedpool.org"])
            try withExtendedLifetime((sources, ops, seedpool)) {
                let world = try TrackerWorld(directory)
                var lookup = "[sources]\n    contact = mkt-tests@example.invalid\n"
                for source in ["musicbrainz", "coverartarchive", "discogs", "lastfm", "audnexus", "audible"] { lookup += "[source \"\(source)\"]\n    url = \(sources.baseURL)\n" }
                try world.appendConfig(lookup)
                try world.appendConfig(ops.configSection())
                try world.appendConfig(seedpool.configSection(name: "seedpool", extra: ["family": "unit3d", "source": "seedpool.org", "category-id": "5", "type-id": "7"]))
                let environment = ["XDG_CACHE_HOME": "\(directory)/cache"]

                let added = try world.mkt(["add", "--lookup", "--yes", folder], environment: environment)
                #expect(added.status == 0, "\(added)")
                let release = "an-author-the-fixture-book"
                let meta = try world.object(release)["description"] as! [String: Any]
                #expect(meta["category"] as? String == "Audiobooks" && meta["asin"] as? String == "B0FIXTURE1" && meta["series"] as? String == "Fixture Saga #2", "\(meta)")
                #expect(meta["synopsis"] as? String == "A fixture of a book.\n\nIts second paragraph & more.")
                #expect((meta["chapters"] as? [String: [[String: Any]]])?["book.m4b"]?.count == 3)

                // MAM: what the kit's form gets, a dry run that writes nothing, then the kit, a `prepared` receipt, no upload.
                let shown = try world.mkt(["show", release, "--tracker", "mam"]).stdout
                #expect(shown.contains("mam would receive (mam form):\n    authors = [\"An Author\"]\n") && shown.contains("    isbn = ASIN:B0FIXTURE1\n"), "\(shown)")
                let dry = try world.mkt(["push", "mam", release, "--dry-run"])
                #expect(dry.status == 0 && dry.stdout == "mam \(release): dry-run: mam has no upload API; the upload kit would go to \(directory)/.mkt/kits/mam/\(release)\n", "\(dry)")
                #expect(!FileManager.default.fileExists(atPath: "\(directory)/.mkt/kits"))
                let prepared = try world.mkt(["push", "mam", release])
                let kit = "\(directory)/.mkt/kits/mam/\(release)"
                #expect(prepared.status == 0, "\(prepared)")
                #expect(prepared.stdout == "mam \(release): prepared: upload by hand at https://www.myanonamouse.net/tor/upload.php, then mkt adopt mam \(release) --id ID; upload kit in \(kit)\n")
                #expect(try FileManager.default.contentsOfDirectory(atPath: kit).sorted() == ["An Author - The Fixture Book.torrent", "cover.jpg", "description.bbcode", "mam-fast-fill.json"])
                let torrent = try Data(contentsOf: URL(fileURLWithPath: "\(kit)/An Author - The Fixture Book.torrent"))
                #expect(torrent.range(of: Data("8:announce60:https://t.myanonamouse.net/tracker.php/fake-api-key/announce".utf8)) != nil)
                #expect(torrent.range(of: Data("6:source3:MAM".utf8)) != nil && torrent.range(of: Data("7:privatei1e".utf8)) != nil)
                #expect(try FileManager.default.attributesOfItem(atPath: "\(kit)/An Author - The Fixture Book.torrent")[.posixPermissions] as? Int == 0o600, "it holds the passkey")
                #expect(try Data(contentsOf: URL(fileURLWithPath: "\(kit)/cover.jpg")) == Data(contentsOf: URL(fileURLWithPath: "\(folder)/cover.jpg")))
                let description = try String(contentsOfFile: "\(kit)/description.bbcode", encoding: .utf8)
                Self.expectFullDescription(description)
                let fastFill = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(kit)/mam-fast-fill.json"))) as! [String: Any]
                #expect(fastFill["title"] as? String == "The Fixture Book" && fastFill["authors"] as? [String] == ["An Author"] && fastFill["narrators"] as? [String] == ["A Narrator"])
                #expect(fastFill["series"] as? [[String: String]] == [["name": "Fixture Saga", "number": "2"]] && fastFill["isbn"] as? String == "ASIN:B0FIXTURE1")
                #expect(fastFill["mediaType"] as? Int == 1 && fastFill["tags"] as? String == "Length: 0h 0m | Format: AAC (M4B), 64 kbps | Chapterized |")
                #expect(fastFill["description"] as? String == description.dropLast(1).description && fastFill["thumbnail"] as? String == "https://m.media.example/fixture-book.jpg")

                // status and log say what is next; a second push prepares nothing new.
                #expect(try world.mkt(["status"]).stdout.contains("prepared: upload by hand at https://www.myanonamouse.net/tor/upload.php, then mkt adopt mam \(release) --id ID"))
                #expect(try world.mkt(["log", release]).stdout.contains("prepared: upload by hand"))
                #expect(try world.mkt(["stats"]).stdout.contains("mam \(release): prepared: upload by hand"))
                try world.appendConfig("[tracker \"mam\"]\n    timeout = 30s\n")
                #expect(try world.mkt(["doctor"]).stdout.contains("ok   tracker mam: no upload API to ask; mkt push mam writes an upload kit to upload by hand at https://www.myanonamouse.net/tor/upload.php\nok   tracker mam: a passkey for the announce URL\n"))
                let receiptID = try world.mkt(["rev-parse", "refs/trackers/mam/\(release)"]).line
                #expect(try world.mkt(["push", "mam", release]).status == 0)
                #expect(try world.mkt(["rev-parse", "refs/trackers/mam/\(release)"]).line == receiptID)
                #expect(try world.mkt(["rev-parse", "refs/seeding/mam/\(release)"]).status != 0, "nothing seeds a torrent the site does not know yet")

                // Gazelle and UNIT3D: the same description, in the group and in the torrent's.
                let pushed = try world.mkt(["push", "ops", "seedpool", release])
                #expect(pushed.status == 0, "\(pushed)")
                let gazelle = FakeTracker.fields(of: try ops.uploads[0])
                #expect(gazelle["type"] == ["3"] && gazelle["title"] == ["An Author - The Fixture Book"] && gazelle["format"] == ["AAC"], "\(gazelle)")
                Self.expectFullDescription(try #require(gazelle["album_desc"]?.first))
                Self.expectFullDescription(try #require(FakeTracker.fields(of: try seedpool.uploads[0])["description"]?.first))

                // The user uploaded it by hand; the site calls it torrent 1234567. Adopting it seeds the kit's torrent, once.
                #expect(try world.mkt(["adopt", "mam", release, "\(kit)/An Author - The Fixture Book.torrent"]).stderr.contains("--id ID"), "MAM cannot be asked for a torrent")
                let drop = "\(directory)/drop"
                try FileManager.default.createDirectory(atPath: drop, withIntermediateDirectories: true)
                try world.appendConfig("[client \"drop\"]\n    type = watch\n    watch-dir = \(drop)\n")
                let adopt = try world.mkt(["adopt", "mam", release, "--id", "1234567"])
                #expect(adopt.status == 0 && adopt.stdout.hasPrefix("mam \(release): success") && adopt.stdout.contains("https://www.myanonamouse.net/t/1234567"), "\(adopt)")
                let repository = try Repository.discover(from: directory, environment: world.environment)
                let adoptedID = try #require(ObjectID(hex: try world.mkt(["rev-parse", "refs/trackers/mam/\(release)"]).line))
                let adopted = try repository.objects.readReceipt(adoptedID)
                #expect(adopted.outcome == .success && adopted.previous == receiptID && adopted.url == "https://www.myanonamouse.net/t/1234567")
                #expect(adopted.seedClient == "drop" && adopted.seedError == nil && adopted.seedHandedTo != nil)
                #expect(try FileManager.default.contentsOfDirectory(atPath: drop).count == 1, "handed to the client once, after the upload")
                #expect(try world.mkt(["push", "mam", release]).stdout == "mam \(release): up to date\n")
                #expect(try world.mkt(["adopt", "mam", release, "--id", "1"]).status == 1, "already adopted: the newest receipt is no prepared kit")
                #expect(try world.mkt(["fsck"]).status == 0)
            }
        }
    }

    static func expectFullDescription(_ text: String) {
        for part in [
            "[size=4][b]An Author – The Fixture Book[/b][/size]", "[b]Author:[/b] An Author", "[b]Narrator:[/b] A Narrator",
            "[b]Series:[/b] Fixture Saga, book 2", "[b]Year:[/b] 2021", "[b]Runtime:[/b] 0:08", "[b]Format:[/b] AAC (M4B), 64 kbps",
            "[b]Synopsis[/b]\n[quote]A fixture of a book.\n\nIts second paragraph & more.[/quote]",
            "[b]Chapters[/b]\n[b]01.[/b] Opening Credits [i](0:00)[/i]\n[b]02.[/b] Chapter 1: Café [i](0:03)[/i]\n[b]03.[/b] End Credits [i](0:06)[/i]",
            "[url=https://www.audible.com/pd/B0FIXTURE1]Audible[/url]",
        ] {
            #expect(text.contains(part), "\(part) is missing from:\n\(text)")
        }
    }
}
