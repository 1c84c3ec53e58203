import ArgumentParser
import MKTTorrent

/// How to scan and hash a release folder; shared by hash-release and make-torrent.
struct ReleaseScanOptions: ParsableArguments {
    @Option(
        name: [.customShort("l"), .long],
        help: "Piece length: bytes (262144), with K or M (256K), or a power of two as in mktorrent (18). Default: automatic.",
        transform: PieceLengthArgument.parse)
    var pieceLength: Int64?

    @Option(name: .customLong("exclude"), help: "Leave out files and folders whose name matches this glob (repeatable).")
    var excludes: [String] = []

    @Flag(help: "Keep dot-files, Thumbs.db, desktop.ini, @eaDir and *.torrent, which are left out by default.")
    var noDefaultExcludes = false

    var scanOptions: ScanOptions { ScanOptions(useDefaultExcludes: !noDefaultExcludes, excludes: excludes) }
}

enum PieceLengthArgument {
    static func parse(_ text: String) throws -> Int64 {
        let units: [Character: Int64] = ["K": 1 << 10, "k": 1 << 10, "M": 1 << 20, "m": 1 << 20]
        let (digits, scale) = text.last.flatMap { units[$0] }.map { (text.dropLast(), $0) } ?? (Substring(text), 1)
        guard let number = Int64(digits), number > 0 else {
            throw ValidationError("'\(text)' is not a piece length (examples: 262144, 256K, 1M, 18)")
        }
        let length = scale == 1 && number < 64 ? Int64(1) << number : number * scale
        do {
            try PieceLength.validate(length)
        } catch {
            throw ValidationError("\(error)")
        }
        return length
    }
}
