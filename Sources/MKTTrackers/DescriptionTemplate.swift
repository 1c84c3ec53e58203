/// A torrent description template: BBCode with `{name}` placeholders, one
/// per line or several. A line whose placeholders all come out empty is left
/// out (so a release without a log has no rip-log line), blank lines run
/// together into one, and `{{` and `}}` stand for braces.
public struct DescriptionTemplate: Sendable, Equatable {
    /// Each placeholder and what it stands for (Documentation/mkt-config.md lists them).
    public static let placeholders: [(name: String, meaning: String)] = [
        ("lineage", "a transcode's source, linked to its torrent on the site when known"),
        ("encoder", "a transcode's encoders and its command; a lossy source's encoder and settings from its files"),
        ("rip-log", "each rip log's name, ripper, score and checksum verdict, and every deduction"),
        ("rip-log-score", "the lowest score of the rip logs (a number)"),
        ("spectrals", "links to each track's spectrograms on the image host (push.spectrals)"),
        ("made-with-mkt", "a line saying mkt made the upload (push.made-with-mkt)"),
    ]

    /// What mkt uses when no template is configured.
    public static let builtIn = """
        {lineage}
        {encoder}

        {rip-log}

        {spectrals}

        {made-with-mkt}
        """

    enum Piece: Sendable, Equatable {
        case text(String)
        case placeholder(String)
    }

    let lines: [[Piece]]

    /// Reads a template.
    /// - Parameter origin: where it comes from (a file's path), for errors: `PATH:LINE: …`.
    public init(_ text: String, origin: String) throws(DescriptionTemplateError) {
        var lines: [[Piece]] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let at = "\(origin):\(index + 1)"
            var pieces: [Piece] = []
            var literal = ""
            var rest = Substring(line.hasSuffix("\r") ? line.dropLast() : line)
            while let first = rest.first {
                if rest.hasPrefix("{{") || rest.hasPrefix("}}") {
                    literal.append(first)
                    rest = rest.dropFirst(2)
                } else if first == "{" {
                    guard let close = rest.firstIndex(of: "}") else { throw DescriptionTemplateError(at: at, "a '{' without its '}' (write {{ for a brace)") }
                    let name = String(rest[rest.index(after: rest.startIndex)..<close])
                    guard Self.placeholders.contains(where: { $0.name == name }) else {
                        throw DescriptionTemplateError(at: at, "unknown placeholder {\(name)} (known: \(Self.placeholders.map { "{\($0.name)}" }.joined(separator: ", ")))")
                    }
                    if !literal.isEmpty { pieces.append(.text(literal)) }
                    literal = ""
                    pieces.append(.placeholder(name))
                    rest = rest[rest.index(after: close)...]
                } else if first == "}" {
                    throw DescriptionTemplateError(at: at, "a '}' without its '{' (write }} for a brace)")
                } else {
                    literal.append(first)
                    rest = rest.dropFirst()
                }
            }
            if !literal.isEmpty { pieces.append(.text(literal)) }
            lines.append(pieces)
        }
        self.lines = lines
    }

    /// The description, or nil when nothing is left (no field is sent then).
    /// - Parameter values: by placeholder name; a missing one is empty.
    public func render(_ values: [String: String]) -> String? {
        var out: [String] = []
        for line in lines {
            let names = line.compactMap { piece -> String? in if case .placeholder(let name) = piece { return name } else { return nil } }
            if !names.isEmpty, names.allSatisfy({ (values[$0] ?? "").isEmpty }) { continue }
            let text = line.map { piece -> String in
                switch piece {
                case .text(let text): text
                case .placeholder(let name): values[name] ?? ""
                }
            }.joined()
            let blank = text.allSatisfy(\.isWhitespace)
            // Blank lines run together, and none opens the text.
            if blank && (out.last.map { $0.allSatisfy(\.isWhitespace) } ?? true) { continue }
            out.append(blank ? "" : text)
        }
        while out.last?.isEmpty == true { out.removeLast() }
        return out.isEmpty ? nil : out.joined(separator: "\n")
    }
}

/// A template mkt cannot read: names the file and line.
public struct DescriptionTemplateError: Error, CustomStringConvertible {
    public let description: String

    public init(at origin: String, _ reason: String) {
        description = "\(origin): \(reason) in the torrent description template"
    }
}
