import Foundation
import MKTMetadata

/// `mkt stats --html`: one self-contained page, charts in inline SVG, no
/// script and nothing fetched from the network.
public enum StatsReport {
    static let palette = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f"]
    static let categoryColors = [
        "auth": "#e15759", "rate-limit": "#edc948", "validation": "#f28e2b", "duplicate": "#b07aa1",
        "server": "#9c755f", "network": "#76b7b2", "outcome-unknown": "#bab0ac", "local": "#4e79a7",
    ]

    /// One (tracker, release) that needs the user now: what is wrong, the site's page if any.
    public struct Attention: Sendable {
        public var tracker: String
        public var release: String
        public var problem: String
        public var url: String?

        public init(tracker: String, release: String, problem: String, url: String? = nil) {
            self.tracker = tracker
            self.release = release
            self.problem = problem
            self.url = url
        }
    }

    /// What the page covers besides the numbers: what needs attention, the
    /// trackers in the config (others are marked removed), the releases and
    /// the first and last attempt.
    public struct Context: Sendable {
        public var attention: [Attention] = []
        public var configured: [String] = []
        public var distinctReleases = 0
        public var range: (first: Int64, last: Int64)?
        /// What `mkt watch` last wrote (.mkt/watch.json), and whether it runs now.
        public var watcher: (state: WatchState, running: Bool)?
        public init() {}
    }

    /// The attention list from `Repository.status`: failed, unknown, refused, damaged, not seeding.
    public static func attention(_ status: [(release: String, trackers: [(name: String, state: TrackerState)])]) -> [Attention] {
        status.flatMap { release in
            release.trackers.compactMap { tracker -> Attention? in
                switch tracker.state {
                case .failed(let receipt): Attention(tracker: tracker.name, release: release.release, problem: receipt.summary, url: receipt.url)
                case .needsAttention(let why): Attention(tracker: tracker.name, release: release.release, problem: why)
                case .damaged(let why): Attention(tracker: tracker.name, release: release.release, problem: why)
                case .uploaded(let receipt, _) where receipt.seedError != nil:
                    Attention(tracker: tracker.name, release: release.release, problem: "uploaded, not seeding: \(receipt.seedError ?? "")", url: receipt.url)
                default: nil
                }
            }
        }
    }

    public static func html(_ stats: [TrackerStats], generated: Date, since: String?, context: Context = Context()) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        let attempts = stats.reduce(0) { $0 + $1.attempts }
        let uploaded = stats.reduce(0) { $0 + $1.uploaded }
        let day = { (milliseconds: Int64) in String(formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000)).prefix(10)) }
        let range = context.range.map { " from \(day($0.first)) to \(day($0.last))" } ?? ""
        var page = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>mkt upload statistics</title>
            <style>
            body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#222}
            h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.1rem;margin-top:2rem}
            .sub{color:#666;margin-top:0}table{border-collapse:collapse;width:100%}
            th,td{text-align:right;padding:.3rem .6rem;border-bottom:1px solid #e4e4e4}th:first-child,td:first-child{text-align:left}
            th{font-weight:600;color:#555}svg text{font:12px system-ui,sans-serif;fill:#333}
            .attention td,.attention th{text-align:left}.attention{margin-bottom:1rem}
            .key{display:inline-block;width:.8rem;height:.8rem;margin:0 .3rem 0 1rem;vertical-align:-1px}
            </style></head><body>
            <h1>Upload statistics</h1>
            <p class="sub">\(uploaded) (tracker, release) pairs uploaded, of \(context.distinctReleases) distinct releases, in \(attempts) attempts to \(stats.count) trackers\(since.map { " since \(escape($0))" } ?? "")\(range) · made \(formatter.string(from: generated)) by mkt</p>

            """
        page += "<h2>Needs attention</h2>\n" + attentionList(context.attention)
        if let watcher = context.watcher { page += "<h2>Watcher</h2>\n" + watcherSection(watcher.state, running: watcher.running) }
        guard !stats.isEmpty else { return page + "<p>No uploads yet.</p></body></html>\n" }
        page += "<h2>Per tracker</h2>\n" + table(stats, configured: context.configured)
        page += "<h2>Success rate</h2>\n<p class=\"sub\">Each pair's newest attempt (dark) and its first attempt alone (light).</p>\n" + successBars(stats)
        page += "<h2>Upload time</h2>\n<p class=\"sub\">The median and the 95th percentile of the attempts that went through.</p>\n" + timingBars(stats)
        page += "<h2>Uploads per week</h2>\n" + weekChart(stats)
        page += "<h2>Failed attempts by cause</h2>\n" + errorBars(stats)
        return page + "</body></html>\n"
    }

    static func attentionList(_ items: [Attention]) -> String {
        guard !items.isEmpty else { return "<p>Nothing: every upload went through and seeds.</p>\n" }
        var list = "<table class=\"attention\"><tr><th>Tracker</th><th>Release</th><th>What</th></tr>\n"
        for item in items {
            let problem = item.url.map { "\(escape(item.problem)) <a href=\"\(escape($0))\">site page</a>" } ?? escape(item.problem)
            list += "<tr><td><span class=\"key\" style=\"background:\(color(of: item.tracker))\"></span>\(escape(item.tracker))</td><td>\(escape(item.release))</td><td>\(problem)</td></tr>\n"
        }
        return list + "</table>\n"
    }

    /// What the watcher did and what waits: its standing, the folders settling, the jobs due, its last lines.
    static func watcherSection(_ state: WatchState, running: Bool) -> String {
        var section = "<p>\(escape(state.standing(running: running))), last scan \(escape(state.lastScan ?? "none yet"))"
            + (state.listening.map { ", completion calls on \(escape($0))" } ?? "") + "</p>\n"
        if !state.settling.isEmpty || !state.pending.isEmpty {
            section += "<table class=\"attention\"><tr><th>Waiting</th><th>What</th><th>Since or due</th></tr>\n"
            for folder in state.settling {
                section += "<tr><td>\(escape(folder.folder))</td><td>settling (added once it stops changing)</td><td>last write \(escape(folder.lastChange))</td></tr>\n"
            }
            for job in state.pending {
                section += "<tr><td>\(escape(job.job))</td><td>\(escape(job.state))</td><td>due \(escape(job.due))</td></tr>\n"
            }
            section += "</table>\n"
        }
        if !state.recent.isEmpty {
            section += "<p class=\"sub\">What it did last:</p>\n<ul>\n" + state.recent.reversed().map { "<li>\(escape($0))</li>\n" }.joined() + "</ul>\n"
        }
        return section
    }

    static func table(_ stats: [TrackerStats], configured: [String]) -> String {
        var rows = "<table><tr><th>Tracker</th><th>Releases</th><th>Uploaded</th><th>Success rate</th><th>First try</th><th>Attempts per success</th><th>p50</th><th>p95</th></tr>\n"
        for item in stats {
            let removed = !configured.isEmpty && !configured.contains(item.tracker) ? " <small>(removed from the config)</small>" : ""
            rows += "<tr><td>\(escape(item.tracker))\(removed)</td><td>\(item.releases)</td><td>\(item.uploaded)\(item.adopted > 0 ? " (\(item.adopted) adopted)" : "")</td><td>\(percent(item.successRate))</td><td>\(percent(item.firstTryRate))</td>"
                + "<td>\(item.attemptsPerSuccess.map { String(format: "%.2f", $0) } ?? "–")</td><td>\(seconds(item.p50Milliseconds))</td><td>\(seconds(item.p95Milliseconds))</td></tr>\n"
        }
        return rows + "</table>\n"
    }

    static func successBars(_ stats: [TrackerStats]) -> String {
        let row = 26, label = 110, width = 520
        var svg = "<svg width=\"\(label + width + 60)\" height=\"\(stats.count * row + 6)\" role=\"img\" aria-label=\"success rate per tracker\">\n"
        for (index, item) in stats.enumerated() {
            let y = index * row
            let fill = Int((item.successRate ?? 0) * Double(width))
            let first = Int((item.firstTryRate ?? 0) * Double(width))
            svg += "<text x=\"0\" y=\"\(y + 17)\">\(escape(item.tracker))</text>"
                + "<rect x=\"\(label)\" y=\"\(y + 4)\" width=\"\(width)\" height=\"18\" fill=\"#eee\"/>"
                + "<rect x=\"\(label)\" y=\"\(y + 4)\" width=\"\(fill)\" height=\"18\" fill=\"\(color(of: item.tracker))\"/>"
                + "<rect x=\"\(label)\" y=\"\(y + 16)\" width=\"\(first)\" height=\"6\" fill=\"#fff\" fill-opacity=\"0.55\"><title>first try \(percent(item.firstTryRate))</title></rect>"
                + "<text x=\"\(label + width + 8)\" y=\"\(y + 17)\">\(percent(item.successRate))</text>\n"
        }
        return svg + "</svg>\n"
    }

    static func weekChart(_ stats: [TrackerStats]) -> String {
        let weeks = Array(Set(stats.flatMap(\.weeks.keys))).sorted().suffix(26)
        guard !weeks.isEmpty else { return "<p>No uploads in this period.</p>\n" }
        let peak = max(1, weeks.map { week in stats.reduce(0) { $0 + ($1.weeks[week] ?? 0) } }.max() ?? 1)
        let height = 180, bar = max(12, min(40, 640 / weeks.count)), left = 36
        let width = max(320, left + weeks.count * (bar + 6) + 10)
        var svg = "<svg width=\"\(width)\" height=\"\(height + 40)\" role=\"img\" aria-label=\"uploads per week\">\n"
        // Grid lines at the peak and half of it, labelled; the base line darker.
        for value in Set([peak, peak / 2]).sorted() where value > 0 {
            let y = height - value * (height - 10) / peak
            svg += "<text x=\"0\" y=\"\(y + 4)\">\(value)</text><line x1=\"\(left - 4)\" y1=\"\(y)\" x2=\"\(width - 10)\" y2=\"\(y)\" stroke=\"#e4e4e4\"/>\n"
        }
        svg += "<text x=\"0\" y=\"\(height + 4)\">0</text><line x1=\"\(left - 4)\" y1=\"\(height)\" x2=\"\(width - 10)\" y2=\"\(height)\" stroke=\"#999\"/>\n"
        for (column, week) in weeks.enumerated() {
            let x = left + column * (bar + 6)
            var top = height
            for item in stats {
                let count = item.weeks[week] ?? 0
                guard count > 0 else { continue }
                let h = count * (height - 10) / peak
                top -= h
                svg += "<rect x=\"\(x)\" y=\"\(top)\" width=\"\(bar)\" height=\"\(h)\" fill=\"\(color(of: item.tracker))\"><title>\(escape(item.tracker)) \(week): \(count)</title></rect>\n"
            }
            svg += "<text x=\"\(x)\" y=\"\(height + 16)\" transform=\"rotate(35 \(x) \(height + 16))\">\(week.suffix(3))</text>\n"
        }
        svg += "</svg>\n<p>" + stats.map { "<span class=\"key\" style=\"background:\(color(of: $0.tracker))\"></span>\(escape($0.tracker))" }.joined() + "</p>\n"
        return svg
    }

    static func errorBars(_ stats: [TrackerStats]) -> String {
        let failing = stats.filter { !$0.errors.isEmpty }
        guard !failing.isEmpty else { return "<p>None.</p>\n" }
        let peak = max(1, failing.map { $0.errors.values.reduce(0, +) }.max() ?? 1)
        let row = 26, label = 110, width = 520
        var svg = "<svg width=\"\(label + width + 60)\" height=\"\(failing.count * row + 6)\" role=\"img\" aria-label=\"failed attempts by cause\">\n"
        for (index, item) in failing.enumerated() {
            let y = index * row
            var x = label
            svg += "<text x=\"0\" y=\"\(y + 17)\">\(escape(item.tracker))</text>"
            for category in item.errors.keys.sorted() {
                let w = item.errors[category]! * width / peak
                svg += "<rect x=\"\(x)\" y=\"\(y + 4)\" width=\"\(w)\" height=\"18\" fill=\"\(categoryColors[category] ?? "#999")\"><title>\(escape(category)): \(item.errors[category]!)</title></rect>"
                x += w
            }
            svg += "<text x=\"\(x + 8)\" y=\"\(y + 17)\">\(item.errors.values.reduce(0, +))</text>\n"
        }
        let used = Set(failing.flatMap(\.errors.keys)).sorted()
        return svg + "</svg>\n<p>" + used.map { "<span class=\"key\" style=\"background:\(categoryColors[$0] ?? "#999")\"></span>\(escape($0))" }.joined() + "</p>\n"
    }

    static func timingBars(_ stats: [TrackerStats]) -> String {
        let timed = stats.filter { $0.p95Milliseconds != nil }
        guard !timed.isEmpty else { return "<p>No uploads in this period.</p>\n" }
        let peak = max(1, timed.compactMap(\.p95Milliseconds).max() ?? 1)
        let row = 26, label = 110, width = 520
        var svg = "<svg width=\"\(label + width + 160)\" height=\"\(timed.count * row + 6)\" role=\"img\" aria-label=\"upload time per tracker\">\n"
        for (index, item) in timed.enumerated() {
            let y = index * row
            // In Double: a receipt's duration times the width must not overflow.
            let scale = { (milliseconds: Int64?) in Int((Double(width) * Double(max(0, milliseconds ?? 0)) / Double(peak)).rounded()) }
            let p95 = scale(item.p95Milliseconds), p50 = scale(item.p50Milliseconds)
            svg += "<text x=\"0\" y=\"\(y + 17)\">\(escape(item.tracker))</text>"
                + "<rect x=\"\(label)\" y=\"\(y + 4)\" width=\"\(p95)\" height=\"18\" fill=\"\(color(of: item.tracker))\" fill-opacity=\"0.4\"><title>p95 \(seconds(item.p95Milliseconds))</title></rect>"
                + "<rect x=\"\(label)\" y=\"\(y + 4)\" width=\"\(p50)\" height=\"18\" fill=\"\(color(of: item.tracker))\"><title>p50 \(seconds(item.p50Milliseconds))</title></rect>"
                + "<text x=\"\(label + p95 + 8)\" y=\"\(y + 17)\">\(seconds(item.p50Milliseconds)) / \(seconds(item.p95Milliseconds))</text>\n"
        }
        return svg + "</svg>\n"
    }

    /// A tracker's colour from its name's bytes (FNV-1a), so it is the same
    /// in every chart and every report, whichever trackers come before it.
    static func color(of tracker: String) -> String {
        var hash: UInt32 = 2_166_136_261
        for byte in tracker.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return palette[Int(hash % UInt32(palette.count))]
    }

    public static func percent(_ value: Double?) -> String { value.map { String(format: "%.0f %%", $0 * 100) } ?? "–" }

    public static func seconds(_ milliseconds: Int64?) -> String {
        guard let milliseconds else { return "–" }
        return milliseconds < 1000 ? "\(milliseconds) ms" : String(format: "%.1f s", Double(milliseconds) / 1000)
    }

    static func escape(_ text: String) -> String { HTMLEntities.escape(text) }
}
