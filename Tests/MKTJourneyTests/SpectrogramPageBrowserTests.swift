import Foundation
import MKTSubprocess
import MKTTestSupport
import Testing

/// Debian's chromium on PATH, for the page tests.
let chromiumPath = ChildProcess.executable(named: "chromium", searchPath: ProcessInfo.processInfo.environment["PATH"])

/// `mkt spectrals`'s page as a person sees it: opened in headless Chromium,
/// every track's heading is there and each of its pictures has loaded.
@Suite(.enabled(if: AudioTools.found != nil && chromiumPath != nil, "sox, flac, lame or chromium is missing (scripts/apt-deps.sh test installs them)"))
struct SpectrogramPageBrowserTests {

    /// Sets the body's `data-widths` to each picture's natural width once the page has loaded (0: not loaded), and `data-titles` to the headings.
    static let probe = """
        <script>window.addEventListener('load', () => {
          document.body.setAttribute('data-widths', Array.from(document.images, i => i.naturalWidth).join(','));
          document.body.setAttribute('data-titles', Array.from(document.querySelectorAll('h2'), h => h.textContent).join('|'));
        })</script>
        """

    @Test func everyTrackShowsInHeadlessChromium() throws {
        let tools = try #require(AudioTools.found)
        let chromium = try #require(chromiumPath)
        try withTemporaryDirectory { directory in
            let release = "\(directory)/Fixture Artist - Spectra (2019) [FLAC]"
            try FileManager.default.createDirectory(atPath: release, withIntermediateDirectories: true)
            let names = ["01 - Low & Slow.flac", "02 - Middle.flac", "03 - High.flac"]
            for (name, tone) in zip(names, ["440", "3000", "9000"]) {
                let made = try ChildProcess([tools.sox, "-R", "-r", "44100", "-c", "2", "-n", "-b", "16", "\(release)/\(name)", "synth", "2", "sine", tone, "gain", "-n", "-6"],
                    environment: ProcessInfo.processInfo.environment, timeout: 60).run()
                #expect(made.status == 0)
            }
            let drawn = try MKTProcess.run(["spectrals", "--out", "\(directory)/out", release], in: directory)
            #expect(drawn.status == 0, "\(drawn)")
            let page = try String(contentsOfFile: "\(directory)/out/index.html", encoding: .utf8)
            // The page as mkt wrote it, with the probe before its end, beside it so the pictures resolve the same.
            try page.replacingOccurrences(of: "</body>", with: Self.probe + "</body>").write(toFile: "\(directory)/out/probe.html", atomically: true, encoding: .utf8)

            let environment = ["HOME": directory, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
            let browser = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(directory)/profile", "--virtual-time-budget=10000"]
            let dumped = try ChildProcess(browser + ["--dump-dom", "file://\(directory)/out/probe.html"], environment: environment, timeout: 120).run()
            #expect(dumped.status == 0, "\(String(decoding: dumped.standardError, as: UTF8.self).suffix(2000))")
            let dom = String(decoding: dumped.standardOutput, as: UTF8.self)
            let widths = try #require(dom.firstMatch(of: /data-widths="([0-9,]*)"/).map { $0.1.split(separator: ",").compactMap { Int($0) } }, "the probe did not run: \(dom.prefix(500))")
            #expect(widths.count == 2 * names.count, "a full and a zoomed picture per track: \(widths)")
            #expect(widths.allSatisfy { $0 > 1000 }, "every picture loaded (sox draws 1000 pixels and its axes): \(widths)")
            let titles = dom.firstMatch(of: /data-titles="([^"]*)"/).map { String($0.1).replacingOccurrences(of: "&amp;", with: "&") }
            #expect(titles == names.joined(separator: "|"), "\(titles ?? "none")")

            // A picture of the page, to look at (MKT_KEEP_SCREENSHOT=PATH keeps it).
            let shot = "\(directory)/page.png"
            let drawnPage = try ChildProcess(browser + ["--window-size=1400,1900", "--screenshot=\(shot)", "file://\(directory)/out/index.html"], environment: environment, timeout: 120).run()
            #expect(drawnPage.status == 0)
            let png = try #require(FileManager.default.contents(atPath: shot))
            // A blank page of this size is about 12 kB; six spectrograms are far more.
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 50_000, "\(png.count) bytes")
            if let keep = ProcessInfo.processInfo.environment["MKT_KEEP_SCREENSHOT"] { try? png.write(to: URL(fileURLWithPath: keep)) }
        }
    }
}
