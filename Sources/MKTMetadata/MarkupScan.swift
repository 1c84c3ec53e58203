/// The pieces the sanitizer's markup rules are made of, over an array of
/// Unicode scalars. Each rule is one forward pass: a match is tried only where
/// its first character stands, and every "up to the next X" looks forward
/// with a `ForwardSearch`, which never looks at a position twice. A text full
/// of unclosed `<script>` or `<!--` therefore costs one pass, not one pass per
/// opening (a regular expression's lazy `.*?` rescans to the end each time).
struct MarkupScan {
    let text: [Unicode.Scalar]

    var count: Int { text.count }

    subscript(index: Int) -> Unicode.Scalar? { index < text.count ? text[index] : nil }

    /// Whether the ASCII `word` stands at `index`, in any case.
    func hasWord(_ word: String, at index: Int) -> Bool {
        var position = index
        for expected in word.unicodeScalars {
            guard let scalar = self[position], Self.lowercased(scalar) == expected else { return false }
            position += 1
        }
        return true
    }

    /// The first position at or after `index` that is not white space.
    func skippingWhitespace(from index: Int) -> Int {
        var position = index
        while let scalar = self[position], scalar.properties.isWhitespace { position += 1 }
        return position
    }

    /// A word boundary before `index`, given that the scalar before it is a
    /// letter: the text ends there or a non-word scalar follows (as `\b`).
    func endsWord(at index: Int) -> Bool {
        guard let scalar = self[index] else { return true }
        return !Self.isWordScalar(scalar)
    }

    func isASCIILetter(at index: Int) -> Bool {
        guard let scalar = self[index] else { return false }
        return ("a"..."z").contains(Self.lowercased(scalar))
    }

    static func lowercased(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        ("A"..."Z").contains(scalar) ? Unicode.Scalar(UInt8(truncatingIfNeeded: scalar.value) | 0x20) : scalar
    }

    /// What a regular expression's `\w` matches.
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        return properties.isAlphabetic || properties.numericType == .decimal || properties.generalCategory == .connectorPunctuation || properties.generalCategory == .nonspacingMark
            || properties.generalCategory == .spacingMark || properties.generalCategory == .enclosingMark
            || scalar == "\u{200C}" || scalar == "\u{200D}"
    }

    /// Rewrites the text in one pass: at each `trigger`, `match` may claim the
    /// text up to an end (exclusive) and give what replaces it; elsewhere the
    /// text is kept. `match` is only asked at positions that only grow.
    func rewritten(at trigger: Unicode.Scalar, _ match: (Int) -> (end: Int, replacement: ArraySlice<Unicode.Scalar>)?) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(text.count)
        var index = 0
        while index < text.count {
            if text[index] == trigger, let (end, replacement) = match(index) {
                out.append(contentsOf: replacement)
                index = end
            } else {
                out.append(text[index])
                index += 1
            }
        }
        return out
    }
}

/// The first position at or after a start where a test holds. Starts that
/// never decrease reuse what was learnt: a position once looked at is not
/// looked at again, so a pass's searches cost one walk over the text in all.
struct ForwardSearch {
    private let test: (Int) -> Bool
    private let count: Int
    /// The last position found, and where the looking stopped.
    private var found: Int?
    private var lookedUpTo = 0
    private var lastStart = 0

    init(count: Int, where test: @escaping (Int) -> Bool) {
        self.count = count
        self.test = test
    }

    /// A search for the literal ASCII `word` (any case) in `scan`.
    init(_ word: String, in scan: MarkupScan) {
        self.init(count: scan.count) { scan.hasWord(word, at: $0) }
    }

    mutating func first(from start: Int) -> Int? {
        if start < lastStart {
            // Not expected of the passes; correct all the same, just not reused.
            found = nil
            lookedUpTo = start
        }
        lastStart = start
        if let found, found >= start { return found }
        if found == nil && lookedUpTo > start { return nil }
        var index = max(start, lookedUpTo)
        while index < count {
            if test(index) {
                found = index
                lookedUpTo = index + 1
                return index
            }
            index += 1
        }
        found = nil
        lookedUpTo = count
        return nil
    }
}
