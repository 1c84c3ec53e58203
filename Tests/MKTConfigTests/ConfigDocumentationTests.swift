import Foundation
import MKTConfig
import Testing

/// Documentation/mkt-config.md lists every registered key, as the registry
/// declares it: a key added, dropped or changed without the page fails here.
struct ConfigDocumentationTests {
    static let page = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Documentation/mkt-config.md").standardized.path
    static let start = "<!-- keys: generated from ConfigRegistry.keys; ConfigDocumentationTests checks it -->\n"
    static let end = "<!-- end of keys -->\n"

    /// The table the page must hold, one row per key in the registry's order.
    static var table: String {
        func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
        var rows = ["| key | type | default | |", "|---|---|---|---|"]
        for key in ConfigRegistry.keys {
            let name = key.repeatable ? "`\(key.displayName)` (repeatable)" : "`\(key.displayName)`"
            rows.append("| \(name) | \(cell(key.type.summary)) | \(key.defaultValue.map { "`\($0)`" } ?? "") | \(cell(key.help)) |")
        }
        return rows.joined(separator: "\n") + "\n"
    }

    @Test func thePageListsEveryKeyAsTheRegistryDeclaresIt() throws {
        let text = try String(contentsOfFile: Self.page, encoding: .utf8)
        let between = try #require(text.range(of: Self.start).flatMap { start in
            text.range(of: Self.end, range: start.upperBound..<text.endIndex).map { text[start.upperBound..<$0.lowerBound] }
        }, "the page has no generated table between its markers")
        #expect(String(between) == Self.table, "Documentation/mkt-config.md's table should read:\n\(Self.table)")
    }
}
