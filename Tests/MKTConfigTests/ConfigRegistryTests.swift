import MKTConfig
import MKTTestSupport
import Testing

struct ConfigRegistryTests {
    @Test func everyKeyIsDeclaredOnceInAKnownSectionAndItsDefaultFits() throws {
        var seen = Set<String>()
        for key in ConfigRegistry.keys {
            #expect(seen.insert("\(key.section).\(key.name)").inserted, "\(key.displayName) is declared twice")
            #expect(ConfigRegistry.section(key.section) != nil, "\(key.displayName): no such section")
            #expect(!key.help.isEmpty && !key.help.contains("\n"), "\(key.displayName): help is one line")
            if let text = key.defaultValue { #expect(throws: Never.self, "\(key.displayName)") { try key.type.parse(text) } }
            #expect(throws: Never.self, "\(key.displayName)") { try key.type.parse(ConfigSamples.value(for: key)) }
        }
        for section in ConfigRegistry.sections {
            #expect(ConfigRegistry.keys.contains { $0.section == section.name }, "[\(section.name)] has no keys")
        }
        #expect(ConfigRegistry.key("tracker", "timeout")?.displayName == "tracker.NAME.timeout")
        #expect(ConfigRegistry.key("push", "retries")?.displayName == "push.retries")
    }

    @Test(arguments: [
        ("[tracker \"ops\"]\n\turl = https://ops.example\n\tulr = https://ops.example\n", "/s/config:3: tracker.ops.ulr: unknown key; did you mean url?"),
        ("[core]\n\tformat = 1\n[push]\n\tretries = lots\n", "/s/config:4: push.retries: 'lots' is not a whole number (0 to 100)"),
        ("[push]\n\tretries = 500\n", "/s/config:2: push.retries: '500' is out of range (0 to 100)"),
        ("[push]\n\tretrys = 5\n", "/s/config:2: push.retrys: unknown key; did you mean retries?"),
        ("# mine\n[trackr \"x\"]\n", "/s/config:2: trackr.x: unknown section; did you mean tracker?"),
        ("[frobnicate]\n", "/s/config:1: frobnicate: unknown section"),
        ("[push \"red\"]\n", "/s/config:1: push.red: [push] takes no name"),
        ("[tracker]\n\turl = https://a.example\n", "/s/config:1: tracker: the section needs a name: [tracker \"NAME\"]"),
        ("[client \"\"]\n", "/s/config:1: client.\"\": the section needs a name: [client \"NAME\"]"),
        ("[source \"musicbranz\"]\n", "/s/config:1: source.musicbranz: unknown source 'musicbranz' (known: musicbrainz, coverartarchive, discogs, lastfm, audible, audnexus, ptpimg); did you mean musicbrainz?"),
        ("[push]\n\tbackoff = -1\n", "/s/config:2: push.backoff: '-1' is not a duration in seconds (0 to 3600), e.g. 120s"),
        ("[push]\n\tbackoff-max = 2d\n", "/s/config:2: push.backoff-max: '2d' is not a duration in seconds (0 to 86400), e.g. 120s"),
        ("[tracker \"red\"]\n\ttimeout = 0s\n", "/s/config:2: tracker.red.timeout: '0s' is out of range (1 to 3600 seconds)"),
        ("[tracker \"red\"]\n\tfamily = RED\n", "/s/config:2: tracker.red.family: 'RED' is not one of red, ops, dic, unit3d, mam; did you mean red?"),
        ("[tracker \"x\"]\n\tfamily = unit4d\n", "/s/config:2: tracker.x.family: 'unit4d' is not one of red, ops, dic, unit3d, mam; did you mean unit3d?"),
        ("[tracker \"x\"]\n\trate-limit = 10\n", "/s/config:2: tracker.x.rate-limit: '10' is not a rate limit: write REQUESTS/SECONDS, e.g. 10/10s"),
        ("[tracker \"x\"]\n\trelease-types = Album=one\n", "/s/config:2: tracker.x.release-types: 'Album=one' is neither a site name nor NAME=ID, ... (e.g. Album=1, EP=5)"),
        ("[tracker \"x\"]\n\tannounce = ftp://t.example/{passkey}\n", "/s/config:2: tracker.x.announce: 'ftp://t.example/{passkey}' is not an announce URL (http, https or udp; {passkey} stands for the passkey)"),
        ("[client \"q\"]\n\tpath-map = data:/music\n", "/s/config:2: client.q.path-map: 'data:/music' is not LOCAL:REMOTE, both absolute paths"),
        ("[client \"q\"]\n\tpaused = maybe\n", "/s/config:2: client.q.paused: 'maybe' is not a boolean (true or false)"),
        ("[push]\n\tretries = \"1\\n2\"\n", "/s/config:2: push.retries: '1\\n2' is not a whole number (0 to 100)"),
    ])
    func validationNamesFileLineAndKey(text: String, message: String) throws {
        let config = try Config.parse(text, path: "/s/config")
        #expect(throws: ConfigError.self) { try config.validate(.store) }
        do {
            try config.validate(.store)
        } catch {
            #expect(error.description == message)
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func onlyAStoreMaySetCore() throws {
        let config = try Config.parse("[core]\n\tformat = 1\n", path: "/home/u/.config/mkt/config")
        try config.validate(.store)
        #expect(throws: ConfigError(Config.Origin(path: "/home/u/.config/mkt/config", line: 1), "core: only a store's own config may set [core]")) {
            try config.validate(.global)
        }
    }

    @Test(arguments: [
        "https://redacted.sh", "http://127.0.0.1:8080", "https://a.example/path/?q=1#f", "http://[::1]:9091/transmission/rpc",
        "HTTPS://Example.ORG", "https://b%C3%BCcher.example", "http://under_score.example",
    ])
    func urlsThatAreTaken(text: String) throws {
        #expect(try ConfigType.url.parse(text) == .string(text))
    }

    @Test(arguments: [
        "http://[::1", "http://a b", "http://%zz", ":-1", "http://a:-1", "http://a:0", "http://a:65536", "ftp://a.example", "https://",
        "redacted.sh", "http://a.example/%zz", "http://a\u{7}b", "http://[xyz]", "http://a.example\n", "http:///path", "",
    ])
    func urlsThatAreRefused(text: String) {
        #expect(throws: ConfigType.Refusal.self) { try ConfigType.url.parse(text) }
    }

    @Test func valuesOfEachType() throws {
        let seconds = ConfigType.seconds(0...3600)
        #expect(try seconds.parse("120") == .seconds(120) && seconds.parse("2.5s") == .seconds(2.5) && seconds.parse("50ms") == .seconds(0.05))
        #expect(try seconds.parse("2m") == .seconds(120) && seconds.parse("1h") == .seconds(3600) && seconds.parse("0.05") == .seconds(0.05))
        for junk in ["", "s", "-1", "+1", "1e3", "0x10", "nan", "inf", "1.", ".5", "1 s", "2h"] {
            #expect(throws: ConfigType.Refusal.self, "\(junk)") { try seconds.parse(junk) }
        }
        for (text, flag) in [("true", true), ("Yes", true), ("on", true), ("1", true), ("false", false), ("NO", false), ("off", false), ("0", false)] {
            #expect(try ConfigType.bool.parse(text) == .bool(flag))
        }
        #expect(try ConfigType.rateLimit.parse("10/10s") == ConfigType.rateLimit.parse("10/10"))
        guard case .rateLimit(let limit) = try ConfigType.rateLimit.parse(" 30 / 2.5s ") else { Issue.record("not a rate limit"); return }
        #expect(limit.requests == 30 && limit.seconds == 2.5)
        for junk in ["10", "0/10s", "10/0s", "10/2d", "10/1m", "10/500ms", "a/10s", "10/10s/2", "10/100000s"] {
            #expect(throws: ConfigType.Refusal.self, "\(junk)") { try ConfigType.rateLimit.parse(junk) }
        }
        #expect(try ConfigType.pathMap.parse("/data:/mnt/a:b") == .pathMap(PathMap(local: "/data", remote: "/mnt/a:b")))
        #expect(try ConfigType.releaseTypes.parse("red") == .releaseTypes(.site("red")))
        #expect(try ConfigType.releaseTypes.parse("Album=1, EP=5,Live album = 11")
            == .releaseTypes(.ids([.init(name: "Album", id: 1), .init(name: "EP", id: 5), .init(name: "Live album", id: 11)])))
        for junk in ["", "Album=1,", "=1", "Album=", "Album=-1", "Album=1=2", "red ops"] {
            #expect(throws: ConfigType.Refusal.self, "\(junk)") { try ConfigType.releaseTypes.parse(junk) }
        }
        #expect(try ConfigType.announceURL.parse("udp://t.example:6969/{passkey}/announce") == .string("udp://t.example:6969/{passkey}/announce"))
    }

    @Test func typedAccessorsGiveTheSetValueOrTheDefault() throws {
        let config = try Config.parse("""
            [push]
            \tretries = 5
            \tbackoff = 50ms
            [client "qbt"]
            \tpath-map = /a:/x
            \tpath-map = /b:/y
            [source "musicbrainz"]
            \trate-limit = 2/1s
            """, path: "config")
        try config.validate(.store)
        #expect(try config.integer("push", "retries") == 5)
        #expect(try config.seconds("push", "backoff") == 0.05)
        #expect(try config.seconds("push", "backoff-max") == 120)
        #expect(try Config().integer("push", "retries") == 3)
        #expect(try config.bool("client", "paused", subsection: "qbt") == false)
        #expect(try config.seconds("client", "check-timeout", subsection: "qbt") == 600)
        #expect(try config.pathMaps("client", "path-map", subsection: "qbt") == [PathMap(local: "/a", remote: "/x"), PathMap(local: "/b", remote: "/y")])
        #expect(try config.rateLimit("source", "rate-limit", subsection: "musicbrainz") == RateLimitSetting(parsing: "2/1s"))
        #expect(try config.rateLimit("source", "rate-limit", subsection: "discogs") == nil)
        #expect(try config.string("core", "hash") == "sha256")
        #expect(try config.string("credential", "helper") == nil)
        // A config read without checking still answers with an error, not a fallback.
        let loose = try Config.parse("[push]\n\tretries = lots\n", path: "loose")
        #expect(throws: ConfigError(Config.Origin(path: "loose", line: 2), "push.retries: 'lots' is not a whole number (0 to 100)")) {
            try loose.integer("push", "retries")
        }
    }

    @Test func didYouMean() {
        #expect(Suggestion.editDistance("ulr", "url") == 1)
        #expect(Suggestion.editDistance("retrys", "retries") == 2)
        #expect(Suggestion.editDistance("kitten", "sitting") == 3)
        #expect(Suggestion.editDistance("", "abc") == 3 && Suggestion.editDistance("abc", "abc") == 0)
        #expect(Suggestion.closest(to: "trackr", among: ConfigRegistry.sections.map(\.name)) == "tracker")
        #expect(Suggestion.closest(to: "sorce", among: ConfigRegistry.sections.map(\.name)) == "source")
        #expect(Suggestion.closest(to: "ur", among: ["url", "family"]) == "url")
        #expect(Suggestion.closest(to: "zzzz", among: ["url", "family"]) == nil)
        #expect(Suggestion.closest(to: "url", among: ["url"]) == nil)
    }
}
