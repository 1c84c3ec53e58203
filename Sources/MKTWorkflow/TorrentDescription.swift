import Foundation
import MKTAudioCheck
import MKTCatalog
import MKTConfig
import MKTMetadata
import MKTObjects
import MKTStore
import MKTTrackers

/// The spectrogram links a torrent description carries.
public enum SpectrogramLinks: Sendable {
    /// `push.spectrals` is off.
    case off
    /// They go to this image host when the release is pushed (a dry run, `mkt show`).
    case toUpload(host: String)
    /// Each track's pictures at the image host.
    case uploaded([Spectrograms.Track])
}

/// The torrent's own description (Gazelle's `release_desc`, the second part
/// of UNIT3D's `description`): the tracker's template filled in.
extension Repository {
    /// The template for `tracker`: `tracker.NAME.description-template`, else
    /// `push.description-template`, else DescriptionTemplate.builtIn. A path
    /// that is not absolute is taken from the folder of the config file that names it.
    public func descriptionTemplate(for tracker: String) throws -> DescriptionTemplate {
        let entry = config.entries("tracker", "description-template", subsection: tracker).last ?? config.entries("push", "description-template").last
        guard let entry, !entry.value.isEmpty else { return try DescriptionTemplate(DescriptionTemplate.builtIn, origin: "the built-in template") }
        var path = (entry.value as NSString).expandingTildeInPath
        if !path.hasPrefix("/") { path = ((entry.origin.path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(path) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DescriptionTemplateError(at: "\(entry.origin)", "\(entry.section).\(entry.subsection.map { $0 + "." } ?? "")\(entry.key): cannot read \(path)")
        }
        return try DescriptionTemplate(String(decoding: data, as: UTF8.self), origin: path)
    }

    /// What each placeholder stands for, for one release on one site.
    /// - Parameters:
    ///   - stored: the release, whose folder (when on this machine) gives the rip logs and the files' encoder.
    ///   - sourceURL: a transcode's source torrent on this site, when known.
    public func descriptionValues(
        _ snapshot: MetaSnapshot, stored: StoredRelease?, sourceURL: String?, spectrals: SpectrogramLinks
    ) throws -> [String: String] {
        var values: [String: String] = [:]
        if let lineage = snapshot.derived {
            let source = sourceURL.map { "[url=\($0)]\(lineage.source)[/url]" } ?? lineage.source
            values["lineage"] = "Transcoded by mkt from \(source) with \(lineage.encoders.joined(separator: ", "))."
            values["encoder"] = lineage.commands.first.map { "Command (track 1 of \(lineage.commands.count)): [code]\($0)[/code]" }
        }
        if let stored, let root = try? stored.knownFolder() {
            let facts = ReleaseAudio.facts(of: stored.tree, root: root).facts
            if snapshot.derived == nil { values["encoder"] = Self.encoderLine(facts) }
            let media = snapshot.description.media
            if media.map({ $0.uppercased() == "CD" }) ?? true, !stored.tree.isSingleFile {
                let logs = RipLogCheck.score(paths: stored.tree.files.map(\.path).filter(ReleaseCheck.isRipLog), root: root).logs
                values["rip-log"] = logs.map(Self.ripLogText).joined(separator: "\n")
                values["rip-log-score"] = logs.map(\.report.score).min().map(String.init)
            }
        }
        switch spectrals {
        case .off: break
        case .toUpload(let host): values["spectrals"] = "[b]Spectrograms[/b]: each track's, uploaded to \(host) when pushed"
        case .uploaded(let tracks):
            values["spectrals"] = (["[b]Spectrograms[/b]"] + tracks.map { "\(AlbumDescription.plain($0.name)): [url=\($0.full)]full[/url] | [url=\($0.zoom)]zoom[/url]" })
                .joined(separator: "\n")
        }
        if try config.bool("push", "made-with-mkt") { values["made-with-mkt"] = "Uploaded with mkt." }
        return values
    }

    /// The torrent description for `tracker`, or nil when the template leaves nothing.
    public func torrentDescription(
        tracker: String, snapshot: MetaSnapshot, stored: StoredRelease?, sourceURL: String?, spectrals: SpectrogramLinks
    ) throws -> String? {
        try descriptionTemplate(for: tracker).render(try descriptionValues(snapshot, stored: stored, sourceURL: sourceURL, spectrals: spectrals))
    }

    /// `Encoder: LAME 3.100 -V 0`: a lossy release's encoder and settings as
    /// its files say them (a lossless file's encoder says nothing of its quality).
    static func encoderLine(_ facts: FileMap<AudioFacts>) -> String? {
        let lossy = facts.values.filter { !["FLAC", "ALAC", "WAV", "AIFF"].contains($0.codec) }
        let named = Set(lossy.compactMap { read in read.encoder.map { [$0, read.encoderSettings ?? ""].filter { !$0.isEmpty }.joined(separator: " ") } })
        return named.isEmpty ? nil : "Encoder: " + named.sorted().joined(separator: "; ")
    }

    /// `Rip log (rip.log): EAC V1.6, score 100, checksum ok`, then each line the logchecker gave.
    static func ripLogText(_ log: RipLogCheck.ScoredLog) -> String {
        let report = log.report
        let ripper = report.ripper.map { [$0.rawValue, report.version].compactMap { $0 }.joined(separator: " ") } ?? "not a log the logchecker reads"
        let head = "[b]Rip log[/b] (\(AlbumDescription.plain(log.path))): \(ripper), score \(report.score), checksum \(report.checksum.rawValue)"
        return ([head] + report.details.map { "– \(AlbumDescription.plain($0))" }).joined(separator: "\n")
    }
}
