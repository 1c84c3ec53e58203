import ArgumentParser
import Foundation
import MKTMetadata

extension MKT {
    struct Probe: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read format facts and tags from audio files; print one JSON object per file.",
            discussion: """
                Reads the files themselves (no ffprobe, no TagLib): codec, container, sample
                rate, bit depth, channels, sample count, duration (ms), bitrate, encoder,
                the tracker encoding class, every tag with all its values, and embedded
                pictures. Formats read: FLAC (with or without an ID3v2 tag in front), Ogg
                Vorbis and Opus, MP3 (ID3v1/v2, APEv2, Xing/LAME), MP4 (M4A, M4B).
                A file that cannot be read gets one error line; the others are still printed,
                and the exit status is 1.
                """
        )

        @Argument(help: "Audio files.")
        var files: [String]

        func validate() throws {
            if files.isEmpty { throw ValidationError("give at least one FILE") }
        }

        func run() throws {
            var failed = false
            for path in files {
                do {
                    let facts = try AudioProbe.probe(path: path)
                    Console.write(try facts.json(path: path))
                    Console.write("\n")
                } catch {
                    try Console.flush()
                    Console.diagnose(.error, "\(error)")
                    failed = true
                }
            }
            if failed { throw ExitCode.failure }
        }
    }
}
