import Foundation
import MKTMetadata
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
