import Foundation
@testable import MKTMetadata
import Testing

struct TextSanitizerTests {
    @Test(arguments: [
        ("<b>Simon &amp; Garfunkel</b>&nbsp;&#8211; Live", "Simon & Garfunkel – Live"),
        ("Mastered &amp; tagged <b>offline</b>", "Mastered & tagged offline"),
        ("Line one<br>Line two<br/>Line three<p>Para</p>after", "Line one\nLine two\nLine three\nPara\nafter"),
        ("<script>alert('x')</script>kept<style>p{}</style><!-- note -->", "kept"),
        ("a < b and c > d", "a < b and c > d"),
        ("Bio here. <a href=\"https://last.fm/x\">Read more on Last.fm</a>.", "Bio here."),
        ("&lt;b&gt;shown&lt;/b&gt;", "<b>shown</b>"),
        ("&amp;amp; stays once-decoded", "&amp; stays once-decoded"),
        ("&#x2019;s &#8217;s &#39;s", "’s ’s 's"),
        ("&#150; &#146; &#0; &#x110000;", "– ’ \u{FFFD} \u{FFFD}"),
        ("&copy2019 &eacute &amp", "©2019 é &"),
        ("&unknown; &; & alone", "&unknown; &; & alone"),
        ("[b]Bold[/b] [url=https://x.example]a link[/url] [url]https://y.example[/url]", "Bold a link https://y.example"),
        ("Produced by [a=Some Artist] for [l=Some Label] [a12345] [r=678] [m99]", "Produced by Some Artist for Some Label"),
        ("[img]https://x/cover.jpg[/img][size=4][color=red]Big[/color][/size]", "Big"),
        ("Cafe\u{301} Beyonce\u{301}", "Café Beyoncé"),
        ("tab\there\u{7}bell\u{200B}zero\u{FEFF}bom\u{AD}shy", "tab herebellzerobomshy"),
        ("  lots   of\u{2003}space  \n\n\n\nand   blank lines\n\n", "lots of space\n\nand blank lines"),
        ("family 👨‍👩‍👧 stays", "family 👨‍👩‍👧 stays"),
    ])
    func cleans(input: String, expected: String) {
        #expect(TextSanitizer.clean(input) == expected)
    }

    @Test func cleanedTextIsNFCBytes() {
        let cleaned = TextSanitizer.clean("Cafe\u{301}")
        #expect(Array(cleaned.utf8) == Array("Caf\u{E9}".utf8))
    }

    @Test func jsonStringValuesAreCleanedAndTheRestKept() throws {
        let input = Data(#"{"title":"<i>Live</i> &amp; Loud","tracks":[{"n":1,"name":"Intro&nbsp;"}],"year":2019,"ok":true,"note":null,"a&amp;b":"key kept"}"#.utf8)
        let output = try TextSanitizer.clean(json: input)
        #expect(String(decoding: output, as: UTF8.self) == #"{"a&amp;b":"key kept","note":null,"ok":true,"title":"Live & Loud","tracks":[{"n":1,"name":"Intro"}],"year":2019}"#)
        #expect(throws: (any Error).self) { try TextSanitizer.clean(json: Data("{not json".utf8)) }
    }
}

/// The markup rules are linear passes (`MarkupScan`): the rules as they were
/// written before, regular expressions whose lazy `.*?` rescanned the rest of
/// the text at every unclosed opening (16,000 `<script>` took 25 s), are kept
/// here as the specification the passes must agree with.
struct LinearSanitizerTests {
    static func replacing(_ pattern: String, in text: String, with template: String) throws -> String {
        let expression = try NSRegularExpression(pattern: pattern, options: [.caseInsensitive, .dotMatchesLineSeparators])
        return expression.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: template)
    }

    static func htmlByExpressions(_ text: String) throws -> String {
        var text = try replacing("<(script|style)\\b[^>]*>.*?</\\1\\s*>", in: text, with: "")
        text = try replacing("<!--.*?-->", in: text, with: "")
        text = try replacing("<a\\b[^>]*>\\s*Read more on Last\\.fm\\s*</a>\\.?", in: text, with: "")
        text = try replacing("<br\\s*/?>|</?(p|div|li|h[1-6]|tr)\\b[^>]*>", in: text, with: "\n")
        return try replacing("</?[a-z!][^<>]*>", in: text, with: "")
    }

    static func bbcodeByExpressions(_ text: String) throws -> String {
        var text = try replacing("\\[img(=[^\\]]*)?\\].*?\\[/img\\]", in: text, with: "")
        text = try replacing("\\[url\\](.*?)\\[/url\\]", in: text, with: "$1")
        text = try replacing("\\[[al]=([^\\]]+)\\]", in: text, with: "$1")
        text = try replacing("\\[[alrm]=?\\d+\\]", in: text, with: "")
        return try replacing("\\[/?(b|i|u|s|url|size|color|colour|align|quote|code|hide|spoiler|pre|center|important)(=[^\\]]*)?\\]", in: text, with: "")
    }

    /// Pieces that make up every rule's openings, closings and near misses.
    static let pieces = [
        "<", ">", "/", "<!--", "-->", "-", "!", "script", "STYLE", "style", "Script", "scripts", "a", "A", "b", "br", "BR", "p", "pre",
        "div", "h1", "h7", "li", "tr", " ", "  ", "\n", "\t", "Read more on Last.fm", "read MORE on last.fm", "</a>", ".", "[", "]",
        "img", "IMG", "url", "URL", "=", "l", "r", "m", "12", "size", "colour", "color", "x", "é", "e\u{301}", "_", "٣", "&amp;", "(", ")",
    ]

    /// A small deterministic generator (SplitMix64), so a failure can be rerun.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func thePassesAgreeWithTheExpressionsTheyReplaced() throws {
        var generator = Generator(state: 2026)
        for _ in 0..<4000 {
            let text = (0..<Int.random(in: 1...24, using: &generator)).map { _ in Self.pieces.randomElement(using: &generator)! }.joined()
            let bracketsRemoved = try Self.replacing(#"\s*[(\[].*?[)\]]"#, in: text, with: "")
            #expect(ReleaseType.withoutBracketedParts(text).unicodeScalars.elementsEqual(bracketsRemoved.unicodeScalars), "brackets: \(text.debugDescription)")
            #expect(TextSanitizer.removeHTML(text).unicodeScalars.elementsEqual(try Self.htmlByExpressions(text).unicodeScalars), "HTML: \(text.debugDescription)")
            #expect(TextSanitizer.removeBBCode(text).unicodeScalars.elementsEqual(try Self.bbcodeByExpressions(text).unicodeScalars), "BBCode: \(text.debugDescription)")
        }
    }

    /// The processor time this thread spends in `body`: other processes on a
    /// busy machine do not count, as they would in the time on the clock.
    static func seconds(_ body: () -> Void) -> Double {
        var start = timespec(), end = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &start)
        body()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &end)
        return Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) / 1e9
    }

    /// 32 times the text: linear work takes about 32 times as long (measured:
    /// 20 to 45), quadratic work about 1,024 times.
    static let linearBound = 160.0

    /// Inputs that make a backtracking or rescanning cleaner quadratic, each
    /// repeated to the size wanted.
    @Test(arguments: [
        "<script>", "<style x", "<div>", "<b><i><u>", "&amp;", "&#x0000", "&eacute", "<!--", "<a <p <div", "<a >  ", "[img]", "[img=x",
        "[url]", "[a=x", "[b=", "[size", "( feat. ", "\u{1680}", "a\u{301}\u{316}", "\u{301}", "\u{301}\u{316}", "\u{435}\u{308}",
        "\u{1100}", "👨\u{200D}", "<br", "<", "[",
    ])
    func pathologicalInputsTakeLinearTime(unit: String) {
        func input(_ bytes: Int) -> String { String(repeating: unit, count: bytes / unit.utf8.count) }
        let small = input(4 << 10), large = input(128 << 10)
        // The best of three for the small one, whose time is short enough to be disturbed.
        let smallTime = (0..<3).map { _ in Self.seconds { _ = TextSanitizer.clean(small) } }.min()!
        let largeTime = Self.seconds { _ = TextSanitizer.clean(large) }
        #expect(largeTime < max(smallTime, 0.001) * Self.linearBound, "\(unit.debugDescription): \(smallTime) s for 4 KB, \(largeTime) s for 128 KB")
    }
}

extension LinearSanitizerTests {
    /// A FLAC whose ALBUM tag was 240 KB of `<script>` kept `mkt add` busy for
    /// 87 s: the description cleans every tag and looks into titles and names
    /// (guests, remixers, bracketed parts) with searches of its own.
    @Test(arguments: ["<script>", "(", "[", "( feat. x", "(x Remix", "\u{1680}", "feat. ", "e.p. live ", "\u{FB01}", "&", " n ", "a/"])
    func describingHugeTagsTakesLinearTime(unit: String) {
        func describe(_ bytes: Int) {
            let value = String(repeating: unit, count: bytes / unit.utf8.count)
            var facts = AudioFacts(codec: "FLAC", container: "FLAC", sampleRate: 44_100, channels: 2)
            for name in ["ALBUM", "TITLE", "ARTIST", "GENRE", "REMIXER"] { facts.tags[name] = [value] }
            _ = ReleaseDescriber.describe(name: "Artist - Album (2020) [FLAC]", files: ["01.flac"], facts: ["01.flac": facts], media: "WEB")
        }
        let smallTime = (0..<3).map { _ in Self.seconds { describe(2 << 10) } }.min()!
        let largeTime = Self.seconds { describe(64 << 10) }
        #expect(largeTime < max(smallTime, 0.001) * Self.linearBound, "\(unit.debugDescription): \(smallTime) s for 2 KB, \(largeTime) s for 64 KB")
    }
}
