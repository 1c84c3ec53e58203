import Foundation
import Testing

/// No trap on a hostile number, as a class: a 64-bit field of a value read
/// from a file, an object, a torrent or a site (a release file's size, a
/// receipt's times, an audio file's duration and sample count, a bencode
/// integer, piece lengths and totals, stat data) is never the operand of a
/// bare `+`, `-` or `*` (nor `+=`, `-=`, `*=`) anywhere in Sources/. Such
/// arithmetic goes through `clampedAdding`/`clampedSubtracting`/`scaled`
/// (MKTMetadata/ClampedArithmetic.swift), the `…ReportingOverflow` calls,
/// `ReleaseTree.total(of:)`/`offsets` or `PieceHashes.pieceCount`. The rule
/// matches a member access ending in one of the fields below (`file.size`,
/// `receipt.started`), so locals that hold such a number are for review; a
/// hit is `file:line: text`.
struct InputArithmeticGuardTests {
    /// The 64-bit fields of the input-facing types: ReleaseTree.File.size,
    /// FileStat's modified/changed/inode/device, UploadReceipt's started/
    /// finished/rateLimitWaitMilliseconds, AudioFacts' durationMilliseconds/
    /// sampleCount and Chapter.startMilliseconds, Bencode.integerValue,
    /// PieceHashes' and TorrentFile's pieceLength/totalLength, ReleaseTree.totalSize,
    /// TorrentFile's creationDate.
    static let fields = [
        "size", "modified", "changed", "inode", "device", "started", "finished", "rateLimitWaitMilliseconds", "durationMilliseconds", "sampleCount",
        "startMilliseconds", "integerValue", "pieceLength", "totalLength", "totalSize", "creationDate",
    ]

    static var expression: NSRegularExpression {
        get throws {
            // A bare operator: not part of `->`, `+=`'s neighbours, `&+` or a comparison.
            let op = #"(?<![-+*/=<>!&|^%])[-+*]=?(?![-+*>=])"#
            let field = #"\b\w+(?:\??\.\w+)*\??\.(?:"# + fields.joined(separator: "|") + #")\b(?!\()"#
            return try NSRegularExpression(pattern: "(?:\(field)\\s*\(op)\\s*[\\w(.])|(?:[\\w)\\]]\\s*\(op)\\s*\(field))")
        }
    }

    /// The only hits allowed, each with why it cannot overflow. `file` is relative to Sources/.
    static let exceptions: [(file: String, text: String, why: String)] = [
        ("mkt-bench/main.swift", "receipt.finished = receipt.started + 800", "the benchmark's own receipts, started from a literal"),
    ]

    static var sources: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Sources")
    }

    /// Every hit in the Swift files under `root`, comments left out.
    static func hits(under root: URL) throws -> [(file: String, line: Int, text: String)] {
        let expression = try Self.expression
        var found: [(file: String, line: Int, text: String)] = []
        let files = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }.sorted() ?? []
        for file in files {
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = String(line.components(separatedBy: "//").first ?? "")
                if expression.firstMatch(in: code, range: NSRange(code.startIndex..., in: code)) != nil {
                    found.append((file, number + 1, line.trimmingCharacters(in: .whitespaces)))
                }
            }
        }
        return found
    }

    @Test func noBareArithmeticOnANumberFromInput() throws {
        let unexcused = try Self.hits(under: Self.sources).filter { hit in
            !Self.exceptions.contains { hit.file == $0.file && hit.text.contains($0.text) }
        }
        #expect(unexcused.isEmpty, "\(unexcused.map { "Sources/\($0.file):\($0.line): unchecked arithmetic on a number from input: \($0.text)" }.joined(separator: "\n"))")
    }

    /// Each exception still matches a line: a fixed one leaves the list.
    @Test func everyExceptionIsStillNeeded() throws {
        let hits = try Self.hits(under: Self.sources)
        for exception in Self.exceptions {
            #expect(hits.contains { $0.file == exception.file && $0.text.contains(exception.text) }, "\(exception.file): '\(exception.text)' is gone; drop it from the exceptions")
        }
    }

    /// The rule catches the forms (an introduced `size * 2` among them) and leaves the rest alone.
    @Test func theRuleCatchesTheForms() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mkt-arithmetic-guard-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let caught = [
            "let doubled = file.size * 2", "let seconds = receipt.finished - receipt.started", "offset += file.size", "let end = 1 + tree.totalSize",
            "let total = facts?.durationMilliseconds + gap", "let n = (torrent.totalLength + torrent.pieceLength - 1) / torrent.pieceLength",
            "let x = value.integerValue*10",
        ]
        let spared = [
            "let doubled = file.size.clampedAdding(file.size)", "guard file.size > 0 else { return }", "let a = b.count + 1", "let s = -file.size",
            "let x = file.size == other.size", "// offset += file.size in a comment", "func size() -> Int64", "let k = x.sizeInBytes + 1", "let p = a &+ file.size",
        ]
        try (caught + spared).joined(separator: "\n").write(to: directory.appendingPathComponent("Sample.swift"), atomically: true, encoding: .utf8)
        #expect(try Self.hits(under: directory).map(\.line) == Array(1...caught.count))
    }
}
