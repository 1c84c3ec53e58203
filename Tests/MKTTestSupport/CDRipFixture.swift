import Foundation
import MKTRipLog
import MKTSubprocess

/// A CD album made with sox and flac (16-bit, 44.1 kHz, stereo), and an EAC
/// log of it whose copy CRCs are the CRC-32 of the samples sox wrote: what
/// the copy CRC check compares, with nothing of mkt's decoding in between.
public enum CDRipFixture {
    public static let environment = ProcessInfo.processInfo.environment
    /// sox and flac on PATH, or nil.
    public static let tools: (sox: String, flac: String)? = {
        let path = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        func find(_ name: String) -> String? { path.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) } }
        guard let sox = find("sox"), let flac = find("flac") else { return nil }
        return (sox, flac)
    }()

    public struct ToolFailed: Error, CustomStringConvertible {
        public let description: String
    }

    /// Writes tracks 1…n as `0N - Track.flac` (tagged as the upload form needs), each a
    /// second of a tone, undithered so that one tone always gives the same
    /// samples; returns each track's CRC of its raw samples.
    public static func album(in folder: String, tones: [Int]) throws -> [Int: String] {
        guard let tools else { throw ToolFailed(description: "sox or flac is missing") }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var crcs: [Int: String] = [:]
        for (index, tone) in tones.enumerated() {
            let number = index + 1
            let raw = "\(folder)/\(number).raw"
            try run([tools.sox, "-D", "-n", "-r", "44100", "-b", "16", "-c", "2", "-e", "signed-integer", "-L", raw, "synth", "1", "sine", "\(tone)"])
            var crc = CRC32()
            crc.update([UInt8](try Data(contentsOf: URL(fileURLWithPath: raw))))
            crcs[number] = crc.hex
            try run([tools.flac, "-s", "-f", "--force-raw-format", "--endian=little", "--sign=signed", "--channels=2", "--bps=16", "--sample-rate=44100",
                "-T", "TRACKNUMBER=\(number)", "-T", "TITLE=Track \(number)", "-T", "ARTIST=Fixture Artist", "-T", "ALBUMARTIST=Fixture Artist",
                "-T", "ALBUM=Fixture Album", "-T", "DATE=2019", "-T", "GENRE=Electronic", "-T", "RELEASETYPE=album", "-o", "\(folder)/0\(number) - Track.flac", raw])
            try FileManager.default.removeItem(atPath: raw)
        }
        return crcs
    }

    /// An English EAC 1.3 log with every setting the logchecker wants (it
    /// scores 100, with no checksum), test and copy, and the given copy CRCs.
    public static func log(crcs: [Int: String]) -> String {
        var text = """
            Exact Audio Copy V1.3 from 2. September 2016

            EAC extraction logfile from 1. December 2026, 12:00

            Fixture Artist / Fixture Album

            Used drive  : BENQ    CDRW 5232X   Adapter: 1  ID: 3

            Read mode               : Secure
            Utilize accurate stream : Yes
            Defeat audio cache      : Yes
            Make use of C2 pointers : No

            Read offset correction                      : 738
            Overread into Lead-In and Lead-Out          : No
            Fill up missing offset samples with silence : Yes
            Delete leading and trailing silent blocks   : No
            Null samples used in CRC calculations       : Yes
            Gap handling                                : Appended to previous track

            Add ID3 tag                     : No


            """
        for number in crcs.keys.sorted() {
            let crc = crcs[number] ?? ""
            text += "Track  \(number)\n\n     Filename C:\\Rips\\0\(number) - Track.wav\n\n     Peak level 50.0 %\n     Extraction speed 8.0 X\n"
            text += "     Track quality 100.0 %\n     Test CRC \(crc)\n     Copy CRC \(crc)\n     Copy OK\n\n"
        }
        return text + "No errors occurred\n\nEnd of status report\n"
    }

    private static func run(_ arguments: [String]) throws {
        let result = try ChildProcess(arguments, environment: environment, timeout: 60).run()
        guard result.status == 0 else {
            throw ToolFailed(description: "\(arguments[0]): \(String(decoding: result.standardError, as: UTF8.self))")
        }
    }
}
