import Foundation
import MKTTestSupport
import Testing

/// `mkt push --dry-run` prints, per site, the exact form the upload sends
/// (issue 15): every field and value, files by name and size, never a key;
/// and `mkt show` names the artists by role before anything is sent.
struct DryRunFormJourneyTests {
    @Test func theDryRunPrintsEachSitesForm() throws {
        try withTemporaryDirectory { directory in
            let world = try TrackerWorld(directory)
            let trackers = try WorkflowJourneyTests.fakes(world)
            try withExtendedLifetime(trackers) {
                let release = try WorkflowJourneyTests.addAlbums(1, to: world)[0]
                let pushed = try world.mkt(["push", "red", "ops", "seedpool", release, "--dry-run"])
                #expect(pushed.status == 0, "\(pushed)")
                for tracker in ["red", "ops", "seedpool"] {
                    #expect(pushed.stdout.contains("  the form \(tracker) would receive:\n"), "\(tracker): \(pushed.stdout)")
                }
                let lines = pushed.stdout.split(separator: "\n").map(String.init)
                // The torrent by name and size, the artists by role, the whole description.
                #expect(lines.contains { $0.hasPrefix("    file_input = file Fixture Artist - Album 1 (2019) [FLAC].torrent (") && $0.hasSuffix(" bytes)") })
                #expect(lines.contains { $0.hasPrefix("    torrent = file Fixture Artist - Album 1 (2019) [FLAC].torrent (") })
                #expect(lines.contains("    artists[] = Fixture Artist") && lines.contains("    importance[] = 1"))
                #expect(lines.contains("    dryrun = 1"), "RED is asked for its own dry run")
                #expect(lines.contains("    workaround_broken_html_entities = 0"))
                #expect(lines.contains { $0.hasPrefix("    album_desc = ") && $0.contains("[b]Tracklist[/b]") && !$0.hasSuffix("…") })
                #expect(!pushed.stdout.contains("fake-api-key") && !pushed.stdout.contains(trackers[0].passkey))
                // Nothing reached OPS or the UNIT3D site (no dry run there); RED's kept nothing.
                #expect(try trackers[1].uploads.isEmpty && trackers[2].uploads.isEmpty)
                #expect(try trackers[0].torrents.isEmpty)

                let shown = try world.mkt(["show", release])
                #expect(shown.stdout.contains("    credits          main (1): Fixture Artist; guest (2): Guest Singer"), "\(shown.stdout)")
            }
        }
    }
}
