import Foundation
import MKTConfig
import MKTMetadata
import MKTObjects
import MKTStore
import MKTTrackers
@testable import MKTWorkflow
import Testing

struct ReleaseNameTests {
    @Test func namesComeFromTheFolder() throws {
        let id = ObjectID(hex: String(repeating: "ab", count: 32))!
        #expect(ReleaseName.make(folder: "Fixture Artist - Fixture Album (2019) [FLAC]", releaseID: id) == "fixture-artist-fixture-album-2019-flac")
        #expect(ReleaseName.make(folder: "Björk – Médúlla (2004) [MP3 V0]", releaseID: id) == "bjork-medulla-2004-mp3-v0")
        #expect(ReleaseName.make(folder: "坂本龍一 - 戦場のメリークリスマス", releaseID: id).allSatisfy { $0.isASCII })
        #expect(ReleaseName.make(folder: "---", releaseID: id) == "release-abababababab")
        let long = ReleaseName.make(folder: String(repeating: "a b ", count: 80), releaseID: id)
        #expect(long.count <= ReleaseName.maximumLength && !long.hasSuffix("-"))
        #expect(RefName.isValid("refs/releases/\(long)"))
    }
}

struct MetaEditTests {
    @Test func fieldsAreSetClearedAndChecked() throws {
        var description = ReleaseDescription()
        description.title = "Old"
        description.year = 2001
        description.encoding = "V0 (VBR)"
        let edited = try MetaEdit.apply(["title=New  Title", "release-type=ep", "year=2019", "artists=A, B", "encoding=", "catalogue-number=CAT 1"], to: description)
        #expect(edited.title == "New Title")
        #expect(edited.releaseType == .ep)
        #expect(edited.year == 2019 && edited.encoding == nil && edited.catalogueNumber == "CAT 1")
        #expect(edited.artists == ["A", "B"] && edited.artistRoles["main"] == ["A", "B"])
        #expect(throws: WorkflowError.badMetaField("year", reason: "'soon' is not a year")) { try MetaEdit.apply(["year=soon"], to: description) }
        #expect(throws: WorkflowError.self) { try MetaEdit.apply(["tracks=x"], to: description) }
        #expect(throws: WorkflowError.badMetaField("title", reason: "expected FIELD=VALUE")) { try MetaEdit.apply(["title"], to: description) }
    }

    /// Every field by its documented kebab-case name (and its JSON key), typed:
    /// no round trip through a dictionary, so `cover-url` is `coverURL`.
    @Test func everyFieldGoesByItsDocumentedName() throws {
        let url = "https://coverartarchive.org/release/1/front.jpg"
        let edited = try MetaEdit.apply([
            "cover-url=\(url)", "original-year=1999", "catalogue-number=CAT 2", "media=blu-ray", "asin=B0X", "barcode=0123",
            "mbid=11111111-1111-4111-8111-11111111111A", "genres=Rock, Pop", "tags=rock", "category=Audiobooks", "author=A", "narrator=N",
            "series=S", "cover=front.jpg", "format=FLAC", "label=L",
        ], to: ReleaseDescription())
        #expect(edited.coverURL == url && edited.originalYear == 1999 && edited.catalogueNumber == "CAT 2" && edited.media == "BD")
        #expect(edited.asin == "B0X" && edited.barcode == "0123" && edited.mbid == "11111111-1111-4111-8111-11111111111a")
        #expect(edited.genres == ["Rock", "Pop"] && edited.tags == ["rock"] && edited.category == "Audiobooks")
        #expect(edited.author == "A" && edited.narrator == "N" && edited.series == "S" && edited.cover == "front.jpg" && edited.format == "FLAC" && edited.label == "L")
        #expect(try MetaEdit.apply(["coverURL=\(url)"], to: ReleaseDescription()).coverURL == url)
        #expect(try MetaEdit.apply(["cover-url="], to: edited).coverURL == nil)
        #expect(MetaEdit.fieldNames.allSatisfy { $0 == $0.lowercased() && !$0.contains("--") }, "\(MetaEdit.fieldNames)")
        #expect(MetaEdit.fieldNames.contains("cover-url") && !MetaEdit.fieldNames.contains("cover-u-r-l"))
        #expect(throws: WorkflowError.badMetaField("category", reason: "every release has a category (Music, Audiobooks); it cannot be cleared")) {
            try MetaEdit.apply(["category="], to: ReleaseDescription())
        }
    }

    /// An encoding or format is a word some site's form offers, in its
    /// spelling; genres give the form's tags unless tags are given too; a
    /// release type set by the user is no longer mkt's guess.
    @Test func wordsOfTheFormsAreChecked() throws {
        #expect(try MetaEdit.apply(["encoding=v0"], to: ReleaseDescription()).encoding == "V0 (VBR)")
        #expect(try MetaEdit.apply(["encoding=24BIT LOSSLESS", "format=flac"], to: ReleaseDescription()).encoding == "24bit Lossless")
        #expect(try MetaEdit.apply(["format=ogg vorbis"], to: ReleaseDescription()).format == "Ogg Vorbis")
        for word in ["banana", "vbr"] {
            #expect(performing: { try MetaEdit.apply(["encoding=\(word)"], to: ReleaseDescription()) }, throws: { error in
                "\(error)".contains("'\(word)' is not an encoding any site takes") && "\(error)".contains("V2 (VBR)")
            })
        }
        #expect(performing: { try MetaEdit.apply(["encoding=V3"], to: ReleaseDescription()) }, throws: { "\($0)".contains("did you mean 'V2 (VBR)'?") || "\($0)".contains("did you mean 'V0 (VBR)'?") || "\($0)".contains("did you mean 'V1 (VBR)'?") })
        let genres = try MetaEdit.apply(["genres=Hip Hop, Drum & Bass"], to: ReleaseDescription())
        #expect(genres.tags == ["hip.hop", "drum.and.bass"])
        #expect(try MetaEdit.apply(["tags=jazz", "genres=Rock"], to: ReleaseDescription()).tags == ["jazz"])
        var guessed = ReleaseDescription()
        guessed.releaseType = .single
        guessed.provenance = ["releaseType": ReleaseDescription.guessed]
        let confirmed = try MetaEdit.apply(["release-type=Single"], to: guessed)
        #expect(confirmed.releaseType == .single && !confirmed.releaseTypeIsGuess && confirmed.provenance == nil)
    }

    /// The config's `add.release-type` takes exactly the types mkt knows.
    @Test func theConfigNamesTheReleaseTypes() {
        #expect(ConfigRegistry.releaseTypeNames == ReleaseType.allCases.filter { $0 != .unknown }.map(\.rawValue))
    }

    @Test func anUnknownFieldGetsTheRealNamesAndTheNearest() {
        let names = MetaEdit.fieldNames.joined(separator: ", ")
        #expect(throws: WorkflowError.badMetaField("cover-u-r-l", reason: "not a field mkt lets you set; did you mean 'cover-url'? (fields: \(names))")) {
            try MetaEdit.apply(["cover-u-r-l=x"], to: ReleaseDescription())
        }
        #expect(throws: WorkflowError.badMetaField("catalog-number", reason: "not a field mkt lets you set; did you mean 'catalogue-number'? (fields: \(names))")) {
            try MetaEdit.apply(["catalog-number=x"], to: ReleaseDescription())
        }
        // Nothing near: no guess, only the list.
        #expect(throws: WorkflowError.badMetaField("tracklisting", reason: "not a field mkt lets you set (fields: \(names))")) {
            try MetaEdit.apply(["tracklisting=x"], to: ReleaseDescription())
        }
    }
}

struct UploadStatsTests {
    func entry(_ tracker: String, _ release: String, _ outcome: UploadReceipt.Outcome, started: Int64, duration: Int64, category: UploadReceipt.Category? = nil) -> HistoryEntry {
        var receipt = UploadReceipt(tracker: tracker, site: "https://x", torrent: "t", infohash: "h", attempt: 1, started: started)
        receipt.finished = started + duration
        receipt.outcome = outcome
        receipt.category = category
        return HistoryEntry(id: ObjectID(hex: String(repeating: "0", count: 63) + "1")!, release: release, receipt: receipt)
    }

    @Test func ratesPercentilesErrorsAndWeeks() {
        // Newest first, as history() gives them.
        let day: Int64 = 86_400_000
        let history = [
            entry("red", "b", .failed, started: 1_764_000_000_000 + 3 * day, duration: 100, category: .server),
            entry("red", "a", .success, started: 1_764_000_000_000 + 2 * day, duration: 3000),
            entry("red", "b", .success, started: 1_764_000_000_000 + day, duration: 1000),
            entry("red", "a", .outcomeUnknown, started: 1_764_000_000_000, duration: 60000, category: .outcomeUnknown),
            entry("ops", "a", .dryRun, started: 1_764_000_000_000, duration: 10),
        ]
        let stats = UploadStats.compute(history)
        #expect(stats.map(\.tracker) == ["red"])
        let red = stats[0]
        #expect(red.releases == 2 && red.uploaded == 1 && red.successRate == 0.5)
        #expect(red.attempts == 4 && red.successes == 2 && red.attemptsPerSuccess == 2)
        #expect(red.p50Milliseconds == 1000 && red.p95Milliseconds == 3000)
        #expect(red.errors == ["server": 1, "outcome-unknown": 1])
        #expect(red.weeks.values.reduce(0, +) == 2)
        #expect(UploadStats.compute(history, since: 1_764_000_000_000 + 2 * day).first?.attempts == 2)
        #expect(UploadStats.isoWeek(1_764_460_800_000) == "2025-W48")
    }
}

struct HistoryOrderTests {
    func entry(_ name: String, started: Int64, attempt: Int) -> HistoryEntry {
        var receipt = UploadReceipt(tracker: "red", site: "https://x", torrent: "t", infohash: "h", attempt: attempt, started: started)
        receipt.finished = started
        let hex = name.utf8.map { String(format: "%02x", $0) }.joined()
        return HistoryEntry(id: ObjectID(hex: String(repeating: "0", count: 64 - hex.count) + hex)!, release: name, receipt: receipt)
    }

    /// The clock went back between a chain's two attempts: the links keep
    /// their order; across chains, start times decide.
    @Test func chainsKeepTheirOrderWhateverTheClock() {
        let newerByLink = entry("a2", started: 100, attempt: 2)
        let olderByLink = entry("a1", started: 200, attempt: 1)
        let other = entry("b1", started: 150, attempt: 1)
        let merged = Repository.merge([[newerByLink, olderByLink], [other]])
        #expect(merged.map(\.release) == ["b1", "a2", "a1"])
    }
}

/// `mkt stats --html` answers "what do I do now?" first.
struct StatsReportTests {
    @Test func whatNeedsAttentionComesFirstAndColoursStay() {
        var red = TrackerStats(tracker: "red")
        red.releases = 4
        red.uploaded = 3
        red.firstTry = 2
        red.p50Milliseconds = 900
        red.p95Milliseconds = 2400
        var gone = TrackerStats(tracker: "gone")
        gone.releases = 1
        gone.uploaded = 1
        gone.firstTry = 1
        var context = StatsReport.Context()
        context.configured = ["red"]
        context.distinctReleases = 4
        context.range = (1_764_547_200_000, 1_764_633_600_000)
        context.attention = [StatsReport.Attention(tracker: "red", release: "album-1", problem: "rejected (validation): bad bitrate", url: "https://red.example/torrents.php?id=5")]
        let page = StatsReport.html([red, gone], generated: Date(timeIntervalSince1970: 1_764_633_600), since: nil, context: context)
        let attention = page.range(of: "<h2>Needs attention</h2>"), perTracker = page.range(of: "<h2>Per tracker</h2>")
        #expect(attention != nil && perTracker != nil && attention!.lowerBound < perTracker!.lowerBound)
        #expect(page.contains("album-1") && page.contains("<a href=\"https://red.example/torrents.php?id=5\">site page</a>"))
        #expect(page.contains("of 4 distinct releases, in 0 attempts to 2 trackers from 2025-12-01 to 2025-12-02"), "\(page.prefix(1500))")
        #expect(page.contains("gone <small>(removed from the config)</small>") && page.contains("<td>50 %</td>"))
        #expect(page.contains("<h2>Upload time</h2>") && page.contains("900 ms / 2.4 s"))
        // A tracker's colour is its own, whoever comes before it.
        let alone = StatsReport.html([red], generated: Date(), since: nil)
        #expect(alone.contains("fill=\"\(StatsReport.color(of: "red"))\"") && page.contains("fill=\"\(StatsReport.color(of: "gone"))\""))
        let empty = StatsReport.html([], generated: Date(), since: nil)
        #expect(empty.contains("Nothing: every upload went through and seeds."))
        #expect(!empty.contains("<h2>Watcher</h2>"), "no watcher ran: no section")
    }

    /// The watcher's section: whether it runs, what settles, what is due, what it did last (newest first), escaped.
    @Test func theWatcherIsShownAfterWhatNeedsAttention() {
        var state = WatchState(pid: 4242, started: "2026-12-01T10:00:00Z")
        state.lastScan = "2026-12-01T10:05:00Z"
        state.settling = [WatchState.Settling(folder: "/in/A & B - Album", lastChange: "2026-12-01T10:04:58Z")]
        state.pending = [WatchState.Pending(job: "red/a-b-album", state: "failed", due: "2026-12-01T10:20:00Z")]
        state.remember("2026-12-01T10:01:00Z added a-b-album")
        state.remember("2026-12-01T10:02:00Z red a-b-album: failed (server)")
        var context = StatsReport.Context()
        context.watcher = (state, true)
        let page = StatsReport.html([], generated: Date(), since: nil, context: context)
        let attention = page.range(of: "<h2>Needs attention</h2>"), watcher = page.range(of: "<h2>Watcher</h2>")
        #expect(attention != nil && watcher != nil && attention!.lowerBound < watcher!.lowerBound)
        #expect(page.contains("<p>running (pid 4242), last scan 2026-12-01T10:05:00Z</p>"))
        #expect(page.contains("<td>/in/A &amp; B - Album</td><td>settling") && page.contains("<td>red/a-b-album</td><td>failed</td><td>due 2026-12-01T10:20:00Z</td>"))
        let failed = page.range(of: "red a-b-album: failed"), added = page.range(of: "added a-b-album")
        #expect(failed != nil && added != nil && failed!.lowerBound < added!.lowerBound, "newest first")
        state.stopped = "2026-12-01T11:00:00Z"
        context.watcher = (state, false)
        #expect(StatsReport.html([], generated: Date(), since: nil, context: context).contains("<p>stopped 2026-12-01T11:00:00Z, last scan"))
    }
}
