import ArgumentParser
import Foundation
import MKTHTTP
import MKTTranscode
import MKTWorkflow

extension MKT {
    struct Transcode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make V0, 320 and 16-bit FLAC releases from a FLAC release in the store.",
            discussion: """
                From the lossless release REL (a name as 'mkt add' printed it), write each
                format of --to as a folder of its own beside REL's folder (or in --out DIR),
                named as the sites name one ('Artist - Album (Year) [MP3 V0]', '[MP3 320]',
                '[FLAC]'), with flac, lame and sox run on every core, check each output, and
                record each folder as a release whose snapshot names REL, the encoders and
                their versions, and the exact commands. The same source and encoders give the
                same bytes: a format whose folder holds its recorded transcode is not made again.

                Refused, each with a line naming the file: lossy sources, 24-bit files whose
                low 8 bits are zero in every sample, mixed bit depths or sample rates,
                pre-emphasis (tags or cue sheet), anything an encoder reports as an error.
                FLAC16 of a 16-bit source is left out with a warning: the source is that format.
                Prints the name of each derived release, one per line.

                Examples:
                  mkt transcode artist-album-2020-flac --to V0,320
                  mkt transcode artist-album-2020-flac --to V0,320,FLAC16 --out ~/transcodes
                """
        )

        @Option(help: ArgumentHelp("The formats to make, comma-separated: V0, 320, FLAC16.", valueName: "FORMATS"))
        var to: String

        @Option(help: ArgumentHelp("Where the derived folders go (default: beside the source's folder).", valueName: "DIR"))
        var out: String?

        @Argument(help: "The lossless release.")
        var release: String

        func run() throws {
            let formats = try DerivedFormat.parseList(to)
            let repository = try openRepository()
            let toolchain = try Toolchain.find()
            if let out {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory), isDirectory.boolValue else {
                    throw ValidationError("--out \(out): not a directory")
                }
            }
            let output = out.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
            let terminal = isatty(2) == 1
            let progress: (@Sendable (Int, Int) -> Void)? = terminal ? Self.showProgress : nil
            StopOnInterrupt.install(
                what: "the tracks being encoded finish, nothing is recorded",
                atOnce: "hidden .mkt-transcode-* folders may be left beside the release folders; remove them")
            let report = try repository.transcode(
                shortReleaseName(release), to: formats, outputDirectory: output, toolchain: toolchain, progress: progress, shouldStop: { Interruption.requested })
            if terminal { Console.error("\r\u{1B}[K") }
            for line in report.skipped { Console.diagnose(.warning, line) }
            for failure in report.failures { Console.diagnose(.error, "\(failure)") }
            for derived in report.releases { Console.write("\(derived.name)\n") }
            if Interruption.requested { throw ExitCode(130) }
            if !report.failures.isEmpty { throw ExitCode.failure }
        }

        @Sendable static func showProgress(done: Int, total: Int) {
            Console.error("\rtranscoding: \(done)/\(total) tracks")
        }
    }
}
