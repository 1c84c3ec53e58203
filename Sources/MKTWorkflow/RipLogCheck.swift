import Foundation
import MKTMetadata
import MKTRipLog
import MKTSubprocess
import MKTTorrent

/// A release's rip logs as findings: each log's score against the site's
/// threshold, its checksum, and its copy CRCs against the audio beside it.
/// The scoring is MKTRipLog's; this is where the files are read and `flac` is run.
public enum RipLogCheck {
    /// A log of the release, read and scored.
    public struct ScoredLog: Sendable {
        /// Relative to the release folder.
        public let path: String
        public let report: RipLogReport

        public init(path: String, report: RipLogReport) {
            self.path = path
            self.report = report
        }
    }

    /// Everything `check-release` says about a release's rip logs: each one
    /// read and scored against the site's threshold, and its copy CRCs
    /// against the FLAC files. Nothing when the site scores no logs, or when
    /// the release is said to come from another medium than CD: the sites
    /// score the logs of CD rips only.
    public static func findings(tree: ReleaseTree, root: String, facts: FileMap<AudioFacts>, media: String?, threshold: Int?, tracker: String, environment: [String: String]) -> [Finding] {
        guard threshold != nil, media.map({ $0.uppercased() == "CD" }) ?? true else { return [] }
        // A single-file release is one audio file: it has no log beside it.
        let paths = tree.files.map(\.path).filter(ReleaseCheck.isRipLog)
        guard !tree.isSingleFile, !paths.isEmpty else { return [] }
        let scored = score(paths: paths, root: root)
        var flacFiles: [String: Int] = [:]
        for (path, read) in facts where read.codec == "FLAC" {
            if let number = trackNumber(path: path, tags: read.tags) { flacFiles[path] = number }
        }
        return scored.findings + findings(logs: scored.logs, threshold: threshold, tracker: tracker)
            + crcFindings(logs: scored.logs, flacFiles: flacFiles, root: root, environment: environment)
    }

    /// The findings for scored logs. A score below `threshold` is an error
    /// (nil: the site scores no logs, so nothing is said); below 100 but not
    /// below the threshold, a warning; an invalid checksum (the log was edited
    /// after the rip) is an error, a missing one a warning.
    public static func findings(logs: [ScoredLog], threshold: Int?, tracker: String) -> [Finding] {
        guard let threshold else { return [] }
        var findings: [Finding] = []
        for log in logs {
            let report = log.report
            let pointed = report.details.filter { $0.hasSuffix("point)") || $0.hasSuffix("points)") }
            // A log scored 0 for not being one says so without points.
            let deductions = pointed.isEmpty ? report.details : pointed
            let because = deductions.isEmpty ? "" : ": " + deductions.joined(separator: "; ")
            if report.score < threshold {
                findings.append(Finding(severity: .error, code: "log-score", path: log.path,
                    message: "the log scores \(report.score) and \(tracker) wants \(threshold)\(because)"))
            } else if report.score < 100 {
                findings.append(Finding(severity: .warning, code: "log-score", path: log.path, message: "the log scores \(report.score), not 100\(because)"))
            }
            switch report.checksum {
            case .ok: break
            case .missing:
                findings.append(Finding(severity: .warning, code: "log-checksum", path: log.path, message: "the log has no checksum to prove it unedited"))
            case .invalid:
                findings.append(Finding(severity: .error, code: "log-checksum", path: log.path, message: "the log's checksum does not match its text: it was edited after the rip"))
            }
        }
        return findings
    }

    /// Reads and scores each log; a log that cannot be read is a finding.
    public static func score(paths: [String], root: String) -> (logs: [ScoredLog], findings: [Finding]) {
        var logs: [ScoredLog] = []
        var findings: [Finding] = []
        for path in paths {
            guard let data = FileManager.default.contents(atPath: "\(root)/\(path)") else {
                findings.append(Finding(severity: .error, code: "unreadable", path: path, message: "cannot read the log"))
                continue
            }
            logs.append(ScoredLog(path: path, report: RipLogChecker.check([UInt8](data))))
        }
        return (logs, findings)
    }

    /// The logs' copy CRCs against the FLAC files beside each log (in its
    /// folder, or the whole release when its folder has none), by track number:
    /// one error per log naming the tracks that differ.
    /// - Parameter flacFiles: relative path → track number (from TRACKNUMBER, else the name's leading digits).
    public static func crcFindings(logs: [ScoredLog], flacFiles: [String: Int], root: String, environment: [String: String]) -> [Finding] {
        var findings: [Finding] = []
        var computed: [String: String] = [:]
        for log in logs where log.report.crcsSkipNullSamples && !log.report.tracks.isEmpty {
            findings.append(Finding(severity: .warning, code: "log-crc", path: log.path, message: "copy CRCs not checked: the log's CRCs leave out null samples"))
        }
        let checked = logs.filter { !$0.report.tracks.isEmpty && !$0.report.crcsSkipNullSamples }
        if !checked.isEmpty, ChildProcess.executable(named: "flac", searchPath: environment["PATH"]) == nil {
            return findings + [Finding(severity: .warning, code: "log-crc", path: "", message: "copy CRCs not checked: flac is not installed (on PATH)")]
        }
        for log in checked {
            let folder = directory(of: log.path)
            let beside = flacFiles.filter { directory(of: $0.key) == folder }
            let candidates = beside.isEmpty ? flacFiles : beside
            var audio: [Int: String] = [:]
            for (path, track) in candidates.sorted(by: { $0.key < $1.key }) where log.report.tracks.contains(where: { $0.number == track }) {
                if computed[path] == nil {
                    do {
                        computed[path] = try copyCRC(ofFLAC: "\(root)/\(path)", environment: environment)
                    } catch {
                        findings.append(Finding(severity: .warning, code: "log-crc", path: path, message: "copy CRC not checked: \(error)"))
                        continue
                    }
                }
                audio[track] = computed[path]
            }
            let mismatches = CopyCRCCheck.mismatches(logged: log.report.tracks, audio: audio)
            guard !mismatches.isEmpty else { continue }
            let named = mismatches.map { mismatch in
                "track \(mismatch.track) (log \(mismatch.logged), " + (mismatch.computed.map { "audio \($0)" } ?? "no audio file") + ")"
            }
            findings.append(Finding(severity: .error, code: "log-crc", path: log.path,
                message: "the audio does not match the log's copy CRC for \(named.joined(separator: ", "))"))
        }
        return findings
    }

    /// The track number of a file: its TRACKNUMBER tag ("3" or "3/12"), else the leading digits of its name.
    public static func trackNumber(path: String, tags: [String: [String]]) -> Int? {
        if let tag = tags["TRACKNUMBER"]?.first, let number = Int(tag.split(separator: "/").first ?? "") { return number }
        let name = path.split(separator: "/").last ?? ""
        return Int(name.prefix(while: \.isNumber))
    }

    /// EAC's copy CRC of a FLAC file: CRC-32 of its samples decoded to raw
    /// 16-bit little-endian signed PCM by `flac`, written to a temporary file
    /// and summed from there (a track's PCM is tens of megabytes).
    public static func copyCRC(ofFLAC path: String, environment: [String: String]) throws -> String {
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("mkt-pcm-\(UUID().uuidString).raw").path
        defer { try? FileManager.default.removeItem(atPath: temporary) }
        guard let flac = ChildProcess.executable(named: "flac", searchPath: environment["PATH"]) else { throw RipLogAudioError(path: path, reason: "flac is not installed (on PATH)") }
        let child = ChildProcess([flac, "-d", "-s", "-f", "--force-raw-format", "--endian=little", "--sign=signed", "-o", temporary, path],
            environment: environment, standardOutput: .discard, timeout: 600)
        let result = try child.run()
        guard result.status == 0 else {
            let reason = String(decoding: result.standardError, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? "exit status \(result.status)"
            throw RipLogAudioError(path: path, reason: result.timedOut ? "flac took too long" : reason)
        }
        guard let handle = FileHandle(forReadingAtPath: temporary) else { throw RipLogAudioError(path: path, reason: "flac wrote no samples") }
        defer { try? handle.close() }
        var crc = CRC32()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { crc.update(chunk) }
        return crc.hex
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }
}

/// `flac` could not decode a file for the copy CRC check.
public struct RipLogAudioError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): cannot decode for the copy CRC: \(reason)" }
}
