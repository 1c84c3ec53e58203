import Foundation
import Testing

/// Package.swift's diagram is the rule: every library module depends only on
/// modules of lower layers, so the direction of dependencies shows at a glance
/// and stays true.
struct LayeringTests {
    static let manifest = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Package.swift").standardized.path

    @Test func everyModuleDependsOnLowerLayersOnly() throws {
        let text = try String(contentsOfFile: Self.manifest, encoding: .utf8)
        // `//   N name   Module Module …` lines: the layer of each module, in order.
        var layer: [String: Int] = [:]
        for (index, line) in text.split(separator: "\n").filter({ $0.hasPrefix("//   ") }).enumerated() {
            for word in line.split(separator: " ").dropFirst() where word.hasPrefix("MKT") || word.hasPrefix("CMKT") || word == "mkt" {
                layer[String(word)] = index
            }
        }
        #expect(layer.count >= 20, "the diagram names the modules: \(layer.keys.sorted())")
        var checked = 0
        for target in text.components(separatedBy: "\n        .").dropFirst() {
            guard target.hasPrefix("target(") || target.hasPrefix("executableTarget("),
                let name = Self.first(#"name: "([^"]+)""#, in: target), let own = layer[name] else { continue }
            let dependencies = Self.first(#"dependencies: \[([^\]]*)\]"#, in: target).map { Self.all(#""([^"]+)""#, in: $0) } ?? []
            for dependency in dependencies {
                guard let theirs = layer[dependency] else { continue }
                #expect(theirs < own, "\(name) (layer \(own)) depends on \(dependency) (layer \(theirs))")
            }
            checked += 1
        }
        #expect(checked >= 18, "library modules and the binary checked: \(checked)")
    }

    /// The one error route prints `error: <description>`: every error type mkt
    /// declares must describe itself (no `Foo(bar: …)` dumps reach a user).
    @Test func everyErrorTypeDescribesItself() throws {
        let sources = URL(fileURLWithPath: Self.manifest).deletingLastPathComponent().appendingPathComponent("Sources").path
        var declared = 0
        for case let file as String in FileManager.default.enumerator(atPath: sources) ?? FileManager.DirectoryEnumerator() where file.hasSuffix(".swift") {
            let text = try String(contentsOfFile: "\(sources)/\(file)", encoding: .utf8)
            for line in text.split(separator: "\n") {
                guard let conformances = Self.first(#"^\s*(?:public |package )?(?:enum|struct|class|final class) \w+: ([^{]*\bError\b[^{]*)\{"#, in: String(line)) else { continue }
                declared += 1
                #expect(conformances.contains("CustomStringConvertible"), "\(file): \(line.trimmingCharacters(in: .whitespaces))")
            }
        }
        #expect(declared >= 15)
    }

    static func first(_ pattern: String, in text: String) -> String? { all(pattern, in: text).first }

    static func all(_ pattern: String, in text: String) -> [String] {
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return [] }
        return expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        }
    }
}
