import Foundation
import MKTTestSupport
import Testing

/// Onboarding: `mkt init` writes a commented config a user fills in, and says
/// what to do next.
struct InitTemplateJourneyTests {
    static let nextStep = "next: mkt credential set red --api-key, then mkt credential set red --passkey, then mkt doctor; see README 'Set up a tracker'\n"

    @Test func initWritesACommentedTemplateThatParsesAndSaysWhatIsNext() throws {
        try withTemporaryDirectory { directory in
            let result = try MKTProcess.run(["init", "store"], in: directory)
            #expect(result.status == 0 && result.stderr.isEmpty, "\(result)")
            #expect(result.stdout == "Initialized empty mkt store in \(directory)/store/.mkt/\n" + Self.nextStep)

            let configPath = "\(directory)/store/.mkt/config"
            let template = try String(contentsOfFile: configPath, encoding: .utf8)
            let setLines = template.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && !$0.hasPrefix("#") && !$0.hasPrefix(";") }
            #expect(setLines == ["[core]", "format = 2", "hash = sha256"])
            for section in ["#[tracker \"red\"]", "#[tracker \"ops\"]", "#[client \"qbt\"]", "#[seed]"] {
                #expect(template.contains("\n\(section)\n"), "\(section) missing from the template")
            }
            let listed = try MKTProcess.run(["-C", "store", "config", "--list"], in: directory)
            #expect(listed.status == 0 && listed.stdout == "core.format=2\ncore.hash=sha256\n", "\(listed)")

            // Each example is a valid value: with every section and key line
            // uncommented, the config check still lets the file through.
            let uncommented = template.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                line.hasPrefix("#[") || line.hasPrefix("#\t") ? String(line.dropFirst()) : String(line)
            }.joined(separator: "\n")
            try uncommented.write(toFile: configPath, atomically: true, encoding: .utf8)
            let filled = try MKTProcess.run(["-C", "store", "config", "--list"], in: directory)
            #expect(filled.status == 0 && filled.stderr.isEmpty, "\(filled)")
            for pair in ["tracker.red.rate-limit=10/10s", "tracker.seedpool.family=unit3d", "client.qbt.type=qbittorrent", "seed.client=qbt"] {
                #expect(filled.stdout.contains(pair + "\n"), "\(pair) not listed: \(filled.stdout)")
            }

            let again = try MKTProcess.run(["init", "store"], in: directory)
            #expect(again.stdout == "Reinitialized existing mkt store in \(directory)/store/.mkt/\n")
            #expect(try String(contentsOfFile: configPath, encoding: .utf8) == uncommented)
            let quiet = try MKTProcess.run(["init", "-q", "other"], in: directory)
            #expect(quiet.status == 0 && quiet.stdout.isEmpty && quiet.stderr.isEmpty, "\(quiet)")
        }
    }

    /// The README's set-up section init points to: linked from the top, one
    /// page, each site, the commands in order, and links that resolve.
    @Test func readmeSaysHowToSetUpATracker() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let heading = "## Set up a tracker: RED (or OPS, DIC, a UNIT3D site)\n"
        #expect(Self.nextStep.contains("see README 'Set up a tracker'"))
        guard let start = readme.range(of: heading) else {
            Issue.record("README.md has no \(heading)")
            return
        }
        let top = readme[..<(readme.range(of: "\n## ")?.lowerBound ?? start.lowerBound)]
        #expect(top.contains("(#set-up-a-tracker-red-or-ops-dic-a-unit3d-site)"), "no link to the section before README's first heading")
        let rest = readme[start.upperBound...]
        let section = String(rest[..<(rest.range(of: "\n## ")?.lowerBound ?? rest.endIndex)])
        #expect(section.split(separator: "\n", omittingEmptySubsequences: false).count <= 80, "the section is longer than a page")
        for site in ["**RED**", "**OPS**", "**DIC**", "**A UNIT3D site**"] {
            #expect(section.contains(site), "\(site) missing")
        }
        var position = section.startIndex
        for step in ["mkt credential set red --api-key", "mkt credential set dic --cookie", "mkt credential set red --passkey", "mkt doctor", "mkt push red --dry-run"] {
            guard let found = section.range(of: step, range: position..<section.endIndex) else {
                Issue.record("'\(step)' missing or out of order")
                continue
            }
            position = found.upperBound
        }
        for link in section.matches(of: #/\]\((Documentation/[^)#]+)\)/#) {
            let path = root.appendingPathComponent(String(link.output.1)).path
            #expect(FileManager.default.fileExists(atPath: path), "\(link.output.1) does not exist")
        }
    }
}
