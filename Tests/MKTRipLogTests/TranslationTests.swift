import Foundation
@testable import MKTRipLog
import Testing

/// EAC logs in seven languages and the logchecker's English translation of
/// each (OPSnet/Logchecker tests/logs/eac/utf8, checked there by
/// tests/Parser/EAC/TranslatorTest.php): mkt's table must translate them to
/// the same text, and score each as its English version.
struct TranslationTests {
    static let root = LogcheckerFixtureTests.root.appendingPathComponent("translations")
    static let pairs = ["cs/1", "it/1", "jp/1", "jp/2", "ko/1", "pl/1", "zh/1"]

    static func text(_ name: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent("\(name).log"), encoding: .utf8)
    }

    @Test(arguments: pairs) func translatesAsTheLogcheckerDoes(pair: String) throws {
        let original = try Self.text(pair)
        let language = try #require(EACLanguages.detect(original))
        #expect(language.code == String(pair.prefix(2)))
        #expect(EACLanguages.translate(original, from: language) == (try Self.text(pair + "_en")))
    }

    /// jp/1's English text loses its checksum line's words in translation, which turns it into a different log; the others score alike.
    @Test(arguments: pairs.filter { $0 != "jp/1" }) func scoresAsItsEnglishVersion(pair: String) throws {
        let translated = RipLogChecker.check(Array(try Self.text(pair).utf8))
        let english = RipLogChecker.check(Array(try Self.text(pair + "_en").utf8))
        #expect(translated.language == String(pair.prefix(2)))
        #expect(translated.score == english.score)
        #expect(translated.details.filter { !$0.hasPrefix("[Notice] Translated") } == english.details)
    }
}
