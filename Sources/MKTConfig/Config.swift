/// mkt's configuration, in git's config syntax:
///
///     [core]
///         format = 1
///         hash = sha256
///     [tracker "red"]
///         announce = https://flacsfor.me/announce
///
/// Keys are `section.key` or `section.subsection.key`; section and key names
/// are case-insensitive, subsections are not. A config may be the store's
/// `.mkt/config` alone or the user's global config with the store's after it
/// (`layered(over:)`); every entry remembers the file and line it came from.
public struct Config: Equatable, Sendable {
    /// Where an entry or a section header was written.
    public struct Origin: Equatable, Sendable, CustomStringConvertible {
        public let path: String
        public let line: Int

        public init(path: String, line: Int) {
            self.path = path
            self.line = line
        }

        public var description: String { "\(path):\(line)" }
    }

    public struct Entry: Equatable, Sendable {
        public let section: String
        public let subsection: String?
        public let key: String
        public let value: String
        public let origin: Origin

        public init(section: String, subsection: String?, key: String, value: String, origin: Origin) {
            self.section = section
            self.subsection = subsection
            self.key = key
            self.value = value
            self.origin = origin
        }

        /// `section.key` or `section.subsection.key`.
        public var name: String {
            [section, subsection, key].compactMap { $0 }.joined(separator: ".")
        }
    }

    /// A `[section]` or `[section "subsection"]` line: checked even when no key follows it.
    public struct Header: Equatable, Sendable {
        public let section: String
        public let subsection: String?
        public let origin: Origin
    }

    public private(set) var entries: [Entry]
    public private(set) var headers: [Header]

    public init(entries: [Entry] = [], headers: [Header] = []) {
        self.entries = entries
        self.headers = headers
    }

    /// This config with `other`'s entries after its own, so that `other`'s win
    /// (the global config under the store's, as git's --global under a repository's).
    public func layered(under other: Config) -> Config {
        Config(entries: entries + other.entries, headers: headers + other.headers)
    }

    /// The subsections a section has (`[tracker "red"]` -> `red`), sorted, each once.
    public func subsections(of section: String) -> [String] {
        Array(Set(entries.filter { $0.section == section.lowercased() }.compactMap(\.subsection))).sorted()
    }

    /// Every entry for `section.key` (or `section.subsection.key`), in the order written.
    public func entries(_ section: String, _ key: String, subsection: String? = nil) -> [Entry] {
        entries.filter {
            $0.section == section.lowercased() && $0.subsection == subsection && $0.key == key.lowercased()
        }
    }

    /// The last value given for `section.key` (or `section.subsection.key`).
    public func value(_ section: String, _ key: String, subsection: String? = nil) -> String? {
        entries(section, key, subsection: subsection).last?.value
    }

    /// The user's config, read under every store's and alone outside one:
    /// `$XDG_CONFIG_HOME/mkt/config`, else `$HOME/.config/mkt/config`; nil
    /// without either (as git reads no global config without HOME).
    public static func globalPath(environment: [String: String]) -> String? {
        if let base = environment["XDG_CONFIG_HOME"], base.hasPrefix("/") { return "\(base)/mkt/config" }
        guard let home = environment["HOME"], home.hasPrefix("/") else { return nil }
        return "\(home)/.config/mkt/config"
    }

    /// Parses config text; errors name the file and line.
    public static func parse(_ text: String, path: String) throws(ConfigError) -> Config {
        var entries: [Entry] = []
        var headers: [Header] = []
        var section: Header?
        for (index, rawLine) in lines(of: text).enumerated() {
            let origin = Origin(path: path, line: index + 1)
            let line = rawLine.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard let header = parseSectionHeader(line) else {
                    throw ConfigError(origin, "bad section header '\(line)'")
                }
                let opened = Header(section: header.name, subsection: header.subsection, origin: origin)
                headers.append(opened)
                section = opened
                continue
            }
            guard let section else {
                throw ConfigError(origin, "a key outside any [section]")
            }
            guard let equals = line.firstIndex(of: "=") else {
                throw ConfigError(origin, "expected 'key = value', got '\(line)'")
            }
            let key = line[..<equals].trimmingWhitespace()
            guard isName(key) else {
                throw ConfigError(origin, "bad key name '\(key)'")
            }
            guard let value = parseValue(line[line.index(after: equals)...].trimmingWhitespace()) else {
                throw ConfigError(origin, "unterminated quote or bad escape")
            }
            entries.append(Entry(section: section.section, subsection: section.subsection, key: key.lowercased(), value: value, origin: origin))
        }
        return Config(entries: entries, headers: headers)
    }

    /// The lines of a text, each with its line break (`\n` or `\r\n`), so that
    /// an edit can put back every line it does not change byte for byte.
    static func lines(of text: String) -> [Substring] {
        var lines: [Substring] = []
        var start = text.startIndex
        for index in text.indices where text[index] == "\n" || text[index] == "\r\n" {
            let end = text.index(after: index)
            lines.append(text[start..<end])
            start = end
        }
        if start < text.endIndex || lines.isEmpty { lines.append(text[start...]) }
        return lines
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
    /// `\t` escapes, and a `#` or `;` outside quotes starting a comment. Read
    /// scalar by scalar: a combining mark after a quote must not hide the quote.
    private static func parseValue(_ text: Substring) -> String? {
        var value = String.UnicodeScalarView()
        var quoted = false
        var iterator = text.unicodeScalars.makeIterator()
        var pendingSpace = String.UnicodeScalarView()
        func append(_ scalar: Unicode.Scalar) {
            value += pendingSpace
            value.append(scalar)
            pendingSpace = String.UnicodeScalarView()
        }
        while let scalar = iterator.next() {
            switch scalar {
            case "\"":
                quoted.toggle()
            case "\\":
                guard let escaped = iterator.next() else { return nil }
                switch escaped {
                case "n": append("\n")
                case "t": append("\t")
                case "\"", "\\": append(escaped)
                default: return nil
                }
            case "#" where !quoted, ";" where !quoted:
                return String(value)
            case " " where !quoted, "\t" where !quoted:
                pendingSpace.append(scalar)
            default:
                append(scalar)
            }
        }
        return quoted ? nil : String(value)
    }

    /// Section and key names: a letter, then letters, digits and '-'.
    static func isName(_ text: Substring) -> Bool {
        func isLetter(_ scalar: Unicode.Scalar) -> Bool { ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) }
        guard let first = text.unicodeScalars.first, isLetter(first) else { return false }
        return text.unicodeScalars.allSatisfy { isLetter($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" || first == "\r" || first == "\r\n" || first == "\n" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" || last == "\r" || last == "\r\n" || last == "\n" { text = text.dropLast() }
        return text
    }
}
