import Foundation
import MKTMetadata

/// An audiobook's album description in BBCode (Gazelle's group description,
/// UNIT3D's description, MAM's): who wrote and reads it, the series and its
/// place in it, the running time, the format and bitrate, the synopsis, and
/// the chapters with their start times. Only BBCode both Gazelle and UNIT3D
/// render: `[b]`, `[i]`, `[size]`, `[quote]`, `[url]`, `[plain]`.
public enum AudiobookDescription {
    public static func bbcode(_ release: ReleaseDescription) -> String {
        var lines: [String] = []
        let author = release.author ?? release.artists.first
        let heading = AlbumDescription.plain([author ?? "", release.title ?? ""].filter { !$0.isEmpty }.joined(separator: " – "))
        lines.append("[size=4][b]\(heading)[/b][/size]")
        lines.append("")
        if let author { lines.append("[b]Author:[/b] \(AlbumDescription.plain(author))") }
        if let narrator = release.narrator { lines.append("[b]Narrator:[/b] \(AlbumDescription.plain(narrator))") }
        if let series = release.series {
            let (name, position) = seriesParts(series)
            lines.append("[b]Series:[/b] \(AlbumDescription.plain(name))" + (position.map { ", book \($0)" } ?? ""))
        }
        if let year = release.originalYear ?? release.year { lines.append("[b]Year:[/b] \(year)") }
        if let label = release.label { lines.append("[b]Publisher:[/b] \(AlbumDescription.plain(label))") }
        if !release.genres.isEmpty { lines.append("[b]Genre:[/b] \(AlbumDescription.plain(release.genres.joined(separator: ", ")))") }
        if let runtime = runtime(release) { lines.append("[b]Runtime:[/b] \(AlbumDescription.duration(runtime))") }
        if let format = formatLine(release) { lines.append("[b]Format:[/b] \(format)") }
        if let synopsis = release.synopsis, !synopsis.isEmpty {
            lines += ["", "[b]Synopsis[/b]", "[quote]\(AlbumDescription.plain(synopsis))[/quote]"]
        }
        lines += chapterLines(release)
        var links = AlbumDescription.sourceLinks(release.provenance ?? [:])
        if let asin = release.asin, asin.allSatisfy({ $0.isLetter || $0.isNumber }) { links.append("[url=https://www.audible.com/pd/\(asin)]Audible[/url]") }
        if !links.isEmpty { lines += ["", "[b]More info:[/b] " + links.joined(separator: " | ")] }
        return lines.joined(separator: "\n")
    }

    /// The chapters file by file (a heading per file when there are several),
    /// each with its start time; with no chapters, the files and their lengths.
    static func chapterLines(_ release: ReleaseDescription) -> [String] {
        let files = release.tracks.map(\.path).filter { !(release.chapters[$0] ?? []).isEmpty }
        guard !files.isEmpty else {
            guard release.tracks.count > 1 else { return [] }
            return ["", "[b]Files[/b]"] + release.tracks.enumerated().map { index, track in
                let name = AlbumDescription.plain(track.title ?? (track.path as NSString).lastPathComponent)
                return "[b]\(twoDigits(index + 1)).[/b] \(name)" + (track.durationMilliseconds.map { " [i](\(AlbumDescription.duration($0)))[/i]" } ?? "")
            }
        }
        var lines = ["", "[b]Chapters[/b]"]
        for file in files {
            if files.count > 1 { lines.append("[i]\(AlbumDescription.plain((file as NSString).lastPathComponent))[/i]") }
            for (index, chapter) in (release.chapters[file] ?? []).enumerated() {
                lines.append("[b]\(twoDigits(index + 1)).[/b] \(AlbumDescription.plain(chapter.title)) [i](\(AlbumDescription.duration(chapter.startMilliseconds)))[/i]")
            }
        }
        return lines
    }

    static func twoDigits(_ number: Int) -> String { number < 10 ? "0\(number)" : "\(number)" }

    /// The sum of the files' lengths, clamped (a meta object's numbers are anyone's).
    public static func runtime(_ release: ReleaseDescription) -> Int64? {
        let lengths = release.tracks.compactMap(\.durationMilliseconds)
        guard !lengths.isEmpty else { return nil }
        let total = lengths.reduce(Int64(0)) { $0.clampedAdding(max($1, 0)) }
        return total > 0 ? total : nil
    }

    /// `AAC (M4B), 64 kbps`, `MP3 (MP3), V0 (VBR)`, `ALAC (M4B), Lossless`.
    public static func formatLine(_ release: ReleaseDescription) -> String? {
        guard let format = release.format else { return nil }
        let containers = Set(release.tracks.map { ReleaseCheck.fileExtension($0.path).uppercased() }.filter { !$0.isEmpty })
        var text = format + (containers.count == 1 ? " (\(containers.first ?? ""))" : "")
        if let bitrate = release.otherBitrate, release.encoding == "Other" {
            text += ", \(bitrate) kbps" + (release.otherBitrateIsVariable == true ? " (VBR)" : "")
        } else if let encoding = release.encoding {
            text += Int(encoding) != nil ? ", \(encoding) kbps" : ", \(encoding)"
        }
        return text
    }

    /// `Saga #2` → (`Saga`, `2`): the form mkt stores a series in.
    public static func seriesParts(_ series: String) -> (name: String, position: String?) {
        guard let mark = series.range(of: " #", options: .backwards) else { return (series, nil) }
        let position = String(series[mark.upperBound...])
        guard !position.isEmpty, !position.contains(" ") else { return (series, nil) }
        return (String(series[..<mark.lowerBound]), position)
    }

    /// `9h 5m`: how MAM's tags line gives a length (H2OKing89/shelfr's shape).
    public static func hoursAndMinutes(_ milliseconds: Int64) -> String {
        let minutes = max(milliseconds, 0).clampedAdding(30_000) / 60_000
        return "\(minutes / 60)h \(minutes % 60)m"
    }
}
