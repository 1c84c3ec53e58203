import Foundation
import MKTAudioCheck
import MKTMetadata
import MKTObjects
import MKTStore
import MKTTorrent
import MKTTranscode

/// What `mkt transcode` did with one format.
public struct DerivedRelease: Sendable {
    public enum State: Sendable, Equatable {
        /// Encoded, checked and recorded now.
        case made
        /// Its folder holds what was recorded for it from this very source: nothing written.
        case present
    }

    public var format: DerivedFormat
    /// `refs/releases/<name>`.
    public var name: String
    public var folder: String
    public var state: State
}

/// Everything `mkt transcode` has to say: the releases made or found, the
/// formats left out on purpose (why), and what failed (one line each).
public struct TranscodeReport: Sendable {
    public var releases: [DerivedRelease] = []
    public var skipped: [String] = []
    public var failures: [TranscodeError] = []
}

extension Repository {
    /// Makes each of `formats` from the lossless release `name`, each as a
    /// folder of its own beside the source's (or in `outputDirectory`),
    /// checks every output, and records each as a release whose snapshot
    /// names its source and how it was made. A source the sites would
    /// refuse to see transcoded is refused before anything is written.
    /// - Parameter progress: told (tracks done, tracks in all) as the encoders finish.
    public func transcode(
        _ name: String, to formats: [DerivedFormat], outputDirectory: String? = nil, toolchain: Toolchain,
        progress: (@Sendable (Int, Int) -> Void)? = nil, shouldStop: @escaping @Sendable () -> Bool = { false }
    ) throws -> TranscodeReport {
        guard let (ref, metaID) = try resolveRef(name), ref.hasPrefix("refs/releases/") else { throw WorkflowError.unknownRelease(name) }
        let sourceName = String(ref.dropFirst("refs/releases/".count))
        let snapshot = try objects.readMeta(metaID)
        var report = TranscodeReport()
        if let lineage = snapshot.derived {
            report.failures.append(.refused(path: sourceName, reason: "it is itself a \(lineage.format) transcode of \(lineage.source); transcode \(lineage.source)"))
            return report
        }
        if let format = snapshot.description.format, format != "FLAC" {
            report.failures.append(.refused(path: sourceName, reason: "the store records it as \(format)\(format == "ALAC" ? "; mkt transcodes from FLAC only" : ", a lossy format: a transcode of it would be lossy twice")"))
            return report
        }
        let stored = try release(named: snapshot.pieces.hex)
        let root = try stored.knownFolder()
        guard !stored.tree.isSingleFile else {
            report.failures.append(.refused(path: root, reason: "a one-file release; mkt transcodes release folders"))
            return report
        }
        // The audio read is the folder's now: it must be what the snapshot recorded (the stat cache
        // vouches for it, or its pieces are hashed again), or the lineage would name other audio.
        let current = try prepareAdd(folder: root)
        guard current.unchangedDescription != nil, current.parentSnapshot?.release == snapshot.release, current.parentSnapshot?.pieces == snapshot.pieces else {
            report.failures.append(.refused(path: root, reason: "the folder no longer holds what \(sourceName) recorded; 'mkt add' it again first"))
            return report
        }
        let (facts, unreadable) = ReleaseAudio.facts(of: stored.tree, root: root)
        report.failures += unreadable.sorted { $0.key < $1.key }.map { .refused(path: $0.key, reason: "\($0.value)") }
        let tracks = stored.tree.files.compactMap { file in facts[file.path].map { SourceCheck.Track(path: file.path, facts: $0) } }
        report.failures += SourceCheck.refusals(tracks, cueSheets: ReleaseAudio.cueSheets(of: stored.tree, root: root))
        guard report.failures.isEmpty else { return report }
        // A lossless file made from a lossy one, or upsampled, is what the sites call a
        // transcode already: what is made from it would be refused as one.
        let files = Dictionary(stored.tree.files.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        let audio = AudioCheck.findings(
            facts: facts, location: { path in files[path].map { stored.tree.location(of: $0, root: root) } ?? "\(root)/\(path)" },
            environment: ProcessInfo.processInfo.environment)
        for finding in audio where ["lossy-master", "upsampled"].contains(finding.code) {
            report.failures.append(.refused(path: finding.path, reason: finding.message))
        }
        guard report.failures.isEmpty else { return report }
        let bitDepth = tracks[0].facts.bitDepth ?? 16
        let parent = outputDirectory ?? (root as NSString).deletingLastPathComponent
        if bitDepth > 16 {
            // A 24-bit file padded from 16-bit audio: every sample's low 8 bits are zero.
            report.failures += Transcoder.padded(tracks, root: root, toolchain: toolchain, scratch: parent)
            guard report.failures.isEmpty else { return report }
        }

        // What is there already, what is to be made.
        var pending: [(format: DerivedFormat, folder: String, staging: String, jobs: [TrackJob])] = []
        let cover = Self.smallCover(in: stored.tree, root: root)
        for format in formats {
            if format == .flac16 && bitDepth <= 16 {
                report.skipped.append("\(sourceName) is \(bitDepth)-bit already: it is its own 16-bit FLAC; no FLAC16 made")
                continue
            }
            let folder = "\(parent)/\(DerivedName.folder(of: snapshot.description, sourceFolder: stored.tree.name, format: format, sampleRate: tracks[0].facts.sampleRate))"
            if FileManager.default.fileExists(atPath: folder) {
                if let present = try recordedTranscode(at: folder, format: format, source: snapshot) {
                    report.releases.append(DerivedRelease(format: format, name: present, folder: folder, state: .present))
                } else {
                    report.failures.append(.refused(path: folder, reason: "the folder exists and is not the recorded \(format.rawValue) of \(sourceName); move it away to make it again"))
                }
                continue
            }
            let staging = "\(parent)/.mkt-transcode-\(getpid())-\((folder as NSString).lastPathComponent)"
            let jobs = tracks.map { TrackJob(format: format, source: $0, sourceRoot: root, outputRoot: staging, outputName: (folder as NSString).lastPathComponent, cover: cover) }
            pending.append((format, folder, staging, jobs))
        }
        guard !pending.isEmpty else { return report }
        defer { for item in pending { try? FileManager.default.removeItem(atPath: item.staging) } }
        for item in pending {
            try? FileManager.default.removeItem(atPath: item.staging)
            for job in item.jobs {
                try FileManager.default.createDirectory(atPath: (job.outputFile as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            }
            // The images go along (the cover the sites show beside the files); the rip's logs and cue sheets describe the FLAC only.
            for file in stored.tree.files where ["jpg", "jpeg", "png"].contains((file.path as NSString).pathExtension.lowercased()) {
                let target = "\(item.staging)/\(file.path)"
                try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try FileManager.default.copyItem(atPath: stored.tree.location(of: file, root: root), toPath: target)
            }
        }

        let jobs = pending.flatMap(\.jobs)
        let total = jobs.count
        let failed = Transcoder.run(jobs, toolchain: toolchain, progress: { progress?($0, total) }, shouldStop: shouldStop)
        if shouldStop() {
            // Stopped: the staging folders go (the defer above); nothing is recorded.
            report.failures.append(.stopped(path: sourceName))
            return report
        }
        report.failures += failed.keys.sorted().compactMap { failed[$0] }
        var first = 0
        for item in pending {
            defer { first += item.jobs.count }
            guard !(first..<(first + item.jobs.count)).contains(where: { failed[$0] != nil }) else { continue }
            let problems = Transcoder.verify(item.jobs, toolchain: toolchain)
            guard problems.isEmpty else {
                report.failures += problems
                continue
            }
            try FileManager.default.moveItem(atPath: item.staging, toPath: item.folder)
            let reduced = item.jobs.contains { $0.command.script.hasPrefix("set -o pipefail; sox") }
            let lineage = MetaSnapshot.Lineage(
                source: sourceName, sourceMeta: metaID, format: item.format.rawValue,
                encoders: toolchain.encoders(for: item.format, resampledOrReduced: reduced), commands: item.jobs.map(\.recorded))
            let added = try recordTranscode(folder: item.folder, source: snapshot.description, lineage: lineage)
            report.releases.append(DerivedRelease(format: item.format, name: added.name, folder: item.folder, state: .made))
        }
        report.releases.sort { formats.firstIndex(of: $0.format) ?? 0 < formats.firstIndex(of: $1.format) ?? 0 }
        return report
    }

    /// The release recorded for `folder` when it is the `format` transcode of
    /// `source`'s audio and the folder still holds what was recorded.
    private func recordedTranscode(at folder: String, format: DerivedFormat, source: MetaSnapshot) throws -> String? {
        let prepared = try prepareAdd(folder: folder)
        guard prepared.unchangedDescription != nil, let lineage = prepared.parentSnapshot?.derived, lineage.format == format.rawValue,
            let made = try? objects.readMeta(lineage.sourceMeta), made.release == source.release
        else { return nil }
        return prepared.name
    }

    /// Records a derived folder: the files' own facts (format, encoding,
    /// tracks), the rest of the description as the source's snapshot says
    /// (its edits, its lookups), and the lineage.
    private func recordTranscode(folder: String, source: ReleaseDescription, lineage: MetaSnapshot.Lineage) throws -> AddedRelease {
        var prepared = try prepareAdd(folder: folder, media: source.media)
        var description = source
        description.format = prepared.description.format
        description.encoding = prepared.description.encoding
        description.tracks = prepared.description.tracks
        description.cover = prepared.description.cover
        description.chapters = [:]
        description.conflicts = prepared.description.conflicts
        description.problems = prepared.description.problems
        prepared.description = description
        return try commitAdd(prepared, derived: lineage)
    }

    /// The release's cover image file when it is small enough for an ID3
    /// tag (128 KiB: the sites want tags light; a big scan stays a file beside the audio).
    static func smallCover(in tree: ReleaseTree, root: String) -> String? {
        guard let path = ReleaseDescriber.coverImage(in: tree.files.map(\.path), namedOnly: false),
            let file = tree.files.first(where: { $0.path == path }), file.size <= 128 << 10
        else { return nil }
        return path
    }
}

/// A derived release's source and format, for `mkt status`.
public struct TranscodeSource: Equatable, Sendable {
    public var source: String
    public var format: String
}

extension Repository {
    /// The derived releases, by name: what each was transcoded from. Only
    /// bodies that start with the `derived` key (the first in canonical
    /// order) are decoded, so a store of thousands of releases costs one read each.
    public func transcodeSources() throws -> [String: TranscodeSource] {
        var sources: [String: TranscodeSource] = [:]
        for release in try releases() {
            guard let body = try? objects.read(release.meta, as: .meta), body.starts(with: Data(#"{"derived":"#.utf8)),
                let lineage = try? MetaSnapshot(objectBody: body).derived
            else { continue }
            sources[release.name] = TranscodeSource(source: lineage.source, format: lineage.format)
        }
        return sources
    }
}

public enum ReleaseOrder {
    /// `names` in their order, each derived release moved to just after its
    /// source (in the order they came), one whose source is gone left where it was.
    public static func sourcesFirst(_ names: [String], sources: [String: TranscodeSource]) -> [String] {
        let present = Set(names)
        var children: [String: [String]] = [:]
        for name in names { if let source = sources[name]?.source, present.contains(source), source != name { children[source, default: []].append(name) } }
        var ordered: [String] = []
        for name in names where !(sources[name].map { present.contains($0.source) && $0.source != name } ?? false) {
            ordered.append(name)
            ordered += children[name] ?? []
        }
        return ordered
    }
}
