import Foundation
import MKTTestSupport
import Testing

/// The HTML report as a browser draws it (issue 16, #13): after a history
/// with failures, headless Chromium's screenshot has the needs-attention list
/// at the top, drawn (not a blank page), and its DOM has that list first.
@Suite(.enabled(if: AudioFixtures.available && FileManager.default.isExecutableFile(atPath: "/usr/bin/curl") && Oracle.available("/usr/bin/python3"), "the audio fixtures, curl or python3 are missing (scripts/apt-deps.sh test installs them)"))
struct StatsScreenshotJourneyTests {
    static let chromium = "/usr/bin/chromium"

    /// Decodes an 8-bit RGB(A) PNG (Chromium's screenshots) with Python's
    /// zlib and prints, per row, the pixels that are not the white background
    /// ("ink") and those that are strongly coloured (the trackers' swatches).
    static let pixelScript = """
        import json, struct, sys, zlib
        data = open(sys.argv[1], 'rb').read()
        assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n', 'not a PNG'
        pos, idat = 8, b''
        while pos < len(data):
            length, kind = struct.unpack('>I4s', data[pos:pos + 8])
            body = data[pos + 8:pos + 8 + length]
            if kind == b'IHDR':
                width, height, depth, colour = struct.unpack('>IIBB', body[:10])
            elif kind == b'IDAT':
                idat += body
            pos += 12 + length
        assert depth == 8 and colour in (2, 6), f'depth {depth} colour type {colour}'
        channels = 3 if colour == 2 else 4
        raw = zlib.decompress(idat)
        stride = width * channels
        previous = bytearray(stride)
        ink, coloured = [], []
        for y in range(height):
            kind = raw[y * (stride + 1)]
            line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
            for x in range(stride):
                a = line[x - channels] if x >= channels else 0
                b = previous[x]
                c = previous[x - channels] if x >= channels else 0
                if kind == 1: line[x] = (line[x] + a) & 255
                elif kind == 2: line[x] = (line[x] + b) & 255
                elif kind == 3: line[x] = (line[x] + (a + b) // 2) & 255
                elif kind == 4:
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            previous = line
            pixels = [(line[x], line[x + 1], line[x + 2]) for x in range(0, stride, channels)]
            ink.append(sum(1 for r, g, b in pixels if min(r, g, b) < 200))
            coloured.append(sum(1 for r, g, b in pixels if max(r, g, b) - min(r, g, b) > 60))
        print(json.dumps({'width': width, 'height': height, 'ink': ink, 'coloured': coloured}))
        """

    static func chromium(_ arguments: [String], profile: String) throws -> MKTResult {
        try MKTProcess.shell(
            ([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--user-data-dir=\(profile)"] + arguments)
                .map(Oracle.quote).joined(separator: " ") + " 2>/dev/null", in: "/")
    }

    @Test(.enabled(if: Oracle.available(chromium), "chromium is missing (scripts/apt-deps.sh test installs it)"), .timeLimit(.minutes(3)))
    func theScreenshotShowsWhatNeedsAttentionFirst() throws {
        try withTemporaryDirectory { directory in
            let world = try TrackerWorld(directory)
            try world.appendConfig("[push]\n    retries = 0\n")
            let (red, ops) = try { let all = try WorkflowJourneyTests.fakes(world); return (all[0], all[1]) }()
            try withExtendedLifetime((red, ops)) {
                let releases = try WorkflowJourneyTests.addAlbums(2, to: world)
                try red.faults(["fail": ["status": 503, "count": 10, "actions": ["upload"]]])
                let pushed = try world.mkt(["push", "red", "ops"])
                #expect(pushed.status == 1, "red fails, ops takes both: \(pushed)")
                let report = "\(directory)/report.html"
                let stats = try world.mkt(["stats", "--html", report])
                #expect(stats.status == 0, "\(stats)")

                // The DOM Chromium built: the attention list first, naming each failed pair.
                let dom = try Self.chromium(["--dump-dom", "file://\(report)"], profile: "\(directory)/chromium").stdout
                let attention = try #require(dom.range(of: "<h2>Needs attention</h2>"), "\(dom.prefix(3000))")
                let perTracker = try #require(dom.range(of: "<h2>Per tracker</h2>"))
                #expect(attention.upperBound < perTracker.lowerBound)
                let list = String(dom[attention.upperBound..<perTracker.lowerBound])
                for release in releases {
                    #expect(list.contains("red</td><td>\(release)</td>") , "\(list)")
                }
                #expect(!list.contains("ops</td>"), "ops took both: \(list)")

                let screenshot = "\(directory)/report.png"
                _ = try Self.chromium(["--screenshot=\(screenshot)", "--window-size=1000,1400", "file://\(report)"], profile: "\(directory)/chromium")
                if let keep = ProcessInfo.processInfo.environment["MKT_TEST_SCREENSHOT"] {
                    try? FileManager.default.removeItem(atPath: keep)
                    try FileManager.default.copyItem(atPath: screenshot, toPath: keep)
                }
                let decoded = try Oracle.run(Oracle.python, ["-c", Self.pixelScript, screenshot], in: "/")
                #expect(decoded.status == 0, "\(decoded)")
                let pixels = try #require(try JSONSerialization.jsonObject(with: decoded.stdoutData) as? [String: Any])
                let ink = try #require(pixels["ink"] as? [Int])
                let coloured = try #require(pixels["coloured"] as? [Int])
                #expect(pixels["width"] as? Int == 1000 && ink.count == 1400)
                // The top of the page holds the title, the summary and the
                // attention list's rows with red's swatch: drawn, not blank.
                let top = 0..<320
                #expect(ink[top].reduce(0, +) > 3000, "text at the top: \(ink[top].reduce(0, +)) dark pixels")
                let swatchRows = coloured[top].filter { $0 > 0 }.count
                #expect(swatchRows >= 8, "the attention rows' swatches at the top: \(swatchRows) coloured rows")
                #expect(ink.reduce(0, +) > ink[top].reduce(0, +), "the charts below")
            }
        }
    }
}
