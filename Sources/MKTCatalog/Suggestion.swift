/// "Did you mean …?" for a mistyped name: the known name fewest edits away,
/// when it is close enough to be what was meant.
public enum Suggestion {
    public static func nearest(to typed: String, in known: [String]) -> String? {
        let word = Array(typed.lowercased().unicodeScalars)
        let scored = known.map { ($0, distance(word, Array($0.lowercased().unicodeScalars))) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        // Up to a third of the typed name, at least one edit, may differ.
        return best.1 <= max(1, word.count / 3) ? best.0 : nil
    }

    /// Edits from one name to the other: insertions, deletions, substitutions,
    /// and swaps of two neighbours ("rde" is one edit from "red").
    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var table = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = Swift.min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = Swift.min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }
}
