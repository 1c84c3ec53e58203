import Foundation
import MKTMetadata
import MKTSubprocess

/// The audio checks on a release's FLAC files: a few short windows of each
/// decoded by `flac` (not the whole file, to stay fast) and given to AudioAnalysis.
public enum AudioCheck {
    /// Where in a track the windows are taken, as fractions of its length.
    public static let positions = [0.2, 0.5, 0.8]
    /// How long each window is, in seconds.
    public static let windowSeconds = 2.0

    /// Findings for every FLAC file among `facts` (relative path → facts);
    /// other formats are not decoded here. A file flac cannot decode is an
    /// error; flac missing is one warning.
    /// - Parameter location: where the file of a relative path is now.
    public static func findings(facts: FileMap<AudioFacts>, location: (String) -> String, environment: [String: String]) -> [Finding] {
        let flacFiles = facts.filter { $0.value.codec == "FLAC" }.sorted { $0.key < $1.key }
        guard !flacFiles.isEmpty else { return [] }
        guard let flac = ChildProcess.executable(named: "flac", searchPath: environment["PATH"]) else {
            return [Finding(severity: .warning, code: "audio-unchecked", path: "", message: "audio not checked (fake 24-bit, upsampling, lossy master): flac is not installed (on PATH)")]
        }
        var findings: [Finding] = []
        for (path, read) in flacFiles {
            do {
                let windows = try self.windows(of: location(path), facts: read, flac: flac, environment: environment)
                let seconds = Double(read.sampleCount ?? 0) / Double(max(read.sampleRate, 1))
                findings += AudioAnalysis.findings(path: path, windows: windows, trackSeconds: seconds)
            } catch let error as AudioCheckError {
                findings.append(Finding(severity: .error, code: "audio-undecodable", path: path, message: "cannot decode for the audio checks: \(error.reason)"))
            } catch {
                findings.append(Finding(severity: .error, code: "audio-undecodable", path: path, message: "cannot decode for the audio checks: \(error)"))
            }
        }
        return findings
    }

    /// The windows of one FLAC file, each decoded to raw little-endian signed samples.
    public static func windows(of file: String, facts: AudioFacts, flac: String, environment: [String: String]) throws -> [PCMWindow] {
        let bitDepth = facts.bitDepth ?? 16
        let bytesPerSample = (bitDepth + 7) / 8
        guard facts.channels > 0, facts.sampleRate > 0, (1...4).contains(bytesPerSample) else {
            throw AudioCheckError(path: file, reason: "\(facts.channels) channels at \(facts.sampleRate) Hz, \(bitDepth) bits cannot be decoded")
        }
        let total = max(facts.sampleCount ?? 0, 0)
        let length = Int64(windowSeconds * Double(facts.sampleRate))
        var starts: [Int64] = []
        if total <= length {
            starts = [0]
        } else {
            for position in positions {
                let start = min(max(Int64(Double(total) * position) - length / 2, 0), total - length)
                if !starts.contains(start) { starts.append(start) }
            }
        }
        var windows: [PCMWindow] = []
        for start in starts {
            let end = total > 0 ? min(start + length, total) : length
            var child = ChildProcess([flac, "-d", "-c", "-s", "--force-raw-format", "--endian=little", "--sign=signed",
                "--skip=\(start)", "--until=\(end)", file], environment: environment, timeout: 120)
            child.captureLimit = Int(end - start) * facts.channels * bytesPerSample + 4096
            let result = try child.run()
            guard result.status == 0, !result.standardOutput.isEmpty else {
                let reason = String(decoding: result.standardError, as: UTF8.self).split(separator: "\n").last.map { $0.trimmingCharacters(in: .whitespaces) }
                throw AudioCheckError(path: file, reason: result.timedOut ? "flac took too long" : reason ?? "flac wrote no samples (exit status \(result.status))")
            }
            windows.append(PCMWindow(samples: samples(result.standardOutput, bytesPerSample: bytesPerSample), channels: facts.channels,
                bitDepth: bitDepth, sampleRate: facts.sampleRate, startSeconds: Double(start) / Double(facts.sampleRate)))
        }
        return windows
    }

    /// Little-endian signed samples of `bytesPerSample` bytes, sign-extended.
    static func samples(_ data: Data, bytesPerSample: Int) -> [Int32] {
        let bytes = [UInt8](data)
        let count = bytes.count / bytesPerSample
        let shift = 32 - 8 * bytesPerSample
        return (0..<count).map { index in
            var value: UInt32 = 0
            for byte in 0..<bytesPerSample { value |= UInt32(bytes[index * bytesPerSample + byte]) << (8 * byte) }
            return Int32(bitPattern: value << shift) >> shift
        }
    }
}

/// `flac` could not decode a file for the audio checks.
public struct AudioCheckError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): cannot decode for the audio checks: \(reason)" }
}
