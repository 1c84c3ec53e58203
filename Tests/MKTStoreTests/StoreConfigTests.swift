import MKTStore
import Testing

struct StoreConfigTests {
    @Test func parsesSectionsSubsectionsQuotesAndComments() throws {
        let text = """
            # a comment
            [core]
            \tformat = 1
            \thash=sha256 ; trailing comment
            [tracker "red"]
            \tannounce = "https://flacsfor.me/announce" # quoted
            \tName = "two  spaces \\"quoted\\"\\tand a tab"
            \tcomment = "https://example.org/#anchor; not a comment" ; a comment
            [Tracker "red"]
            \tannounce = https://override.example/announce
            """
        let config = try StoreConfig.parse(text, path: "config")
        #expect(config.value("core", "format") == "1")
        #expect(config.value("CORE", "Hash") == "sha256")
        #expect(config.value("tracker", "name", subsection: "red") == "two  spaces \"quoted\"\tand a tab")
        #expect(config.value("tracker", "announce", subsection: "red") == "https://override.example/announce")
        #expect(config.value("tracker", "announce", subsection: "RED") == nil)
        #expect(config.value("tracker", "comment", subsection: "red") == "https://example.org/#anchor; not a comment")
        #expect(config.entries.map(\.name).first == "core.format")
    }

    @Test(arguments: [
        ("key = 1", 1, "a key outside any [section]"),
        ("[core\nformat = 1", 1, "bad section header '[core'"),
        ("[core]\nformat", 2, "expected 'key = value', got 'format'"),
        ("[core]\n9key = 1", 2, "bad key name '9key'"),
        ("[core]\nkey = \"open", 2, "unterminated quote or bad escape"),
        ("[core]\nkey = bad\\q", 2, "unterminated quote or bad escape"),
        ("[a \"b\"c\"]", 1, "bad section header '[a \"b\"c\"]'"),
    ])
    func errorsNameTheLine(text: String, line: Int, reason: String) {
        #expect(throws: StoreError.config(path: ".mkt/config", line: line, reason: reason)) {
            try StoreConfig.parse(text, path: ".mkt/config")
        }
    }
}
