import MKTConfig
import Testing

struct ConfigParserTests {
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
        let config = try Config.parse(text, path: "config")
        #expect(config.value("core", "format") == "1")
        #expect(config.value("CORE", "Hash") == "sha256")
        #expect(config.value("tracker", "name", subsection: "red") == "two  spaces \"quoted\"\tand a tab")
        #expect(config.value("tracker", "announce", subsection: "red") == "https://override.example/announce")
        #expect(config.value("tracker", "announce", subsection: "RED") == nil)
        #expect(config.value("tracker", "comment", subsection: "red") == "https://example.org/#anchor; not a comment")
        #expect(config.entries.map(\.name).first == "core.format")
        #expect(config.entries.map(\.origin.line) == [3, 4, 6, 7, 8, 10])
        #expect(config.entries("tracker", "announce", subsection: "red").map(\.origin) == [Config.Origin(path: "config", line: 6), Config.Origin(path: "config", line: 10)])
    }

    /// CRLF files read like LF ones, and an entry's line counts either break once.
    @Test func crlfLineBreaks() throws {
        let config = try Config.parse("[core]\r\n\tformat = 1\r\n\r\n[push]\r\n\tretries = 2\r\n", path: "config")
        #expect(config.value("core", "format") == "1" && config.value("push", "retries") == "2")
        #expect(config.entries.map(\.origin.line) == [2, 5])
    }

    /// The store's config under the global one: the later file wins, every
    /// value is kept with its origin, and subsections join.
    @Test func layering() throws {
        let global = try Config.parse("[push]\n\tretries = 1\n[tracker \"a\"]\n\turl = https://a.example\n", path: "global")
        let store = try Config.parse("[push]\n\tretries = 2\n[tracker \"b\"]\n\turl = https://b.example\n", path: "store")
        let both = global.layered(under: store)
        #expect(both.value("push", "retries") == "2")
        #expect(both.entries("push", "retries").map(\.origin.path) == ["global", "store"])
        #expect(both.subsections(of: "tracker") == ["a", "b"])
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
        #expect(throws: ConfigError(Config.Origin(path: ".mkt/config", line: line), reason)) {
            try Config.parse(text, path: ".mkt/config")
        }
    }
}
