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

    public static func html(_ stats: [TrackerStats], generated: Date, since: String?) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        let attempts = stats.reduce(0) { $0 + $1.attempts }
        let uploaded = stats.reduce(0) { $0 + $1.uploaded }
        var page = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>mkt upload statistics</title>
            <style>
            body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#222}
            h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.1rem;margin-top:2rem}
            .sub{color:#666;margin-top:0}table{border-collapse:collapse;width:100%}
            th,td{text-align:right;padding:.3rem .6rem;border-bottom:1px solid #e4e4e4}th:first-child,td:first-child{text-align:left}
            th{font-weight:600;color:#555}svg text{font:12px system-ui,sans-serif;fill:#333}
            .key{display:inline-block;width:.8rem;height:.8rem;margin:0 .3rem 0 1rem;vertical-align:-1px}
            </style></head><body>
            <h1>Upload statistics</h1>
            <p class="sub">\(uploaded) releases uploaded in \(attempts) attempts to \(stats.count) trackers\(since.map { " since \(escape($0))" } ?? "") · made \(formatter.string(from: generated)) by mkt</p>

            """
        guard !stats.isEmpty else { return page + "<p>No uploads yet.</p></body></html>\n" }
        page += "<h2>Per tracker</h2>\n" + table(stats)
        page += "<h2>Success rate</h2>\n" + successBars(stats)
        page += "<h2>Uploads per week</h2>\n" + weekChart(stats)
        page += "<h2>Failed attempts by cause</h2>\n" + errorBars(stats)
        return page + "</body></html>\n"
    }

    static func table(_ stats: [TrackerStats]) -> String {
        var rows = "<table><tr><th>Tracker</th><th>Releases</th><th>Uploaded</th><th>Success rate</th><th>Attempts per success</th><th>p50</th><th>p95</th></tr>\n"
        for item in stats {
            rows += "<tr><td>\(escape(item.tracker))</td><td>\(item.releases)</td><td>\(item.uploaded)</td><td>\(percent(item.successRate))</td>"
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
            svg += "<text x=\"0\" y=\"\(y + 17)\">\(escape(item.tracker))</text>"
                + "<rect x=\"\(label)\" y=\"\(y + 4)\" width=\"\(width)\" height=\"18\" fill=\"#eee\"/>"
                + "<rect x=\"\(label)\" y=\"\(y + 4)\" width=\"\(fill)\" height=\"18\" fill=\"\(color(index))\"/>"
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
            for (index, item) in stats.enumerated() {
                let count = item.weeks[week] ?? 0
                guard count > 0 else { continue }
                let h = count * (height - 10) / peak
                top -= h
                svg += "<rect x=\"\(x)\" y=\"\(top)\" width=\"\(bar)\" height=\"\(h)\" fill=\"\(color(index))\"><title>\(escape(item.tracker)) \(week): \(count)</title></rect>\n"
            }
            svg += "<text x=\"\(x)\" y=\"\(height + 16)\" transform=\"rotate(35 \(x) \(height + 16))\">\(week.suffix(3))</text>\n"
        }
        svg += "</svg>\n<p>" + stats.enumerated().map { "<span class=\"key\" style=\"background:\(color($0.offset))\"></span>\(escape($0.element.tracker))" }.joined() + "</p>\n"
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

    static func color(_ index: Int) -> String { palette[index % palette.count] }

    public static func percent(_ value: Double?) -> String { value.map { String(format: "%.0f %%", $0 * 100) } ?? "–" }

    public static func seconds(_ milliseconds: Int64?) -> String {
        guard let milliseconds else { return "–" }
        return milliseconds < 1000 ? "\(milliseconds) ms" : String(format: "%.1f s", Double(milliseconds) / 1000)
    }

    static func escape(_ text: String) -> String { HTMLEntities.escape(text) }
}
