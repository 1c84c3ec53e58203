import Foundation
import MKTTestSupport
import Testing

/// `mkt lookup` against a local MusicBrainz and Cover Art Archive
/// (Tests/Fixtures/fake_sources.py), with the fixture album's real tags.
@Suite(.enabled(if: AudioFixtures.available, "the audio tools are missing (scripts/apt-deps.sh test installs them)"))
struct LookupJourneyTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Fixtures/fake_sources.py").standardized.path
    static func folder() throws -> String { try AudioFixtures.directory.get() + "/Fixture Artist - Fixture Album (2019) [FLAC]" }

    static func store(_ directory: String, sources: LocalServer) throws -> [String: String] {
        try MKTProcess.run(["init", "-q"], in: directory)
        let config = """
            [sources]
                contact = mkt-tests@example.invalid
            [source "musicbrainz"]
                url = \(sources.baseURL)
            [source "coverartarchive"]
                url = \(sources.baseURL)
            [source "discogs"]
                url = \(sources.baseURL)
            [credential]
                helper = "!f() { read tracker; case $tracker in tracker=lastfm) echo secret=fake-lastfm-key;; *) echo secret=fake-discogs-token;; esac; }; f"
            [source "lastfm"]
                url = \(sources.baseURL)
            [source "audnexus"]
                url = \(sources.baseURL)
            [source "audible"]
                url = \(sources.baseURL)

            """
        try append(config, to: "\(directory)/.mkt/config")
        return ["XDG_CACHE_HOME": "\(directory)/cache", "XDG_STATE_HOME": "\(directory)/state"]
    }

    static func append(_ text: String, to path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
    }

    static func requests(_ sources: LocalServer, in directory: String) throws -> [[String: Any]] {
        try JSONSerialization.jsonObject(with: MKTProcess.shell("curl -s \(sources.baseURL)/_fake/requests", in: directory).stdoutData) as! [[String: Any]]
    }

    @Test func candidatesAreScoredTypedAndCovered() throws {
        try withTemporaryDirectory { directory in
            let sources = try LocalServer("/usr/bin/python3", [Self.script])
            let environment = try Self.store(directory, sources: sources)
            let looked = try MKTProcess.run(["lookup", try Self.folder()], in: directory, environment: environment)
            #expect(looked.status == 0 && looked.stderr.isEmpty, "\(looked)")
            let candidates = try JSONSerialization.jsonObject(with: looked.stdoutData) as! [[String: Any]]
            // The exact edition; then the same artist's deluxe edition; then a stranger's record with the right track count.
            try #require(candidates.map { $0["id"] as! String } == ["11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222", "33333333-3333-4333-8333-333333333333"])
            let best = candidates[0]
            #expect(best["score"] as? Int == 100)
            #expect(best["releaseType"] as? String == "Live album" && best["artists"] as? [String] == ["Fixture Artist"] && best["guests"] as? [String] == ["Guest Singer"])
            #expect(best["label"] as? String == "Fixture Records & Sons" && best["catalogueNumber"] as? String == "FIX-001" && best["media"] as? String == "WEB")
            #expect(best["cover"] as? String == "\(sources.baseURL)/images/front-1-1200.jpg")
            // The deluxe edition has no front of its own: its release group's.
            #expect(candidates[1]["cover"] as? String == "\(sources.baseURL)/images/group-front-2-1200.jpg" && candidates[1]["media"] as? String == "CD")
            #expect(candidates[2]["releaseType"] as? String == "Bootleg" && candidates[2]["media"] as? String == "Vinyl" && candidates[2]["cover"] == nil)
            #expect((candidates[0]["score"] as! Int) > (candidates[1]["score"] as! Int) && (candidates[1]["score"] as! Int) > (candidates[2]["score"] as! Int))

            let seen = try Self.requests(sources, in: directory)
            #expect(seen.allSatisfy { $0["userAgent"] as? String == "mkt/0.1.0 ( mkt-tests@example.invalid )" }, "\(seen)")
            // Asked again: every answer comes from the cache.
            #expect(try MKTProcess.run(["lookup", try Self.folder()], in: directory, environment: environment).stdout == looked.stdout)
            #expect(try Self.requests(sources, in: directory).count == seen.count)
        }
    }

    /// MusicBrainz's 503 is waited out; a broken answer or no network leaves the tags alone.
    @Test func failuresLeaveTheTagsAlone() throws {
        try withTemporaryDirectory { directory in
            let busy = try LocalServer("/usr/bin/python3", [Self.script, "--fail", "2"])
            var environment = try Self.store(directory, sources: busy)
            let waited = try MKTProcess.run(["lookup", "--limit", "1", try Self.folder()], in: directory, environment: environment)
            #expect(waited.status == 0 && waited.stdout.contains("11111111-1111-4111-8111-111111111111"), "\(waited)")
            let paths = try Self.requests(busy, in: directory).map { $0["path"] as! String }
            // Two 503s, the search, the cover listing, the HEAD that checks the image.
            #expect(paths.prefix(3).allSatisfy { $0.hasPrefix("/ws/2/release/?query=") } && paths.count == 5, "\(paths)")

            let broken = try LocalServer("/usr/bin/python3", [Self.script, "--bad-json"])
            try FileManager.default.createDirectory(atPath: "\(directory)/b", withIntermediateDirectories: true)
            environment = try Self.store("\(directory)/b", sources: broken)
            let garbled = try MKTProcess.run(["lookup", try Self.folder()], in: "\(directory)/b", environment: environment)
            #expect(garbled.status == 0 && garbled.stdout == "[]\n")
            #expect(garbled.stderr == "warning: musicbrainz answered with something that is not JSON; the tags alone stand\n", "\(garbled)")

            try Self.append("[source \"musicbrainz\"]\n    url = http://127.0.0.1:\(Daemon.freePort())\n", to: "\(directory)/b/.mkt/config")
            let unreachable = try MKTProcess.run(["lookup", try Self.folder()], in: "\(directory)/b", environment: environment)
            #expect(unreachable.status == 0 && unreachable.stdout == "[]\n" && unreachable.stderr.hasPrefix("warning: musicbrainz cannot be reached: "), "\(unreachable)")
            let offline = try MKTProcess.run(["lookup", "--offline", try Self.folder()], in: "\(directory)/b", environment: environment)
            #expect(offline.stdout == "[]\n" && offline.stderr == "lookup: offline; the tags alone stand\n")
        }
    }

    /// `mkt add --lookup`: the clear best match is merged with --yes (release
    /// type, media, cover URL, each with its provenance); on a terminal the
    /// user picks; `--offline` asks nothing.
    @Test func addTakesWhatTheMatchKnows() throws {
        try withTemporaryDirectory { directory in
            let sources = try LocalServer("/usr/bin/python3", [Self.script])
            let environment = try Self.store(directory, sources: sources)
            let added = try MKTProcess.run(["add", "--lookup", "--yes", try Self.folder()], in: directory, environment: environment)
            #expect(added.status == 0 && added.stdout == "added fixture-artist-fixture-album-2019-flac\n", "\(added)")
            let meta = try JSONSerialization.jsonObject(with: MKTProcess.run(["cat-file", "-p", "fixture-artist-fixture-album-2019-flac"], in: directory).stdoutData) as! [String: Any]
            let description = meta["description"] as! [String: Any]
            #expect(description["releaseType"] as? String == "Live album" && description["media"] as? String == "WEB")
            #expect(description["coverURL"] as? String == "\(sources.baseURL)/images/front-1-1200.jpg")
            #expect(description["provenance"] as? [String: String] == [
                "releaseType": "musicbrainz:11111111-1111-4111-8111-111111111111", "media": "musicbrainz:11111111-1111-4111-8111-111111111111",
                "coverURL": "coverartarchive:11111111-1111-4111-8111-111111111111", "barcode": "musicbrainz:11111111-1111-4111-8111-111111111111",
            ])
            // The tags' own label and catalogue number stand.
            #expect(description["label"] as? String == "Fixture Records")

            let offlineStore = "\(directory)/offline"
            try FileManager.default.createDirectory(atPath: offlineStore, withIntermediateDirectories: true)
            let offlineEnvironment = try Self.store(offlineStore, sources: sources)
            let before = try Self.requests(sources, in: directory).count
            let offline = try MKTProcess.run(["add", "--lookup", "--offline", "--yes", try Self.folder()], in: offlineStore, environment: offlineEnvironment)
            #expect(offline.status == 0 && offline.stdout.hasPrefix("added fixture-artist-fixture-album-2019-flac"), "\(offline)")
            #expect(try Self.requests(sources, in: directory).count == before)

            let terminalStore = "\(directory)/terminal"
            try FileManager.default.createDirectory(atPath: terminalStore, withIntermediateDirectories: true)
            let terminalEnvironment = try Self.store(terminalStore, sources: sources)
            let picked = try Terminal.drive(["add", "--lookup", try Self.folder()], answering: [("Use which (1-3, 0 for none) [1]: ", "2")], in: terminalStore, environment: terminalEnvironment)
            #expect(picked.status == 0 && picked.stdout.contains("2) Fixture Artist - Fixture Album (Deluxe Edition) (2021, Album, CD, 12 tracks)"), "\(picked)")
            let chosen = try JSONSerialization.jsonObject(with: MKTProcess.run(["cat-file", "-p", "fixture-artist-fixture-album-2019-flac"], in: terminalStore).stdoutData) as! [String: Any]
            let deluxe = chosen["description"] as! [String: Any]
            #expect(deluxe["releaseType"] as? String == "Album" && deluxe["media"] as? String == "CD" && deluxe["coverURL"] as? String == "\(sources.baseURL)/images/group-front-2-1200.jpg")
        }
    }

    /// An audiobook without an ASIN: Audible's catalogue finds it by title
    /// and author (`mkt lookup --source audible`), and `mkt add --lookup`
    /// takes the clear match's ASIN, then Audnexus's people and series.
    @Test func audibleFindsTheASIN() throws {
        try withTemporaryDirectory { directory in
            let sources = try LocalServer("/usr/bin/python3", [Self.script])
            let environment = try Self.store(directory, sources: sources)
            let book = ["--meta", "category=Audiobooks", "--meta", "title=The Fixture Book", "--meta", "author=An Author"]
            #expect(try MKTProcess.run(["add", "--offline", "--yes"] + book + [try Self.folder()], in: directory, environment: environment).status == 0)
            let looked = try MKTProcess.run(["lookup", "--source", "audible", "fixture-artist-fixture-album-2019-flac"], in: directory, environment: environment)
            let found = try JSONSerialization.jsonObject(with: looked.stdoutData) as! [[String: Any]]
            #expect(found.map { $0["id"] as! String } == ["B0FIXTURE1", "B0OTHER001"] && found[0]["score"] as? Int == 85, "\(looked)")
            #expect(found[0]["series"] as? String == "Fixture Saga #2" && found[0]["narrators"] as? [String] == ["A Narrator"])

            let store = "\(directory)/added"
            try FileManager.default.createDirectory(atPath: store, withIntermediateDirectories: true)
            let addEnvironment = try Self.store(store, sources: sources)
            let added = try MKTProcess.run(["add", "--lookup", "--yes"] + book + [try Self.folder()], in: store, environment: addEnvironment)
            #expect(added.status == 0, "\(added)")
            let meta = try JSONSerialization.jsonObject(with: MKTProcess.run(["cat-file", "-p", "fixture-artist-fixture-album-2019-flac"], in: store).stdoutData) as! [String: Any]
            let description = meta["description"] as! [String: Any]
            #expect(description["asin"] as? String == "B0FIXTURE1" && description["series"] as? String == "Fixture Saga #2", "\(description)")
            #expect((description["provenance"] as? [String: String])?["asin"] == "audible:B0FIXTURE1")
            let paths = try Self.requests(sources, in: directory).compactMap { $0["path"] as? String }
            #expect(paths.contains("/books/B0FIXTURE1"), "Audnexus was asked once the ASIN was known")
        }
    }

    /// A MusicBrainz release id (Picard's MUSICBRAINZ_ALBUMID tag, or `--meta
    /// mbid=`) is looked up directly: the exact release with its track list,
    /// scored 100; an id MusicBrainz does not know falls back to the searches.
    @Test func aMusicBrainzIDIsTheRelease() throws {
        try withTemporaryDirectory { directory in
            let sources = try LocalServer("/usr/bin/python3", [Self.script])
            let environment = try Self.store(directory, sources: sources)
            let name = "fixture-artist-fixture-album-2019-flac"
            let bad = try MKTProcess.run(["add", "--offline", "--yes", "--meta", "mbid=not-an-id", try Self.folder()], in: directory, environment: environment)
            #expect(bad.status == 1 && bad.stderr.contains("'not-an-id' is not a MusicBrainz release id"), "\(bad)")
            #expect(try MKTProcess.run(["add", "--offline", "--yes", "--meta", "mbid=11111111-1111-4111-8111-111111111111", try Self.folder()], in: directory, environment: environment).status == 0)
            let exact = try MKTProcess.run(["lookup", name], in: directory, environment: environment)
            let found = try JSONSerialization.jsonObject(with: exact.stdoutData) as! [[String: Any]]
            #expect(found.count == 1 && found[0]["score"] as? Int == 100 && found[0]["cover"] as? String == "\(sources.baseURL)/images/front-1-1200.jpg", "\(exact)")
            #expect((found[0]["tracks"] as? [[String: Any]])?.map { $0["title"] as? String } == ["Opening Tone", "Café Interlude", "Closing Tone"])
            let paths = try Self.requests(sources, in: directory).compactMap { $0["path"] as? String }
            #expect(paths.first?.hasPrefix("/ws/2/release/11111111-1111-4111-8111-111111111111?inc=artist-credits") == true, "\(paths)")

            #expect(try MKTProcess.run(["edit", name, "--meta", "mbid=44444444-4444-4444-8444-444444444444"], in: directory).status == 0)
            let unknown = try MKTProcess.run(["lookup", name], in: directory, environment: environment)
            #expect((try JSONSerialization.jsonObject(with: unknown.stdoutData) as! [[String: Any]]).count == 3, "\(unknown)")
        }
    }

    /// A barcode (from the tags, or `--meta barcode=`) finds the release
    /// exactly; a catalogue number and label find it without a title.
    @Test func barcodesAndCatalogueNumbersFindTheEdition() throws {
        try withTemporaryDirectory { directory in
            let sources = try LocalServer("/usr/bin/python3", [Self.script])
            let environment = try Self.store(directory, sources: sources)
            let name = "fixture-artist-fixture-album-2019-flac"
            #expect(try MKTProcess.run(["add", "--offline", "--yes", "--meta", "barcode=0123456789012", try Self.folder()], in: directory, environment: environment).status == 0)
            let found = try MKTProcess.run(["lookup", "--limit", "3", name], in: directory, environment: environment)
            let byBarcode = try JSONSerialization.jsonObject(with: found.stdoutData) as! [[String: Any]]
            #expect(byBarcode.map { $0["id"] as! String } == ["11111111-1111-4111-8111-111111111111"] && byBarcode[0]["score"] as? Int == 100, "\(found)")
            #expect(try MKTProcess.run(["edit", name, "--meta", "barcode=", "--meta", "title="], in: directory).status == 0)
            let byNumber = try MKTProcess.run(["lookup", name], in: directory, environment: environment)
            #expect((try JSONSerialization.jsonObject(with: byNumber.stdoutData) as! [[String: Any]]).map { $0["id"] as! String } == ["11111111-1111-4111-8111-111111111111"], "\(byNumber)")
            let searches = try Self.requests(sources, in: directory).compactMap { $0["path"] as? String }.filter { $0.hasPrefix("/ws/2/release/?") }
            #expect(searches.count == 2 && searches[0].contains("barcode%3A0123456789012") && searches[1].contains("catno%3A%28FIX%5C-001%29"), "\(searches)")
        }
    }

    /// MusicBrainz down: `mkt add --lookup` takes what is still unknown
    /// (media, cover) from Discogs's clear match, with the token, and keeps
    /// what the files say (the release type, the label).
    @Test func discogsFillsWhatMusicBrainzCannot() throws {
        try withTemporaryDirectory { directory in
            let sources = try LocalServer("/usr/bin/python3", [Self.script, "--fail", "1000"])
            let environment = try Self.store(directory, sources: sources)
            let added = try MKTProcess.run(["add", "--lookup", "--yes", try Self.folder()], in: directory, environment: environment)
            #expect(added.status == 0 && added.stderr == "warning: musicbrainz answered HTTP 503; the tags alone stand\n", "\(added)")
            let meta = try JSONSerialization.jsonObject(with: MKTProcess.run(["cat-file", "-p", "fixture-artist-fixture-album-2019-flac"], in: directory).stdoutData) as! [String: Any]
            let description = meta["description"] as! [String: Any]
            #expect(description["media"] as? String == "WEB" && description["coverURL"] as? String == "\(sources.baseURL)/discogs-images/front.jpg")
            #expect(description["releaseType"] as? String == "Album", "Discogs says EP; the tags' own word (Picard's RELEASETYPE) stands")
            #expect(description["provenance"] as? [String: String] == ["media": "discogs:501", "coverURL": "discogs:501"])
            #expect(description["label"] as? String == "Fixture Records", "the tags' own label stands")
            let heads = try Self.requests(sources, in: directory).filter { ($0["path"] as! String).hasPrefix("/discogs-images/") }
            #expect(heads.count == 1, "the cover was checked once: \(heads)")
        }
    }

    /// With `imagehost.name = ptpimg` and its key, the release's own cover
    /// (here the front cover embedded in the FLAC files, which ranks before
    /// cover.jpg) goes to the host, and its address comes before the archive's.
    @Test func theOwnCoverGoesToTheImageHost() throws {
        try withTemporaryDirectory { directory in
            let sources = try LocalServer("/usr/bin/python3", [Self.script])
            let environment = try Self.store(directory, sources: sources)
            try Self.append("""
                [imagehost]
                    name = ptpimg
                [source "ptpimg"]
                    url = \(sources.baseURL)
                [credential]
                    helper = "!f() { read tracker; case $tracker in tracker=ptpimg) echo secret=fake-ptpimg-key;; *) echo secret=none;; esac; }; f"

                """, to: "\(directory)/.mkt/config")
            let added = try MKTProcess.run(["add", "--lookup", "--yes", try Self.folder()], in: directory, environment: environment)
            #expect(added.status == 0 && added.stderr.isEmpty, "\(added)")
            let meta = try MKTProcess.run(["cat-file", "-p", "fixture-artist-fixture-album-2019-flac"], in: directory)
            let description = (try JSONSerialization.jsonObject(with: meta.stdoutData) as! [String: Any])["description"] as! [String: Any]
            let url = description["coverURL"] as? String ?? ""
            #expect(url.hasPrefix("\(sources.baseURL)/ptp") && url.hasSuffix(".jpg"), "\(description)")
            #expect((description["provenance"] as? [String: String])?["coverURL"] == "ptpimg:embedded:01 - Opening Tone.flac", "\(description)")
            let upload = try #require(try Self.requests(sources, in: directory).first { $0["path"] as? String == "/upload.php" })
            #expect(upload["referer"] as? String == "\(sources.baseURL)/index.php")
            #expect((upload["bytes"] as! Int) > 1000, "the picture's bytes were sent")
            #expect(!meta.stdout.contains("fake-ptpimg-key") && !added.stdout.contains("fake-ptpimg-key"))

            // A wrong key: one warning, and the archive's cover instead.
            try Self.append("[credential]\n    helper = \"!f() { echo secret=wrong; }; f\"\n", to: "\(directory)/.mkt/config")
            let again = try MKTProcess.run(["add", "--lookup", "--yes", "--meta", "year=2018", try Self.folder()], in: directory, environment: environment)
            #expect(again.stderr == "warning: the cover was not uploaded: ptpimg refused the token (mkt credential set ptpimg)\n", "\(again)")
        }
    }

    /// Discogs: the token and the plain-text Accept on every request, its
    /// names cleaned, formats mapped, a 429 waited out; a wrong token is one line.
    @Test func discogsCandidates() throws {
        try withTemporaryDirectory { directory in
            let sources = try LocalServer("/usr/bin/python3", [Self.script, "--discogs-429", "1"])
            let environment = try Self.store(directory, sources: sources)
            let looked = try MKTProcess.run(["lookup", "--source", "discogs", try Self.folder()], in: directory, environment: environment)
            #expect(looked.status == 0 && looked.stderr.isEmpty, "\(looked)")
            let candidates = try JSONSerialization.jsonObject(with: looked.stdoutData) as! [[String: Any]]
            try #require(candidates.map { $0["id"] as! String } == ["501", "502"])
            let best = candidates[0]
            #expect(best["artists"] as? [String] == ["Fixture Artist"] && best["guests"] as? [String] == ["Guest Singer"])
            #expect(best["trackCount"] as? Int == 3 && best["releaseType"] as? String == "EP" && best["media"] as? String == "WEB")
            #expect(best["catalogueNumber"] as? String == "FIX-001" && best["cover"] as? String == "\(sources.baseURL)/discogs-images/front.jpg")
            #expect(candidates[1]["artists"] as? [String] == ["The Beatles"] && candidates[1]["catalogueNumber"] == nil && candidates[1]["releaseType"] as? String == "Album")
            let seen = try Self.requests(sources, in: directory)
            #expect(seen.first?["path"] as? String == seen.dropFirst().first?["path"] as? String, "the 429 was asked again")
            #expect(seen.allSatisfy { $0["accept"] as? String == "application/vnd.discogs.v2.plaintext+json" })
            #expect(!looked.stdout.contains("fake-discogs-token"))

            try Self.append("[credential]\n    helper = \"!f() { echo secret=wrong-token; }; f\"\n", to: "\(directory)/.mkt/config")
            try FileManager.default.removeItem(atPath: "\(directory)/cache")
            let refused = try MKTProcess.run(["lookup", "--source", "discogs", try Self.folder()], in: directory, environment: environment)
            #expect(refused.stdout == "[]\n" && refused.stderr == "warning: discogs refused the token (mkt credential set discogs); the tags alone stand\n", "\(refused)")
        }
    }

    /// Last.fm: the album's tags, cleaned; a bad key is one line.
    @Test func lastFMTags() throws {
        try withTemporaryDirectory { directory in
            let sources = try LocalServer("/usr/bin/python3", [Self.script])
            let environment = try Self.store(directory, sources: sources)
            let looked = try MKTProcess.run(["lookup", "--source", "lastfm", try Self.folder()], in: directory, environment: environment)
            #expect(looked.status == 0 && looked.stderr.isEmpty, "\(looked)")
            let candidates = try JSONSerialization.jsonObject(with: looked.stdoutData) as! [[String: Any]]
            #expect(candidates.count == 1 && candidates.first?["tags"] as? [String] == ["electronic", "ambient", "Hip Hop & Rap"])
            #expect(!looked.stdout.contains("fake-lastfm-key"))

            try Self.append("[credential]\n    helper = \"!f() { echo secret=wrong-key; }; f\"\n", to: "\(directory)/.mkt/config")
            try FileManager.default.removeItem(atPath: "\(directory)/cache")
            let refused = try MKTProcess.run(["lookup", "--source", "lastfm", try Self.folder()], in: directory, environment: environment)
            #expect(refused.stdout == "[]\n" && refused.stderr == "warning: lastfm refused the token (mkt credential set lastfm); the tags alone stand\n", "\(refused)")
        }
    }

    /// Audnexus, for a snapshot that names its ASIN: authors, narrators,
    /// series, cover and chapters; without an ASIN, one line saying how to give it.
    @Test func audnexusBooks() throws {
        try withTemporaryDirectory { directory in
            let sources = try LocalServer("/usr/bin/python3", [Self.script])
            let environment = try Self.store(directory, sources: sources)
            #expect(try MKTProcess.run(["add", "-y", "-q", try Self.folder()], in: directory, environment: environment).status == 0)
            let missing = try MKTProcess.run(["lookup", "--source", "audnexus", "refs/releases/fixture-artist-fixture-album-2019-flac"], in: directory, environment: environment)
            #expect(missing.stdout == "[]\n" && missing.stderr == "warning: audnexus: the release has no ASIN; give it with: mkt edit REL --meta asin=B0…; the tags alone stand\n", "\(missing)")
            #expect(try MKTProcess.run(["edit", "fixture-artist-fixture-album-2019-flac", "--meta", "asin=B0FIXTURE1", "--meta", "title=The Fixture Book"], in: directory, environment: environment).status == 0)
            let looked = try MKTProcess.run(["lookup", "--source", "audnexus", "refs/releases/fixture-artist-fixture-album-2019-flac"], in: directory, environment: environment)
            let book = try #require((try JSONSerialization.jsonObject(with: looked.stdoutData) as! [[String: Any]]).first, "\(looked)")
            #expect(book["artists"] as? [String] == ["An Author"] && book["narrators"] as? [String] == ["A Narrator", "Second & Voice"])
            #expect(book["series"] as? String == "Fixture Saga #2" && book["year"] as? Int == 2021 && book["cover"] as? String == "https://m.media.example/fixture-book.jpg")
            #expect((book["chapters"] as? [[String: Any]])?.map { $0["title"] as? String } == ["Opening Credits", "Chapter 1"])
        }
    }

    /// Files that name no genre get Last.fm's tags in `mkt add --lookup`, when a Last.fm key is at hand.
    @Test func addTakesLastFMTagsWhenTheFilesHaveNone() throws {
        try withTemporaryDirectory { directory in
            let sources = try LocalServer("/usr/bin/python3", [Self.script])
            let environment = try Self.store(directory, sources: sources)
            let folder = "\(directory)/Fixture Artist - Fixture Album (2019) [FLAC]"
            try FileManager.default.copyItem(atPath: try Self.folder(), toPath: folder)
            let stripped = try MKTProcess.shell("for f in '\(folder)'/*.flac; do metaflac --remove-tag=GENRE \"$f\"; done", in: directory)
            #expect(stripped.status == 0, "\(stripped)")
            let added = try MKTProcess.run(["add", "--lookup", "--yes", "-q", folder], in: directory, environment: environment)
            #expect(added.status == 0 && added.stderr.isEmpty, "\(added)")
            let meta = try JSONSerialization.jsonObject(with: MKTProcess.run(["cat-file", "-p", "fixture-artist-fixture-album-2019-flac"], in: directory).stdoutData) as! [String: Any]
            let description = meta["description"] as! [String: Any]
            #expect((description["tags"] as? [String])?.first == "electronic" && (description["genres"] as? [String])?.count == 3, "\(description)")
            #expect((description["provenance"] as? [String: String])?["tags"] == "lastfm:Fixture Artist/Fixture Album")
        }
    }
}
