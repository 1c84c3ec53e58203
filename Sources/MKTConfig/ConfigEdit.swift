/// A key as `mkt config` names it: `push.retries`, `tracker.ops.url`.
public struct ConfigKeyPath: Equatable, Sendable {
    public let section: String
    public let subsection: String?
    public let key: String

    /// Splits at the first and the last dot (a subsection may hold dots, as in
    /// git); section and key names compare without case.
    public init(parsing text: String) throws(ConfigError) {
        guard let first = text.firstIndex(of: "."), let last = text.lastIndex(of: ".") else {
            throw ConfigError(nil, "\(ConfigType.printable(text)): a key is section.key or section.NAME.key")
        }
        section = text[..<first].lowercased()
        key = text[text.index(after: last)...].lowercased()
        subsection = first == last ? nil : String(text[text.index(after: first)..<last])
        guard Config.isName(Substring(section)), Config.isName(Substring(key)) else {
            throw ConfigError(nil, "\(name): section and key names are a letter, then letters, digits and '-'")
        }
        if let subsection, subsection.contains(where: { $0 == "\"" || $0 == "\\" || $0.isNewline }) {
            throw ConfigError(nil, "\(name): a section's name may not hold '\"', '\\' or a line break")
        }
    }

    public var name: String { Config.displayName(section, subsection, key) }

    /// The registry's entry for this key, or why there is none (with a did-you-mean).
    public func registered() throws(ConfigError) -> ConfigKey {
        try ConfigRegistry.lookUp(section: section, subsection: subsection, key: key, name: name, at: nil)
    }
}

/// Edits of a config file's text that keep every other line as it was:
/// comments, blank lines, order and line breaks.
extension Config {
    /// `text` with `path` set to `value`: the last line that set it now says
    /// `value` and the others are gone (or, `adding`, one more line after the
    /// section's last), in a new section at the end when there is none.
    public static func setting(_ path: ConfigKeyPath, to value: String, adding: Bool, in text: String, file: String) throws(ConfigError) -> String {
        let config = try parse(text, path: file)
        var lines = Self.lines(of: text).map(String.init)
        let newLine = "\t\(path.key) = \(quoted(value))\n"
        let existing = config.entries(path.section, path.key, subsection: path.subsection).map(\.origin.line)
        if !adding, let last = existing.last {
            lines[last - 1] = newLine
            for line in existing.dropLast().reversed() { lines.remove(at: line - 1) }
            return lines.joined()
        }
        let inSection = config.entries.filter { $0.section == path.section && $0.subsection == path.subsection }.map(\.origin.line)
        let headers = config.headers.filter { $0.section == path.section && $0.subsection == path.subsection }.map(\.origin.line)
        if let after = inSection.last ?? headers.last {
            if !lines[after - 1].hasSuffix("\n") { lines[after - 1] += "\n" }
            lines.insert(newLine, at: after)
            return lines.joined()
        }
        let header = path.subsection.map { "[\(path.section) \"\($0)\"]\n" } ?? "[\(path.section)]\n"
        let body = lines.joined()
        return body + (body.isEmpty || body.hasSuffix("\n") ? "" : "\n") + header + newLine
    }

    /// `text` without any line that sets `path`; nil when none does.
    public static func unsetting(_ path: ConfigKeyPath, in text: String, file: String) throws(ConfigError) -> String? {
        let existing = try parse(text, path: file).entries(path.section, path.key, subsection: path.subsection).map(\.origin.line)
        guard !existing.isEmpty else { return nil }
        var lines = Self.lines(of: text).map(String.init)
        for line in existing.reversed() { lines.remove(at: line - 1) }
        return lines.joined()
    }

    /// A value as the parser reads it back: bare when it is plain, else in
    /// quotes with `\"`, `\\`, `\n` and `\t` escaped.
    static func quoted(_ value: String) -> String {
        let scalars = value.unicodeScalars
        let plain = scalars.first != " " && scalars.last != " " && !scalars.isEmpty
            && scalars.allSatisfy { (0x20..<0x7f).contains($0.value) && !"\"\\#;".unicodeScalars.contains($0) }
        if plain { return value }
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
