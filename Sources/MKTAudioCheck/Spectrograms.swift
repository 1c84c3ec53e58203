import Foundation
import MKTMetadata
import MKTSubprocess

/// Spectrogram pictures of a release's tracks, made by sox, and one HTML page
/// that shows them side by side: a full one per track and a 1-second zoom from
/// its middle, where a lowpass or an upsampler's cut is easiest to see.
public enum Spectrograms {
    /// A track's pictures, as the page names them (relative to the page).
    public struct Track: Equatable, Sendable {
        public var name: String
        public var full: String
        public var zoom: String

        public init(name: String, full: String, zoom: String) {
            self.name = name
            self.full = full
            self.zoom = zoom
        }
    }

    /// sox's arguments for one picture of `input`: the channels mixed, 120 dB
    /// of range (16-bit's floor and below), 1000 × 513 pixels; with `zoomStart`,
    /// only the second from there.
    public static func soxArguments(sox: String, input: String, output: String, title: String, zoomStart: Double?) -> [String] {
        var arguments = [sox, input, "-n", "remix", "-"]
        if let zoomStart { arguments += ["trim", String(format: "%.3f", zoomStart), "1"] }
        return arguments + ["spectrogram", "-x", "1000", "-y", "513", "-z", "120", "-t", title, "-o", output]
    }

    /// The page: one row per track, its name, then its full and zoomed pictures.
    public static func page(release: String, tracks: [Track]) -> String {
        var html = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Spectrograms: \(HTMLEntities.escape(release))</title>\n"
        html += "<style>body{font-family:sans-serif;background:#111;color:#eee}section{margin:1em 0}.pair{display:flex;gap:8px}.pair img{width:50%;height:auto}</style>\n"
        html += "</head><body>\n<h1>\(HTMLEntities.escape(release))</h1>\n"
        for track in tracks {
            html += "<section><h2>\(HTMLEntities.escape(track.name))</h2><div class=\"pair\">"
            html += "<img src=\"\(HTMLEntities.escape(track.full))\" alt=\"\(HTMLEntities.escape(track.name)): full\">"
            html += "<img src=\"\(HTMLEntities.escape(track.zoom))\" alt=\"\(HTMLEntities.escape(track.name)): 1 second zoomed\"></div></section>\n"
        }
        return html + "</body></html>\n"
    }

    /// Makes both pictures of each track into `folder` with sox and writes
    /// `index.html` there.
    /// - Parameter tracks: each track's name, its file and its length in seconds (0: unknown).
    /// - Returns: the page's path, and each track's pictures (relative to the folder).
    public static func make(
        tracks: [(name: String, file: String, seconds: Double)], release: String, folder: String, sox: String, environment: [String: String]
    ) throws -> (page: String, tracks: [Track]) {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var shown: [Track] = []
        for (index, track) in tracks.enumerated() {
            let stem = String(format: "%02d", index + 1)
            let pictures = Track(name: track.name, full: "\(stem)-full.png", zoom: "\(stem)-zoom.png")
            let middle = max(track.seconds / 2 - 0.5, 0)
            for (picture, zoom) in [(pictures.full, nil), (pictures.zoom, middle)] as [(String, Double?)] {
                let arguments = soxArguments(sox: sox, input: track.file, output: "\(folder)/\(picture)", title: track.name, zoomStart: zoom)
                let result = try ChildProcess(arguments, environment: environment, timeout: 300).run()
                guard result.status == 0 else {
                    let reason = String(decoding: result.standardError, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? "exit status \(result.status)"
                    throw SpectrogramError(path: track.file, reason: result.timedOut ? "sox took too long" : reason)
                }
            }
            shown.append(pictures)
        }
        let page = "\(folder)/index.html"
        guard FileManager.default.createFile(atPath: page, contents: Data(self.page(release: release, tracks: shown).utf8)) else {
            throw SpectrogramError(path: page, reason: "cannot write the page")
        }
        return (page, shown)
    }
}

/// sox could not draw a track's spectrogram, or the page could not be written.
public struct SpectrogramError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): cannot make the spectrogram: \(reason)" }

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}
