import Foundation

/// Cleans text that came from the web or from tags before mkt stores or posts
/// it: HTML and BBCode (including Discogs' markup) removed, character
/// references decoded once, Unicode in NFC, control and invisible characters
/// dropped, white space collapsed. Line breaks survive, at most one blank
/// line in a row.
public enum TextSanitizer {
    public static func clean(_ text: String) -> String {
        var text = text
        text = removeHTML(text)
        text = removeBBCode(text)
        text = HTMLEntities.decode(text)
        text = text.precomposedStringWithCanonicalMapping
        text = normaliseCharacters(text)
        return collapseWhitespace(text)
    }

    /// Cleans every string value of a JSON document (keys are left as they are).
    public static func clean(json: Data) throws -> Data {
        let document = try JSONSerialization.jsonObject(with: json, options: [.fragmentsAllowed])
        return try JSONSerialization.data(withJSONObject: cleanValues(document), options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])
    }

    private static func cleanValues(_ value: Any) -> Any {
        switch value {
        case let text as String: clean(text)
        case let array as [Any]: array.map(cleanValues)
        case let object as [String: Any]: object.mapValues(cleanValues)
        default: value
        }
    }

    // MARK: - Steps

    private static func replacing(_ pattern: String, in text: String, with template: String) -> String {
        // The patterns are constants of this file; a bad one is a programming error.
        let expression = try! NSRegularExpression(pattern: pattern, options: [.caseInsensitive, .dotMatchesLineSeparators])
        return expression.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: template)
    }

    static func removeHTML(_ text: String) -> String {
        guard text.contains("<") else { return text }
        var text = replacing("<(script|style)\\b[^>]*>.*?</\\1\\s*>", in: text, with: "")
        text = replacing("<!--.*?-->", in: text, with: "")
        // Last.fm wiki summaries end with a link back to the site.
        text = replacing("<a\\b[^>]*>\\s*Read more on Last\\.fm\\s*</a>\\.?", in: text, with: "")
        text = replacing("<br\\s*/?>|</?(p|div|li|h[1-6]|tr)\\b[^>]*>", in: text, with: "\n")
        // A tag starts with a letter, '/' or '!': "a < b" is text, not a tag.
        return replacing("</?[a-z!][^<>]*>", in: text, with: "")
    }

    static func removeBBCode(_ text: String) -> String {
        guard text.contains("[") else { return text }
        var text = replacing("\\[img(=[^\\]]*)?\\].*?\\[/img\\]", in: text, with: "")
        text = replacing("\\[url\\](.*?)\\[/url\\]", in: text, with: "$1")
        // Discogs links to artists and labels by name: [a=Name], [l=Name].
        text = replacing("\\[[al]=([^\\]]+)\\]", in: text, with: "$1")
        // Discogs links by number, which only its API can turn into names.
        text = replacing("\\[[alrm]=?\\d+\\]", in: text, with: "")
        return replacing("\\[/?(b|i|u|s|url|size|color|colour|align|quote|code|hide|spoiler|pre|center|important)(=[^\\]]*)?\\]", in: text, with: "")
    }

    /// Control characters out (tabs become spaces), odd spaces become plain ones,
    /// invisible format characters out (ZWJ stays: emoji need it).
    static func normaliseCharacters(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A: out.append(scalar)
            case 0x09, 0x0B, 0x0C, 0x0D: out.append(" ")
            case 0x00...0x1F, 0x7F...0x9F: continue
            case 0xA0, 0x2000...0x200A, 0x202F, 0x205F, 0x3000: out.append(" ")
            case 0xAD, 0x200B, 0x200C, 0x200E, 0x200F, 0x2028, 0x2029, 0x2060, 0xFEFF: continue
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    static func collapseWhitespace(_ text: String) -> String {
        var lines: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let words = line.split(separator: " ", omittingEmptySubsequences: true)
            let cleaned = words.joined(separator: " ")
            if cleaned.isEmpty && (lines.last?.isEmpty ?? true) { continue }
            lines.append(cleaned)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n")
    }
}
