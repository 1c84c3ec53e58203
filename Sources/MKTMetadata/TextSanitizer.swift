import Foundation

/// Cleans text that came from the web or from tags before mkt stores or posts
/// it: HTML and BBCode (including Discogs' markup) removed, character
/// references decoded once, Unicode in NFC, control and invisible characters
/// dropped, no more than 30 combining marks in a row (Unicode's stream-safe
/// limit; the rest are noise), white space collapsed. Line breaks survive, at
/// most one blank line in a row.
public enum TextSanitizer {
    public static func clean(_ text: String) -> String {
        var text = text
        text = removeHTML(text)
        text = removeBBCode(text)
        text = HTMLEntities.decode(text)
        text = normaliseCharacters(text)
        text = canonicalComposition(text)
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

    // Each rule below is one linear pass (`MarkupScan`): hostile text such as
    // 16,000 unclosed `<script>` tags costs what its length costs.

    static func removeHTML(_ text: String) -> String {
        guard text.contains("<") else { return text }
        var scalars = Array(text.unicodeScalars)
        scalars = removeScriptsAndStyles(MarkupScan(text: scalars))
        scalars = removeComments(MarkupScan(text: scalars))
        // Last.fm wiki summaries end with a link back to the site.
        scalars = removeLastFMLinks(MarkupScan(text: scalars))
        scalars = breakLines(MarkupScan(text: scalars))
        scalars = removeTags(MarkupScan(text: scalars))
        return String(String.UnicodeScalarView(scalars))
    }

    static func removeBBCode(_ text: String) -> String {
        guard text.contains("[") else { return text }
        var scalars = Array(text.unicodeScalars)
        scalars = removeImages(MarkupScan(text: scalars))
        scalars = unwrapURLs(MarkupScan(text: scalars))
        // Discogs links to artists and labels by name: [a=Name], [l=Name].
        scalars = unwrapDiscogsNames(MarkupScan(text: scalars))
        // Discogs links by number, which only its API can turn into names.
        scalars = removeDiscogsNumbers(MarkupScan(text: scalars))
        scalars = removeFormatting(MarkupScan(text: scalars))
        return String(String.UnicodeScalarView(scalars))
    }

    private static let nothing: ArraySlice<Unicode.Scalar> = []
    private static let newline: ArraySlice<Unicode.Scalar> = ["\n"]

    /// `<script …>…</script>` and `<style …>…</style>`, content and all; an
    /// unclosed one is left to `removeTags`, which takes the tag alone.
    static func removeScriptsAndStyles(_ scan: MarkupScan) -> [Unicode.Scalar] {
        var tagEnd = ForwardSearch(count: scan.count) { scan[$0] == ">" }
        var closings = ["script", "style"].map { name in
            ForwardSearch(count: scan.count) { scan.hasWord("</" + name, at: $0) && scan[scan.skippingWhitespace(from: $0 + 2 + name.count)] == ">" }
        }
        return scan.rewritten(at: "<") { start in
            guard let which = ["script", "style"].firstIndex(where: { scan.hasWord($0, at: start + 1) }) else { return nil }
            let nameEnd = start + 1 + (which == 0 ? 6 : 5)
            guard scan.endsWord(at: nameEnd), let open = tagEnd.first(from: nameEnd), let close = closings[which].first(from: open + 1) else { return nil }
            return (scan.skippingWhitespace(from: close + (which == 0 ? 8 : 7)) + 1, nothing)
        }
    }

    /// `<!-- … -->`; an unclosed one is left to `removeTags`.
    static func removeComments(_ scan: MarkupScan) -> [Unicode.Scalar] {
        var closing = ForwardSearch("-->", in: scan)
        return scan.rewritten(at: "<") { start in
            guard scan.hasWord("!--", at: start + 1), let close = closing.first(from: start + 4) else { return nil }
            return (close + 3, nothing)
        }
    }

    /// `<a …>Read more on Last.fm</a>` and the full stop after it.
    static func removeLastFMLinks(_ scan: MarkupScan) -> [Unicode.Scalar] {
        var tagEnd = ForwardSearch(count: scan.count) { scan[$0] == ">" }
        // Every `<a` before one `>` has the same text after it: it is read once.
        var tried: (open: Int, end: Int?)?
        return scan.rewritten(at: "<") { start in
            guard scan.hasWord("a", at: start + 1), scan.endsWord(at: start + 2), let open = tagEnd.first(from: start + 2) else { return nil }
            if tried?.open != open {
                var position = scan.skippingWhitespace(from: open + 1)
                var end: Int?
                if scan.hasWord("read more on last.fm", at: position) {
                    position = scan.skippingWhitespace(from: position + 20)
                    if scan.hasWord("</a>", at: position) { end = scan[position + 4] == "." ? position + 5 : position + 4 }
                }
                tried = (open, end)
            }
            return tried?.end.map { ($0, nothing) }
        }
    }

    /// `<br>`, `<br/>` and the tags of blocks (p, div, li, h1–h6, tr), opening or closing, become line breaks.
    static func breakLines(_ scan: MarkupScan) -> [Unicode.Scalar] {
        var tagEnd = ForwardSearch(count: scan.count) { scan[$0] == ">" }
        return scan.rewritten(at: "<") { start in
            if scan.hasWord("br", at: start + 1) {
                var position = scan.skippingWhitespace(from: start + 3)
                if scan[position] == "/" { position += 1 }
                if scan[position] == ">" { return (position + 1, newline) }
            }
            let nameStart = scan[start + 1] == "/" ? start + 2 : start + 1
            let name = ["p", "div", "li", "tr"].first { scan.hasWord($0, at: nameStart) }?.unicodeScalars.count
                ?? (scan.hasWord("h", at: nameStart) && ("1"..."6").contains(scan[nameStart + 1] ?? " ") ? 2 : nil)
            guard let name, scan.endsWord(at: nameStart + name), let end = tagEnd.first(from: nameStart + name) else { return nil }
            return (end + 1, newline)
        }
    }

    /// Any other tag. A tag starts with a letter, '/' or '!': "a < b" is text, not a tag.
    static func removeTags(_ scan: MarkupScan) -> [Unicode.Scalar] {
        scan.rewritten(at: "<") { start in
            let nameStart = scan[start + 1] == "/" ? start + 2 : start + 1
            guard scan.isASCIILetter(at: nameStart) || scan[nameStart] == "!" else { return nil }
            // No search here: the tag ends at the first '>' unless a '<' comes first,
            // and no tag starts before that '<', so no scalar is looked at twice.
            var position = nameStart + 1
            while let scalar = scan[position], scalar != "<", scalar != ">" { position += 1 }
            return scan[position] == ">" ? (position + 1, nothing) : nil
        }
    }

    /// `[img]…[/img]` and `[img=…]…[/img]`, the address and all.
    static func removeImages(_ scan: MarkupScan) -> [Unicode.Scalar] {
        var bracketEnd = ForwardSearch(count: scan.count) { scan[$0] == "]" }
        var closing = ForwardSearch("[/img]", in: scan)
        return scan.rewritten(at: "[") { start in
            guard scan.hasWord("img", at: start + 1) else { return nil }
            var position = start + 4
            if scan[position] == "=" {
                guard let end = bracketEnd.first(from: position + 1) else { return nil }
                position = end
            }
            guard scan[position] == "]", let close = closing.first(from: position + 1) else { return nil }
            return (close + 6, nothing)
        }
    }

    /// `[url]ADDRESS[/url]` becomes the address.
    static func unwrapURLs(_ scan: MarkupScan) -> [Unicode.Scalar] {
        var closing = ForwardSearch("[/url]", in: scan)
        return scan.rewritten(at: "[") { start in
            guard scan.hasWord("url]", at: start + 1), let close = closing.first(from: start + 5) else { return nil }
            return (close + 6, scan.text[(start + 5)..<close])
        }
    }

    /// `[a=Name]` and `[l=Name]` become the name.
    static func unwrapDiscogsNames(_ scan: MarkupScan) -> [Unicode.Scalar] {
        var bracketEnd = ForwardSearch(count: scan.count) { scan[$0] == "]" }
        return scan.rewritten(at: "[") { start in
            guard scan.hasWord("a=", at: start + 1) || scan.hasWord("l=", at: start + 1),
                let end = bracketEnd.first(from: start + 3), end > start + 3 else { return nil }
            return (end + 1, scan.text[(start + 3)..<end])
        }
    }

    /// `[a123]`, `[r=678]`, `[m99]`, `[l=5]`: links by number go.
    static func removeDiscogsNumbers(_ scan: MarkupScan) -> [Unicode.Scalar] {
        scan.rewritten(at: "[") { start in
            guard ["a", "l", "r", "m"].contains(where: { scan.hasWord($0, at: start + 1) }) else { return nil }
            var position = scan[start + 2] == "=" ? start + 3 : start + 2
            let digits = position
            while let scalar = scan[position], scalar.properties.numericType == .decimal { position += 1 }
            return position > digits && scan[position] == "]" ? (position + 1, nothing) : nil
        }
    }

    static let formattingTags: Set<String> = [
        "b", "i", "u", "s", "url", "size", "color", "colour", "align", "quote", "code", "hide", "spoiler", "pre", "center", "important",
    ]

    /// The formatting tags, opening or closing, with or without `=value`; their text stays.
    static func removeFormatting(_ scan: MarkupScan) -> [Unicode.Scalar] {
        var bracketEnd = ForwardSearch(count: scan.count) { scan[$0] == "]" }
        return scan.rewritten(at: "[") { start in
            let nameStart = scan[start + 1] == "/" ? start + 2 : start + 1
            var position = nameStart
            while scan.isASCIILetter(at: position) { position += 1 }
            // A name is followed by '=' or ']', so it is the whole run of letters.
            guard (1...9).contains(position - nameStart) else { return nil }
            let name = String(String.UnicodeScalarView(scan.text[nameStart..<position].map(MarkupScan.lowercased)))
            guard formattingTags.contains(name) else { return nil }
            if scan[position] == "=" {
                guard let end = bracketEnd.first(from: position + 1) else { return nil }
                position = end
            }
            return scan[position] == "]" ? (position + 1, nothing) : nil
        }
    }

    /// The most combining marks kept in a row: Unicode's stream-safe text
    /// format (UAX #15) allows 30. Longer runs are "Zalgo" noise, and the
    /// canonical reordering of a run costs the square of its length.
    static let combiningMarkLimit = 30

    /// Control characters out (tabs become spaces), odd spaces become plain ones,
    /// invisible format characters out (ZWJ stays: emoji need it), combining
    /// marks past the limit out. Before composition, so that what is dropped
    /// cannot leave the text decomposed.
    static func normaliseCharacters(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var marksInARow = 0
        for scalar in text.unicodeScalars {
            if scalar.properties.canonicalCombiningClass == .notReordered {
                marksInARow = 0
            } else {
                marksInARow += 1
                if marksInARow > combiningMarkLimit { continue }
            }
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

    /// NFC by the standard library's normalizer (the one String comparison
    /// uses), which takes time in proportion to the text; Foundation's on Linux
    /// (`precomposedStringWithCanonicalMapping`) rewrites its buffer at each
    /// change, so 512 KB of decomposed accents took it seconds.
    static func canonicalComposition(_ text: String) -> String {
        String(decoding: text._nfcCodeUnits, as: UTF8.self)
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
