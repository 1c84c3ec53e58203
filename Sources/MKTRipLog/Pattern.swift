import Foundation

/// A regular expression over log text, with the few operations the scorers
/// need. Patterns are compiled once; a pattern that does not compile is a
/// programming error caught by the tests, so it matches nothing rather than trapping.
struct Pattern: @unchecked Sendable {
    private let expression: NSRegularExpression?
    var compiled: NSRegularExpression? { expression }

    init(_ pattern: String, caseInsensitive: Bool = true, dotMatchesNewlines: Bool = false) {
        var options: NSRegularExpression.Options = []
        if caseInsensitive { options.insert(.caseInsensitive) }
        if dotMatchesNewlines { options.insert(.dotMatchesLineSeparators) }
        expression = Self.compiled(pattern, options: options)
    }

    /// Compiled expressions by pattern and options: the scorers name their patterns where they use them, once per track.
    private static let cache = ExpressionCache()

    private static func compiled(_ pattern: String, options: NSRegularExpression.Options) -> NSRegularExpression? {
        cache.expression(pattern, options: options)
    }

    /// The capture groups of every match, in order (group 0 is the whole match; an absent group is "").
    func matches(in text: String) -> [[String]] {
        guard let expression else { return [] }
        let whole = NSRange(text.startIndex..., in: text)
        return expression.matches(in: text, range: whole).map { match in
            (0..<match.numberOfRanges).map { index in
                Range(match.range(at: index), in: text).map { String(text[$0]) } ?? ""
            }
        }
    }

    func first(in text: String) -> [String]? {
        guard let expression else { return nil }
        let whole = NSRange(text.startIndex..., in: text)
        guard let match = expression.firstMatch(in: text, range: whole) else { return nil }
        return (0..<match.numberOfRanges).map { index in
            Range(match.range(at: index), in: text).map { String(text[$0]) } ?? ""
        }
    }

    func isFound(in text: String) -> Bool { first(in: text) != nil }

    func count(in text: String) -> Int {
        guard let expression else { return 0 }
        return expression.numberOfMatches(in: text, range: NSRange(text.startIndex..., in: text))
    }

    /// The text split at each match, the matches kept as pieces of their own (PHP's PREG_SPLIT_DELIM_CAPTURE with one group around the whole pattern).
    func splitKeepingSeparators(_ text: String) -> [String] {
        guard let expression else { return [text] }
        var pieces: [String] = []
        var cursor = text.startIndex
        for match in expression.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            guard let range = Range(match.range, in: text) else { continue }
            pieces.append(String(text[cursor..<range.lowerBound]))
            pieces.append(String(text[range]))
            cursor = range.upperBound
        }
        pieces.append(String(text[cursor...]))
        return pieces
    }

    /// The text split at each match; each piece after the first carries the match's groups.
    func split(_ text: String) -> (head: String, pieces: [(groups: [String], body: String)]) {
        guard let expression else { return (text, []) }
        let matches = expression.matches(in: text, range: NSRange(text.startIndex..., in: text))
        var head = text
        var pieces: [(groups: [String], body: String)] = []
        for (index, match) in matches.enumerated() {
            guard let range = Range(match.range, in: text) else { continue }
            if index == 0 { head = String(text[..<range.lowerBound]) }
            let end = index + 1 < matches.count ? Range(matches[index + 1].range, in: text)?.lowerBound ?? text.endIndex : text.endIndex
            let groups = (0..<match.numberOfRanges).map { group in Range(match.range(at: group), in: text).map { String(text[$0]) } ?? "" }
            pieces.append((groups, String(text[range.upperBound..<end])))
        }
        return (head, pieces)
    }

    /// The text with the first match (or every match) removed.
    func removing(from text: String, all: Bool) -> (text: String, removed: Int) {
        guard let expression else { return (text, 0) }
        let matches = expression.matches(in: text, range: NSRange(text.startIndex..., in: text))
        let chosen = all ? matches : Array(matches.prefix(1))
        var result = text
        for match in chosen.reversed() {
            if let range = Range(match.range, in: result) { result.removeSubrange(range) }
        }
        return (result, chosen.count)
    }
}

/// NSRegularExpression is safe to share once compiled; the dictionary is guarded by a lock.
private final class ExpressionCache: @unchecked Sendable {
    private let lock = NSLock()
    private var expressions: [String: NSRegularExpression?] = [:]

    func expression(_ pattern: String, options: NSRegularExpression.Options) -> NSRegularExpression? {
        let key = "\(options.rawValue)/\(pattern)"
        lock.lock()
        defer { lock.unlock() }
        if let known = expressions[key] { return known }
        let compiled = try? NSRegularExpression(pattern: pattern, options: options)
        expressions[key] = compiled
        return compiled
    }
}

extension Pattern {
    /// Every match replaced by the template (`$1` names a group).
    func replacing(in text: String, with template: String) -> String {
        guard let expression = compiled else { return text }
        return expression.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: template)
    }
}
