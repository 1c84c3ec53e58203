/// What a release's tags and cue sheets say about its audio that the
/// samples do not: pre-emphasis, and properties that differ between its
/// files. Shared by check-release's findings and the transcoder's refusals.
public enum AudioEvidence {
    /// The tags (`PRE_EMPHASIS`, `PREEMPHASIS`, `EMPHASIS`) say the audio has pre-emphasis; the tag and its value, or nil.
    public static func preEmphasisTag(_ tags: [String: [String]]) -> String? {
        for name in ["PRE_EMPHASIS", "PREEMPHASIS", "EMPHASIS"] {
            if let value = (tags[name] ?? []).first(where: { ["1", "yes", "true", "on"].contains($0.lowercased().trimmingCharacters(in: .whitespaces)) }) {
                return "\(name)=\(value)"
            }
        }
        return nil
    }

    /// The line numbers (1-based) of a cue sheet's `FLAGS` lines with `PRE` among their words.
    public static func cuePreEmphasisLines(_ text: String) -> [Int] {
        text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated().compactMap { index, line in
            let words = line.split(whereSeparator: \.isWhitespace).map { $0.uppercased() }
            return words.first == "FLAGS" && words.dropFirst().contains("PRE") ? index + 1 : nil
        }
    }

    /// Files grouped by a property that should be the same across a release
    /// (a bit depth, a sample rate): the most common value, and each other
    /// value with the files that have it (the minority, which are the odd
    /// ones). Nil when every file agrees.
    public static func mixed(_ values: [(path: String, value: String)]) -> (common: (value: String, count: Int), others: [(value: String, paths: [String])])? {
        let groups = Dictionary(grouping: values, by: \.value)
        guard groups.count > 1 else { return nil }
        // Most files first; a tie by value, so the answer does not depend on the order of a dictionary.
        let sorted = groups.sorted { ($0.value.count, $1.key) > ($1.value.count, $0.key) }
        return ((sorted[0].key, sorted[0].value.count), sorted.dropFirst().map { ($0.key, $0.value.map(\.path).sorted()) })
    }
}
