/// `.mkt/config`, in git's config syntax:
///
///     [core]
///         format = 1
///         hash = sha256
///     [tracker "red"]
///         announce = https://flacsfor.me/announce
///
/// Keys are `section.key` or `section.subsection.key`; section and key names
/// are case-insensitive, subsections are not.
public struct StoreConfig: Equatable, Sendable {
    public struct Entry: Equatable, Sendable {
        public let section: String
        public let subsection: String?
        public let key: String
        public let value: String

        /// `section.key` or `section.subsection.key`.
        public var name: String {
            [section, subsection, key].compactMap { $0 }.joined(separator: ".")
        }
    }

    public private(set) var entries: [Entry]

    public init(entries: [Entry] = []) {
        self.entries = entries
    }

    /// The subsections a section has (`[tracker "red"]` -> `red`), sorted, each once.
    public func subsections(of section: String) -> [String] {
        Array(Set(entries.filter { $0.section == section.lowercased() }.compactMap(\.subsection))).sorted()
    }

    /// The last value given for `section.key` (or `section.subsection.key`).
    public func value(_ section: String, _ key: String, subsection: String? = nil) -> String? {
        entries.last {
            $0.section == section.lowercased() && $0.subsection == subsection && $0.key == key.lowercased()
        }?.value
    }

    /// The text of a new store's config.
    public static func initial(format: Int, hash: String) -> String {
        "[core]\n\tformat = \(format)\n\thash = \(hash)\n"
    }

    /// Parses config text; errors name the line.
    public static func parse(_ text: String, path: String) throws(StoreError) -> StoreConfig {
        var entries: [Entry] = []
        var section: (name: String, subsection: String?)?
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            let line = rawLine.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard let header = parseSectionHeader(line) else {
                    throw .config(path: path, line: lineNumber, reason: "bad section header '\(line)'")
                }
                section = header
                continue
            }
            guard let section else {
                throw .config(path: path, line: lineNumber, reason: "a key outside any [section]")
            }
            guard let equals = line.firstIndex(of: "=") else {
                throw .config(path: path, line: lineNumber, reason: "expected 'key = value', got '\(line)'")
            }
            let key = line[..<equals].trimmingWhitespace()
            guard isName(key) else {
                throw .config(path: path, line: lineNumber, reason: "bad key name '\(key)'")
            }
            guard let value = parseValue(line[line.index(after: equals)...].trimmingWhitespace()) else {
                throw .config(path: path, line: lineNumber, reason: "unterminated quote or bad escape")
            }
            entries.append(Entry(section: section.name, subsection: section.subsection, key: key.lowercased(), value: value))
        }
        return StoreConfig(entries: entries)
    }

    private static func parseSectionHeader(_ line: Substring) -> (name: String, subsection: String?)? {
        guard line.hasSuffix("]") else { return nil }
        let inner = line.dropFirst().dropLast().trimmingWhitespace()
        if let quote = inner.firstIndex(of: "\"") {
            let name = inner[..<quote].trimmingWhitespace()
            let rest = inner[inner.index(after: quote)...]
            guard isName(name), rest.hasSuffix("\""), rest.count >= 1 else { return nil }
            let subsection = String(rest.dropLast())
            guard !subsection.contains("\""), !subsection.contains("\\") else { return nil }
            return (name.lowercased(), subsection)
        }
        guard isName(inner) else { return nil }
        return (inner.lowercased(), nil)
    }

    /// A value: the rest of the line, with `"..."` quoting, `\"`, `\\`, `\n`,
    /// `\t` escapes, and a `#` or `;` outside quotes starting a comment.
    private static func parseValue(_ text: Substring) -> String? {
        var value = ""
        var quoted = false
        var iterator = text.makeIterator()
        var pendingSpace = ""
        while let char = iterator.next() {
            switch char {
            case "\"":
                quoted.toggle()
            case "\\":
                guard let escaped = iterator.next() else { return nil }
                switch escaped {
                case "n": value += pendingSpace + "\n"
                case "t": value += pendingSpace + "\t"
                case "\"", "\\": value += pendingSpace + String(escaped)
                default: return nil
                }
                pendingSpace = ""
            case "#" where !quoted, ";" where !quoted:
                return value
            case " " where !quoted, "\t" where !quoted:
                pendingSpace += String(char)
            default:
                value += pendingSpace + String(char)
                pendingSpace = ""
            }
        }
        return quoted ? nil : value
    }

    /// Section and key names: a letter, then letters, digits and '-'.
    private static func isName(_ text: Substring) -> Bool {
        func isLetter(_ scalar: Unicode.Scalar) -> Bool { ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) }
        guard let first = text.unicodeScalars.first, isLetter(first) else { return false }
        return text.unicodeScalars.allSatisfy { isLetter($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" || first == "\r" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" || last == "\r" { text = text.dropLast() }
        return text
    }
}
