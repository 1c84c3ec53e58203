import MKTCatalog
import MKTHTTP
import MKTMetadata
import Testing

struct TrackerCatalogTests {
    static func site(_ name: String, _ keys: [String: String] = [:]) throws(CatalogError) -> TrackerSite {
        try TrackerCatalog(sections: keys.isEmpty ? [:] : [name: keys]).site(name)
    }

    /// A new site's section, complete but for what a test leaves out or changes.
    static let custom = ["family": "ops", "url": "https://music.example", "source": "EXM", "announce": "https://t.music.example/{passkey}/announce"]

    @Test func theBuiltInSites() throws {
        let red = try Self.site("red"), ops = try Self.site("ops"), dic = try Self.site("dic")
        #expect(red.source == "RED" && ops.source == "OPS" && dic.source == "DICMusic")
        #expect(red.pathLimit == 180 && ops.pathLimit == 255 && dic.pathLimit == 180)
        #expect(dic.releaseTypes == red.releaseTypes, "DIC numbers its release types as RED does")
        #expect(red.rateLimit == .init(requests: 10, window: .seconds(10)) && ops.rateLimit == .init(requests: 5, window: .seconds(10)))
        #expect(red.releaseTypes.id(.demo) == 17 && ops.releaseTypes.id(.demo) == 10)
        #expect(red.releaseTypes.id(.djMix) == 19 && ops.releaseTypes.id(.djMix) == 17)
        #expect(red.releaseTypes.id(.sampler) == nil && ops.releaseTypes.id(.sampler) == 8 && red.releaseTypes.id(.album) == 1)
        #expect(red.media("BD") == "Blu-Ray" && ops.media("Blu-Ray") == "BD" && red.media("CD") == "CD")
        #expect(red.releaseRules.allowedExtensions.isSubset(of: ops.releaseRules.allowedExtensions) && !red.releaseRules.allowedExtensions.contains("epub"))
        #expect(red.announceURL(passkey: "abc") == "https://flacsfor.me/abc/announce")
        #expect(red.family.credential == .apiKey && dic.family.credential == .cookie)
        #expect(TrackerCatalog().names == ["dic", "mam", "ops", "red"])
        // MyAnonamouse: uploads by hand, 225 characters per path (Documentation/trackers.md says what rests on what).
        let mam = try TrackerCatalog().site("mam")
        #expect(!mam.family.takesUploads && red.family.takesUploads && mam.releaseRules.pathLimit == 225 && mam.source == "MAM")
        #expect(mam.announceURL(passkey: "k") == "https://t.myanonamouse.net/tracker.php/k/announce")
        #expect(mam.manualUploadPage == "https://www.myanonamouse.net/tor/upload.php" && mam.manualTorrentPage(7) == "https://www.myanonamouse.net/t/7" && red.manualUploadPage == nil)
        let name = "An Author - A Book", fits = String(repeating: "a", count: 225 - name.count - 5) + ".m4b"
        func pathFindings(_ file: String) -> [String] {
            ReleaseCheck.check(name: name, files: [file], facts: [:], description: ReleaseDescription(), rules: mam.releaseRules).filter { $0.code == "path-too-long" }.map(\.message)
        }
        #expect(pathFindings(fits).isEmpty)
        #expect(pathFindings("a" + fits) == ["\(name)/a\(fits) is 226 characters; MAM allows 225"])
    }

    /// Each site's form offers its own words: RED has no CBR under 192 and no
    /// Ogg Vorbis, OPS has both; mkt's BD is RED's Blu-Ray.
    @Test func theFormsVocabularies() throws {
        var release = ReleaseDescription()
        release.format = "MP3"
        release.encoding = "160"
        release.media = "BD"
        func refused(_ site: String) throws -> [String] {
            ReleaseCheck.vocabularyFindings(release, site: site, vocabulary: try Self.site(site).releaseRules.vocabulary).map(\.code)
        }
        #expect(try refused("red") == ["encoding"])
        #expect(try refused("ops") == [])
        release.format = "Ogg Vorbis"
        release.encoding = "q8.x (VBR)"
        release.media = "Blu-Ray"
        #expect(try refused("red") == ["format", "encoding"])
        #expect(try refused("ops") == [])
        release.encoding = "banana"
        #expect(try refused("ops") == ["encoding"])
        #expect(try Self.site("red").releaseRules.vocabulary.media.contains("BD"), "mkt's spelling of RED's Blu-Ray")
    }

    /// One config section adds a Gazelle site with its own numbering.
    @Test func aGazelleSiteWithItsOwnReleaseTypes() throws {
        var keys = Self.custom
        keys["release-types"] = "Album=2, EP=4, Live album=12, dj-mix=30"
        let site = try Self.site("exm", keys)
        #expect(site.family == .ops && site.pathLimit == 255 && site.rateLimit == .init(requests: 5, window: .seconds(10)))
        #expect(site.releaseTypes.id(.album) == 2 && site.releaseTypes.id(.liveAlbum) == 12 && site.releaseTypes.id(.djMix) == 30)
        #expect(site.releaseTypes.id(.single) == nil, "a type the table leaves out is one the site does not have")
        keys["release-types"] = "red"
        #expect(try Self.site("exm", keys).releaseTypes == Self.site("red").releaseTypes)
    }

    @Test func overridesOnABuiltInSite() throws {
        let red = try Self.site("red", ["timeout": "30s", "rate-limit": "5/10s", "path-limit": "150", "url": "http://127.0.0.1:9/", "log-score": "95"])
        #expect(red.timeout == 30 && red.rateLimit == .init(requests: 5, window: .seconds(10)) && red.pathLimit == 150)
        let plain = try Self.site("red")
        #expect(red.logScoreThreshold == 95 && plain.logScoreThreshold == 100)
        #expect(red.url == "http://127.0.0.1:9" && red.origin == "http://127.0.0.1" && red.source == "RED")
    }

    /// Every mistake is one line naming the key, never a site silently half-known.
    @Test func mistakesNameTheKey() throws {
        func refusal(_ name: String, _ keys: [String: String]) -> String {
            do {
                _ = try Self.site(name, keys)
                return "accepted"
            } catch {
                return error.description
            }
        }
        #expect(refusal("red", ["timeout": "soon"]) == "tracker.red.timeout: 'soon' is not a duration in seconds (1 to 3600), e.g. 120s")
        #expect(refusal("red", ["timeout": "0s"]).hasPrefix("tracker.red.timeout: '0s'"))
        #expect(refusal("red", ["rate-limit": "10"]) == "tracker.red.rate-limit: '10' is not a rate limit: write REQUESTS/SECONDS, e.g. 10/10s")
        #expect(refusal("red", ["family": "gazelle"]) == "tracker.red.family: 'gazelle' is not one of red, ops, dic, unit3d, mam")
        #expect(refusal("red", ["announce": "https://flacsfor.me/{PASSKEY}/announce"]).hasSuffix("write the placeholder {passkey} in lower case"))
        #expect(try Self.site("red", ["announce": "http://127.0.0.1:6969/announce"]).torrentSite.needsPasskey == false, "a public tracker's announce")
        // Making torrents for a site asks only for its source flag and announce URL.
        let torrents = try TrackerCatalog(sections: ["bks": ["source": "BKS", "announce": "https://t.example/{passkey}/announce"]]).torrentSite("bks")
        #expect(torrents.source == "BKS" && torrents.announceURL(passkey: "k") == "https://t.example/k/announce")
        #expect(refusal("bks", ["source": "BKS", "announce": "https://t.example/{passkey}/announce"]).hasPrefix("tracker.bks.family is not set"), "uploading to it needs a family")
        for url in ["http://[::1", "http://a b", "http://%zz", ":-1", "ftp://x.example", "https://"] {
            #expect(refusal("red", ["url": url]) == "tracker.red.url: '\(url)' is not an http(s) URL", "\(url)")
        }
        var keys = Self.custom
        keys["source"] = nil
        #expect(refusal("exm", keys).hasPrefix("tracker.exm.source is not set: set it to the source flag"))
        keys = Self.custom
        keys["release-types"] = "Albun=1"
        #expect(refusal("exm", keys) == "tracker.exm.release-types: 'Albun' is not a release type; did you mean Album?")
        keys["release-types"] = "Album=one"
        #expect(refusal("exm", keys).hasPrefix("tracker.exm.release-types: 'Album=one' is neither a site name nor NAME=ID"))
        keys["release-types"] = "rde"
        #expect(refusal("exm", keys).hasPrefix("tracker.exm.release-types: 'rde' is not a built-in site"))
        keys = Self.custom
        keys["family"] = "unit3d"
        #expect(refusal("exm", keys).hasPrefix("tracker.exm.category-id is not set"))
    }

    @Test func anUnknownNameSuggestsTheNearest() {
        #expect(throws: CatalogError.unknownTracker("rde", known: ["dic", "mam", "ops", "red"], suggestion: "red")) { try TrackerCatalog().site("rde") }
        #expect(throws: CatalogError.unknownTracker("bks", known: ["dic", "mam", "ops", "red"], suggestion: nil)) { try TrackerCatalog().site("bks") }
        #expect(CatalogError.unknownTracker("rde", known: ["dic", "mam", "ops", "red"], suggestion: "red").description
                == "unknown tracker 'rde'; did you mean red? (known: dic, mam, ops, red; add a [tracker \"rde\"] section to the config for another site)")
    }
}
