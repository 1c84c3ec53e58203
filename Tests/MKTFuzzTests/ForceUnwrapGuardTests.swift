import Foundation
import Testing

/// No trap on input, as a class: no source file force-unwraps what a
/// constructor built (`URL(string: …)!`, `URLComponents(…)!`, `Int(…)!`,
/// `Data(base64Encoded: …)!`, any `Type(…)!`), what a URL gives back
/// (`.url!`, `.string!`, `.data(using: …)!`), or uses `try!`. A hit is one
/// line, `file:line: text`; fix it by throwing a one-line error instead.
struct ForceUnwrapGuardTests {
    static let patterns: [(name: String, expression: String)] = [
        ("a constructor's result force-unwrapped", #"\b[A-Z][A-Za-z0-9]*(\.[A-Z][A-Za-z0-9]*)*\((?:[^()\n]|\((?:[^()\n]|\([^()\n]*\))*\))*\)!"#),
        ("a URL's part force-unwrapped", #"\.(url|string|data\([^()\n]*\))!"#),
        ("try!", #"\btry!"#),
    ]

    /// The only hits allowed: each is known at compile time, and says why.
    /// `file` is relative to Sources/, `text` a piece of the line.
    static let exceptions: [(file: String, text: String, why: String)] = [
        ("MKTWorkflow/UploadStats.swift", #"TimeZone(identifier: "UTC")!"#, "a literal identifier every system has"),
        ("MKTHTTP/HTTPClient.swift", "UnsafeRawPointer(bitPattern: 1)!", "a literal non-zero address (libcurl needs a non-null pointer for an empty body)"),
        ("mkt-bench/main.swift", #"ObjectID(hex: String(repeating: "a", count: 64))!"#, "a literal id, in the benchmark tool"),
        // Not a literal: the one encoder of object bodies. They hold strings,
        // integers, booleans, lists and objects only (no floats), the only
        // values JSONEncoder refuses; making it throw would reach 44 callers.
        ("MKTObjects/ObjectFormatError.swift", "return try! encoder.encode(value)", "JSON of mkt's own object bodies, which hold no float"),
    ]

    static var sources: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Sources")
    }

    /// Every hit in the Swift files under `root`, comments left out.
    static func hits(under root: URL) throws -> [(file: String, line: Int, text: String, pattern: String)] {
        let expressions = try patterns.map { ($0.name, try NSRegularExpression(pattern: $0.expression)) }
        var found: [(file: String, line: Int, text: String, pattern: String)] = []
        let files = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }.sorted() ?? []
        for file in files {
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = String(line.trimmingCharacters(in: .whitespaces).hasPrefix("//") ? "" : line)
                for (name, expression) in expressions where expression.firstMatch(in: code, range: NSRange(code.startIndex..., in: code)) != nil {
                    found.append((file, number + 1, code.trimmingCharacters(in: .whitespaces), name))
                }
            }
        }
        return found
    }

    @Test func noSourceFileForceUnwrapsWhatItBuilt() throws {
        let unexcused = try Self.hits(under: Self.sources).filter { hit in
            !Self.exceptions.contains { hit.file == $0.file && hit.text.contains($0.text) }
        }
        #expect(unexcused.isEmpty, "\(unexcused.map { "Sources/\($0.file):\($0.line): \($0.pattern): \($0.text)" }.joined(separator: "\n"))")
    }

    /// Each exception still matches a line: a fixed one leaves the list.
    @Test func everyExceptionIsStillNeeded() throws {
        let hits = try Self.hits(under: Self.sources)
        for exception in Self.exceptions {
            #expect(hits.contains { $0.file == exception.file && $0.text.contains(exception.text) }, "\(exception.file): '\(exception.text)' is gone; drop it from the exceptions")
        }
    }

    /// The patterns find what they are for, and leave alone what they are not.
    @Test func thePatternsCatchTheForms() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mkt-guard-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let caught = [
            "let a = URL(string: site.url + path)!", "var c = URLComponents(string: text)!", "return components.string!", "let u = components.url!",
            "let n = Int(field)!", "let d = Data(base64Encoded: key)!", "let b = text.data(using: .utf8)!", "let x = try! decoder.decode(T.self, from: data)",
            "let s = Unicode.Scalar(value)!",
        ]
        let spared = ["let a = URL(string: text) ?? fallback", "if x != y {}", "guard let n = Int(field) else { return }", "// URL(string: x)! in a comment", "let v = dictionary[key]!"]
        try (caught + spared).joined(separator: "\n").write(to: directory.appendingPathComponent("Sample.swift"), atomically: true, encoding: .utf8)
        #expect(try Self.hits(under: directory).map(\.line) == Array(1...caught.count))
    }
}
