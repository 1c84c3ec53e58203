import Foundation
import MKTMetadata
import Synchronization

/// One output track to make: the command and where it reads and writes.
public struct TrackJob: Sendable {
    public let format: DerivedFormat
    public let source: SourceCheck.Track
    /// Absolute paths.
    public let sourceFile: String
    public let outputFile: String
    public let coverFile: String?
    /// The output's path inside its release folder.
    public let outputPath: String
    public let command: EncoderCommand

    /// - Parameters:
    ///   - sourceRoot, outputRoot: the folders; `cover`: an image's path inside the source folder.
    ///   - outputName: the output folder's name once done (`outputRoot` may be a staging folder).
    public init(format: DerivedFormat, source: SourceCheck.Track, sourceRoot: String, outputRoot: String, outputName: String, cover: String?) {
        self.format = format
        self.source = source
        let stem = (source.path as NSString).deletingPathExtension
        outputPath = "\(stem).\(format.fileExtension)"
        sourceFile = "\(sourceRoot)/\(source.path)"
        outputFile = "\(outputRoot)/\(outputPath)"
        command = EncoderCommand.make(format, source: source.facts, cover: cover != nil && format != .flac16)
        coverFile = command.usesCover ? cover.map { "\(sourceRoot)/\($0)" } : nil
        // Paths from the folder both release folders are in (with --out, the source's is elsewhere).
        let sourceName = (sourceRoot as NSString).lastPathComponent
        recorded = command.recorded(
            source: "\(sourceName)/\(source.path)", output: "\(outputName)/\(outputPath)", cover: command.usesCover ? cover.map { "\(sourceName)/\($0)" } : nil)
    }

    /// The command as the lineage records it: each path starting with its release folder's name.
    public let recorded: String
}

/// Runs track jobs, as many at once as there are cores (each job is one
/// encoder busy on one core; the decoder beside it takes a sliver).
public enum Transcoder {
    /// - Parameter progress: told the number of jobs done after each one ends.
    /// - Returns: the failures by the index of their job.
    /// - Parameter shouldStop: asked before each job starts; once it says yes
    ///   (Ctrl-C), the jobs under way finish and no other starts.
    public static func run(
        _ jobs: [TrackJob], toolchain: Toolchain, progress: (@Sendable (Int) -> Void)? = nil, shouldStop: @Sendable () -> Bool = { false }
    ) -> [Int: TranscodeError] {
        let failures = Mutex<[Int: TranscodeError]>([:])
        let done = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: jobs.count) { index in
            let job = jobs[index]
            guard !shouldStop() else {
                failures.withLock { $0[index] = .stopped(path: "\(job.source.path) (to \(job.format.rawValue))") }
                return
            }
            var arguments = [job.sourceFile, job.outputFile]
            if let cover = job.coverFile { arguments.append(cover) }
            do throws(TranscodeError) {
                try toolchain.run(script: job.command.script, arguments: arguments, label: "\(job.source.path) (to \(job.format.rawValue))", timeout: 3600)
            } catch {
                failures.withLock { $0[index] = error }
            }
            let finished = done.add(1, ordering: .relaxed).newValue
            progress?(finished)
        }
        return failures.withLock { $0 }
    }

    /// The tracks of a 24-bit source that are 16-bit audio padded to 24
    /// (`Toolchain.hasLowBits`), decoded as many at once as there are cores.
    /// - Parameters:
    ///   - root: the source's folder; `scratch`: a folder for the decoded samples, one track at a time per core.
    public static func padded(_ tracks: [SourceCheck.Track], root: String, toolchain: Toolchain, scratch: String) -> [TranscodeError] {
        let refusals = Mutex<[Int: TranscodeError]>([:])
        DispatchQueue.concurrentPerform(iterations: tracks.count) { index in
            let path = tracks[index].path
            do throws(TranscodeError) {
                if try !toolchain.hasLowBits("\(root)/\(path)", label: path, scratch: scratch) {
                    refusals.withLock { $0[index] = .refused(path: path, reason: "24-bit in name only: the low 8 bits of every sample are zero (16-bit audio padded to 24)") }
                }
            } catch {
                refusals.withLock { $0[index] = error }
            }
        }
        return refusals.withLock { refusals in refusals.keys.sorted().compactMap { refusals[$0] } }
    }

    /// Checks every output (`OutputCheck`), as many at once as there are cores.
    /// - Returns: the problems, one per output that has one.
    public static func verify(_ jobs: [TrackJob], toolchain: Toolchain) -> [TranscodeError] {
        let problems = Mutex<[Int: TranscodeError]>([:])
        DispatchQueue.concurrentPerform(iterations: jobs.count) { index in
            if let problem = OutputCheck.problem(jobs[index], toolchain: toolchain) {
                problems.withLock { $0[index] = .verification(path: jobs[index].outputPath, reason: problem) }
            }
        }
        return problems.withLock { problems in problems.keys.sorted().compactMap { problems[$0] } }
    }
}

/// Checks one output against its source before it is recorded.
public enum OutputCheck {
    /// Nil when the output is what it should be; else what is wrong with it.
    public static func problem(_ job: TrackJob, toolchain: Toolchain) -> String? {
        let facts: AudioFacts
        do {
            facts = try AudioProbe.probe(path: job.outputFile)
        } catch {
            return "\(error)"
        }
        let source = job.source.facts
        let want = job.format.probed
        let rate = DerivedFormat.targetRate(for: source.sampleRate)
        if facts.codec != want.codec || facts.encoding != want.encoding {
            return "mkt probe reads \(facts.codec) \(facts.encoding ?? "of unknown encoding"), not \(want.codec) \(want.encoding)"
        }
        if facts.sampleRate != rate { return "\(facts.sampleRate) Hz, not \(rate) Hz" }
        if facts.channels != source.channels { return "\(facts.channels) channels, the source has \(source.channels)" }
        if job.format == .flac16 && facts.bitDepth != 16 { return "\(facts.bitDepth.map(String.init) ?? "unknown")-bit, not 16-bit" }
        // One MP3 frame (1,152 samples) at the output's rate, and a millisecond of rounding.
        let tolerance = Int64((1152 * 1000 + rate - 1) / max(rate, 1)) + 1
        guard let length = facts.durationMilliseconds, let sourceLength = source.durationMilliseconds else { return "its duration is unknown" }
        if abs(length - sourceLength) > tolerance { return "\(length) ms long, the source \(sourceLength) ms (more than one MP3 frame apart)" }
        if job.format == .flac16 {
            if facts.tags != source.tags { return "its tags are not the source's" }
            // flac -t decodes it whole and checks each frame's CRC and the audio's MD5.
            do throws(TranscodeError) {
                try toolchain.run(script: "flac -t -s -- \"$1\"", arguments: [job.outputFile], label: job.outputPath, timeout: 3600)
            } catch {
                return "it does not decode cleanly: \(error)"
            }
        } else {
            for (frame, value) in ID3Arguments.frames(from: source.tags).sorted(by: { $0.key < $1.key }) {
                // LAME writes the year of an ID3v2.3 tag as TYER.
                let got = facts.tags[frame]?.joined(separator: "; ")
                if got != value { return "its \(frame) is \(got.map { "'\($0)'" } ?? "missing"), the source's '\(value)'" }
            }
            guard let bytes = FileManager.default.contents(atPath: job.outputFile) else { return "cannot read it back" }
            if let problem = MP3Stream.problem(bytes: Array(bytes)) { return problem }
        }
        return nil
    }
}
