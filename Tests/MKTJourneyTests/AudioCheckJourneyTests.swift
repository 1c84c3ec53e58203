import Foundation
import MKTSubprocess
import MKTTestSupport
import Testing

/// `mkt check-release` on lossless files that are not what they claim: an
/// upsampled 24/96, a 16-bit recording padded to 24 bits, a FLAC made from an
/// MP3, each flagged with its numbers; a true 24/96 recording is not. And
/// `mkt spectrals`'s pictures and page.
@Suite(.enabled(if: AudioTools.found != nil, "sox, flac or lame is missing (scripts/apt-deps.sh test installs them)"))
struct AudioCheckJourneyTests {
    static let audioCodes: Set<String> = ["fake-24-bit", "fake-24-bit-noise", "upsampled", "lossy-master", "clipping", "digital-silence", "audio-undecodable", "audio-unchecked"]

    @Test func fakesAreFlaggedWithTheirNumbersAndATrueRecordingIsNot() throws {
        let tools = try #require(AudioTools.found)
        try withTemporaryDirectory { directory in
            // 16-bit 44.1 kHz pink noise, the "CD" every fake starts from. (The rate
            // goes before -n: after it, sox synthesizes at 48 kHz and resamples.)
            let cd = "\(directory)/cd.wav"
            try run([tools.sox, "-R", "-r", "44100", "-n", "-b", "16", "-c", "2", cd, "synth", "2.5", "pinknoise", "gain", "-n", "-6"])

            // A true 24/96 recording: pink noise and a 30 kHz tone, rolled off above
            // 40 kHz as a microphone and a converter roll off, so that the top of its
            // spectrum is below what 16 bits could hold.
            let noise = "\(directory)/noise96.wav", tone = "\(directory)/tone96.wav"
            try run([tools.sox, "-R", "-r", "96000", "-n", "-b", "24", "-c", "2", noise, "synth", "2.5", "pinknoise", "gain", "-n", "-8"])
            try run([tools.sox, "-R", "-r", "96000", "-n", "-b", "24", "-c", "2", tone, "synth", "2.5", "sine", "30000", "gain", "-n", "-20"])
            let findings = { (name: String, make: (String) throws -> Void) throws -> [[String: String]] in
                let release = "\(directory)/Fixture Artist - \(name) (2019) [FLAC]"
                try FileManager.default.createDirectory(atPath: release, withIntermediateDirectories: true)
                try make("\(release)/01 - Track.flac")
                let result = try MKTProcess.run(["check-release", "--tracker", "red", "--media", "WEB", "--json", release], in: directory)
                let all = try JSONSerialization.jsonObject(with: result.stdoutData) as? [[String: String]] ?? []
                return all.filter { Self.audioCodes.contains($0["code"] ?? "") }
            }

            let honest = try findings("True") { try run([tools.sox, "-R", "-m", noise, tone, "-b", "24", $0, "sinc", "-40k"]) }
            #expect(honest.isEmpty, "\(honest)")

            let upsampled = try findings("Upsampled") { try run([tools.sox, "-R", cd, "-r", "96000", "-b", "24", $0]) }
            #expect(upsampled.map { $0["code"] } == ["upsampled"], "\(upsampled)")
            #expect(upsampled.first?["message"]?.contains("in a 96.0 kHz file: upsampled from 44.1 kHz?") == true, "\(upsampled)")

            let padded = try findings("Padded") { try run([tools.sox, "-R", cd, "-b", "24", $0]) }
            #expect(padded.map { $0["code"] } == ["fake-24-bit"], "\(padded)")
            #expect(padded.first?["severity"] == "error")
            #expect(padded.first?["message"]?.contains("the low 8 bits of all 529200 samples read (6.0 s from 3 places)") == true, "\(padded)")

            // 16-bit tones (sox dithers them to 16 bits) padded to 24 bits with white
            // noise below the 16-bit step: the low bits are not zero, and carry nothing.
            let tones = "\(directory)/tones16.wav", hiss = "\(directory)/hiss24.wav"
            try run([tools.sox, "-R", "-r", "44100", "-c", "2", "-n", "-b", "16", tones, "synth", "2.5", "sine", "440", "sine", "1000", "gain", "-n", "-6"])
            try run([tools.sox, "-R", "-r", "44100", "-c", "2", "-n", "-b", "24", hiss, "synth", "2.5", "whitenoise", "gain", "-n", "-100"])
            let noisy = try findings("Padded With Noise") { try run([tools.sox, "-R", "-m", "-v", "1", tones, "-v", "1", hiss, "-b", "24", $0]) }
            #expect(noisy.map { $0["code"] } == ["fake-24-bit-noise"], "\(noisy)")
            #expect(noisy.first?["severity"] == "warning")
            #expect(noisy.first?["message"]?.contains("16-bit rounding noise at -69.2 dB (flagged within 3 dB)") == true, "\(noisy)")
            // The same tones truly 24-bit: the low bits hold what 16 would round away.
            let tones24 = try findings("Tones 24") { try run([tools.sox, "-R", "-r", "44100", "-c", "2", "-n", "-b", "24", $0, "synth", "2.5", "sine", "440", "sine", "1000", "gain", "-n", "-6"]) }
            #expect(tones24.isEmpty, "\(tones24)")

            let lossy = try findings("From MP3") { flacFile in
                let mp3 = "\(directory)/cd.mp3", decoded = "\(directory)/decoded.wav"
                try run([tools.lame, "--quiet", "-b", "128", cd, mp3])
                try run([tools.lame, "--quiet", "--decode", mp3, decoded])
                try run([tools.flac, "--silent", "--force", "-o", flacFile, decoded])
            }
            #expect(lossy.map { $0["code"] } == ["lossy-master"], "\(lossy)")
            let message = lossy.first?["message"] ?? ""
            // LAME at 128 kbps lowpasses at 16.5–17.1 kHz.
            #expect(message.hasPrefix("the spectrum stops at 16.") || message.hasPrefix("the spectrum stops at 17."), "\(lossy)")
        }
    }

    @Test func clippingSilenceAndAnUndecodableFileAreFlagged() throws {
        let tools = try #require(AudioTools.found)
        try withTemporaryDirectory { directory in
            let release = "\(directory)/Fixture Artist - Faults (2019) [FLAC]"
            try FileManager.default.createDirectory(atPath: release, withIntermediateDirectories: true)
            // A sine driven 12 dB past full scale; -D: no dither, so the clipped samples stay at full scale.
            try run([tools.sox, "-D", "-R", "-r", "44100", "-n", "-b", "16", "-c", "2", "\(release)/01 - Clip.flac", "synth", "3", "sine", "100", "gain", "12"])
            // 2 s of noise, 6 s of zeros, 2 s of noise: the middle window is all zero.
            let noise = "\(directory)/noise.wav", zeros = "\(directory)/zeros.wav"
            try run([tools.sox, "-R", "-r", "44100", "-n", "-b", "16", "-c", "2", noise, "synth", "2", "pinknoise", "gain", "-n", "-6"])
            try run([tools.sox, "-D", "-R", "-r", "44100", "-n", "-b", "16", "-c", "2", zeros, "trim", "0", "6"])
            try run([tools.sox, "-D", noise, zeros, noise, "\(release)/02 - Gap.flac"])
            // The first 20 kB of that file: its header says 10 s, flac cannot seek into them.
            let gap = try #require(FileManager.default.contents(atPath: "\(release)/02 - Gap.flac"))
            try gap.prefix(20_000).write(to: URL(fileURLWithPath: "\(release)/03 - Cut.flac"))

            let result = try MKTProcess.run(["check-release", "--tracker", "red", "--media", "WEB", "--json", release], in: directory)
            let all = try JSONSerialization.jsonObject(with: result.stdoutData) as? [[String: String]] ?? []
            let findings = all.filter { Self.audioCodes.contains($0["code"] ?? "") }
            #expect(findings.map { [$0["path"] ?? "", $0["code"] ?? ""] } == [["01 - Clip.flac", "clipping"], ["02 - Gap.flac", "digital-silence"], ["03 - Cut.flac", "audio-undecodable"]], "\(findings)")
            #expect(findings.first?["message"]?.contains("runs of 3 or more samples at full scale in the 6.0 s read") == true, "\(findings)")
            #expect(findings.dropFirst().first?["message"] == "2.0 s of digital silence (every sample zero) from 0:04", "\(findings)")
            #expect(findings.last?["severity"] == "error")
            #expect(findings.last?["message"]?.hasPrefix("cannot decode for the audio checks: ") == true, "\(findings)")
        }
    }

    /// What the tags and the cue sheet say, and files that differ from the rest, as check-release reports them.
    @Test func preEmphasisAndMixedSampleRatesAreFindings() throws {
        let tools = try #require(AudioTools.found)
        try withTemporaryDirectory { directory in
            let release = "\(directory)/Fixture Artist - Emphasis (2019) [FLAC]"
            try FileManager.default.createDirectory(atPath: release, withIntermediateDirectories: true)
            for (name, rate) in [("01 - One.flac", "44100"), ("02 - Two.flac", "44100"), ("03 - Three.flac", "48000")] {
                try run([tools.sox, "-R", "-r", rate, "-c", "2", "-n", "-b", "16", "\(release)/\(name)", "synth", "2", "pinknoise", "gain", "-n", "-6"])
            }
            try run([(tools.flac as NSString).deletingLastPathComponent + "/metaflac", "--set-tag=PRE_EMPHASIS=1", "\(release)/02 - Two.flac"])
            try "FILE \"01 - One.flac\" WAVE\n  TRACK 01 AUDIO\n    FLAGS PRE\n    INDEX 01 00:00:00\n".write(toFile: "\(release)/album.cue", atomically: true, encoding: .utf8)
            let result = try MKTProcess.run(["check-release", "--tracker", "red", "--media", "WEB", "--json", release], in: directory)
            let all = try JSONSerialization.jsonObject(with: result.stdoutData) as? [[String: String]] ?? []
            let found = all.filter { ["pre-emphasis", "mixed-sample-rate"].contains($0["code"] ?? "") }.map { [$0["code"] ?? "", $0["path"] ?? "", $0["message"] ?? ""] }
            #expect(found == [
                ["mixed-sample-rate", "", "the sample rates differ: 44100 Hz in 2 files; 48000 Hz in 1: 03 - Three.flac"],
                ["pre-emphasis", "02 - Two.flac", "the tags say the audio has pre-emphasis (PRE_EMPHASIS=1): it plays too bright without de-emphasis, and a transcode keeps it"],
                ["pre-emphasis", "album.cue", "line 3: FLAGS PRE, the disc has pre-emphasis: the rip plays too bright without de-emphasis, and a transcode keeps it"],
            ], "\(all)")
        }
    }

    @Test func spectralsDrawsEveryTrackAndAPageShowingThem() throws {
        let tools = try #require(AudioTools.found)
        try withTemporaryDirectory { directory in
            let release = "\(directory)/Fixture Artist - Spectra (2019) [FLAC]"
            try FileManager.default.createDirectory(atPath: release, withIntermediateDirectories: true)
            let names = ["01 - Low & Slow.flac", "02 - High.flac"]
            for (name, tone) in zip(names, ["440", "9000"]) {
                try run([tools.sox, "-R", "-r", "44100", "-n", "-b", "16", "-c", "2", "\(release)/\(name)", "synth", "2", "sine", tone, "gain", "-n", "-6"])
            }
            let result = try MKTProcess.run(["spectrals", "--out", "\(directory)/out", release], in: directory)
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout == "\(directory)/out/index.html\n")
            let page = try String(contentsOfFile: "\(directory)/out/index.html", encoding: .utf8)
            #expect(page.contains("<h2>01 - Low &amp; Slow.flac</h2>"), "\(page)")
            #expect(page.contains("<h2>02 - High.flac</h2>"), "\(page)")
            for stem in ["01", "02"] {
                for kind in ["full", "zoom"] {
                    #expect(page.contains("src=\"\(stem)-\(kind).png\""))
                    let bytes = [UInt8](FileManager.default.contents(atPath: "\(directory)/out/\(stem)-\(kind).png") ?? Data())
                    #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "\(stem)-\(kind).png is not a PNG")
                }
            }
        }
    }

    private func run(_ arguments: [String]) throws {
        let result = try ChildProcess(arguments, environment: ProcessInfo.processInfo.environment, timeout: 60).run()
        #expect(result.status == 0, "\(arguments[0]): \(String(decoding: result.standardError, as: UTF8.self))")
    }
}

/// sox, flac and lame on PATH.
enum AudioTools {
    static let found: (sox: String, flac: String, lame: String)? = {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        func find(_ name: String) -> String? { path.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) } }
        guard let sox = find("sox"), let flac = find("flac"), let lame = find("lame") else { return nil }
        return (sox, flac, lame)
    }()
}
