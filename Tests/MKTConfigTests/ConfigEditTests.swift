import MKTConfig
import MKTTestSupport
import Testing

struct ConfigEditTests {
    static let text = """
        # my trackers
        [core]
        \tformat = 1
        [tracker "ops"]
        \turl = https://old.example   ; the old address
        \t# keep this comment
        \ttimeout = 30s
        \turl = https://older.example
        [push]
        \tretries = 2

        """

    static func path(_ name: String) throws -> ConfigKeyPath { try ConfigKeyPath(parsing: name) }

    @Test func settingReplacesTheLastValueAndKeepsEveryOtherLine() throws {
        let edited = try Config.setting(Self.path("tracker.ops.url"), to: "https://ops.example", adding: false, in: Self.text, file: "c")
        #expect(edited == """
            # my trackers
            [core]
            \tformat = 1
            [tracker "ops"]
            \t# keep this comment
            \ttimeout = 30s
            \turl = https://ops.example
            [push]
            \tretries = 2

            """)
    }

    @Test func aNewKeyGoesAfterItsSectionsLastLineAndANewSectionAtTheEnd() throws {
        var edited = try Config.setting(Self.path("tracker.ops.family"), to: "ops", adding: false, in: Self.text, file: "c")
        edited = try Config.setting(Self.path("Client.qbt.Path-Map"), to: "/a:/b", adding: false, in: edited, file: "c")
        edited = try Config.setting(Self.path("client.qbt.path-map"), to: "/c:/d", adding: true, in: edited, file: "c")
        #expect(edited == """
            # my trackers
            [core]
            \tformat = 1
            [tracker "ops"]
            \turl = https://old.example   ; the old address
            \t# keep this comment
            \ttimeout = 30s
            \turl = https://older.example
            \tfamily = ops
            [push]
            \tretries = 2
            [client "qbt"]
            \tpath-map = /a:/b
            \tpath-map = /c:/d

            """)
        let config = try Config.parse(edited, path: "c")
        #expect(try config.pathMaps("client", "path-map", subsection: "qbt").map(\.remote) == ["/b", "/d"])
    }

    @Test func anEmptyFileAFileWithoutAFinalBreakAndCRLF() throws {
        #expect(try Config.setting(Self.path("push.retries"), to: "4", adding: false, in: "", file: "c") == "[push]\n\tretries = 4\n")
        #expect(try Config.setting(Self.path("push.retries"), to: "4", adding: false, in: "[push]\n\tbackoff = 1", file: "c") == "[push]\n\tbackoff = 1\n\tretries = 4\n")
        #expect(try Config.setting(Self.path("seed.client"), to: "qbt", adding: false, in: "[push]\n\tbackoff = 1", file: "c") == "[push]\n\tbackoff = 1\n[seed]\n\tclient = qbt\n")
        let crlf = "[push]\r\n\tretries = 1\r\n\tbackoff = 1\r\n"
        #expect(try Config.setting(Self.path("push.retries"), to: "4", adding: false, in: crlf, file: "c") == "[push]\r\n\tretries = 4\n\tbackoff = 1\r\n")
    }

    @Test func unsettingRemovesEveryValueInTheFile() throws {
        let edited = try Config.unsetting(Self.path("tracker.ops.url"), in: Self.text, file: "c")
        #expect(edited == """
            # my trackers
            [core]
            \tformat = 1
            [tracker "ops"]
            \t# keep this comment
            \ttimeout = 30s
            [push]
            \tretries = 2

            """)
        #expect(try Config.unsetting(Self.path("tracker.red.url"), in: Self.text, file: "c") == nil)
    }

    /// Whatever the value, the parser reads back what was set.
    @Test(arguments: [
        "plain", " leading", "trailing ", "two  spaces", "#hash", "semi;colon", "\"quoted\"", "back\\slash", "line\nbreak", "tab\tstop",
        "\r\n", "Björk", "\u{301}combining first", "a\"\u{301}b", "\u{7f}", "", "!f() { echo secret=x; }; f",
    ])
    func valuesRoundTrip(value: String) throws {
        let edited = try Config.setting(Self.path("credential.helper"), to: value, adding: false, in: Self.text, file: "c")
        #expect(try Config.parse(edited, path: "c").value("credential", "helper") == value)
    }

    /// Every registered key, set by name in a file of its own, reads back
    /// through the parser, the registry check and the typed value.
    @Test func everyRegisteredKeyRoundTrips() throws {
        var text = ""
        for key in ConfigRegistry.keys {
            let name = ConfigSamples.name(for: key)
            text = try Config.setting(Self.path(name), to: ConfigSamples.value(for: key), adding: false, in: text, file: "c")
        }
        let config = try Config.parse(text, path: "c")
        try config.validate(.store)
        for key in ConfigRegistry.keys {
            #expect(config.value(key.section, key.name, subsection: ConfigSamples.subsection(for: key)) == ConfigSamples.value(for: key), "\(key.displayName)")
        }
        #expect(config.entries.count == ConfigRegistry.keys.count)
    }

    @Test func keyNames() throws {
        let path = try Self.path("Tracker.my.site.URL")
        #expect(path.section == "tracker" && path.subsection == "my.site" && path.key == "url")
        #expect(try Self.path("push.retries").subsection == nil)
        #expect(throws: ConfigError(nil, "push: a key is section.key or section.NAME.key")) { try Self.path("push") }
        #expect(throws: ConfigError(nil, "push.9: section and key names are a letter, then letters, digits and '-'")) { try Self.path("push.9") }
        #expect(throws: ConfigError(nil, "tracker.a\"b.url: a section's name may not hold '\"', '\\' or a line break")) { try Self.path("tracker.a\"b.url") }
        #expect(throws: ConfigError(nil, "tracker.ops.ulr: unknown key; did you mean url?")) { try Self.path("tracker.ops.ulr").registered() }
        #expect(throws: ConfigError(nil, "tracker.url: the section needs a name: [tracker \"NAME\"]")) { try Self.path("tracker.url").registered() }
    }
}
