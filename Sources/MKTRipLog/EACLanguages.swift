/// EAC writes its log in the user's interface language. The logchecker
/// recognises the language by a marker string and replaces each translated
/// string with EAC's English one, by EAC's own string numbers
/// (OPSnet/Logchecker src/Parser/EAC/Translator.php and languages/README.md).
/// The strings are in `EACLanguageTable` (generated, see scripts/riplog-tables.py);
/// a language is added by adding its rows there.
struct EACLanguage: Sendable, Equatable {
    let code: String
    let name: String
    let englishName: String
}

enum EACLanguages {
    private struct Tables: Sendable {
        /// Languages in the table's order with their marker strings (the first whose marker is found wins).
        var markers: [(language: EACLanguage, marker: String)] = []
        var english: [String: String] = [:]
        /// Per language code: (string number, translated text) in file order.
        var translations: [String: [(number: Int, text: String)]] = [:]
    }

    private static let tables: Tables = {
        var tables = Tables()
        for row in EACLanguageTable.rows.split(separator: "\n") {
            let fields = row.split(separator: "\t", omittingEmptySubsequences: false).map { field in
                field.contains("\u{23CE}") ? field.replacingOccurrences(of: "\u{23CE}", with: "\n") : String(field)
            }
            switch fields.first {
            case "L" where fields.count == 5:
                tables.markers.append((EACLanguage(code: fields[1], name: fields[2], englishName: fields[3]), fields[4]))
            case "E" where fields.count == 3:
                tables.english[fields[1]] = fields[2]
            case "T" where fields.count == 4:
                tables.translations[fields[1], default: []].append((Int(fields[2]) ?? 0, fields[3]))
            default:
                continue
            }
        }
        return tables
    }()

    /// The language whose marker the log contains, compared without regard to case.
    static func detect(_ text: String) -> EACLanguage? {
        tables.markers.first { text.range(of: $0.marker, options: .caseInsensitive) != nil }?.language
    }

    /// The log with every string of `language` replaced by EAC's English one.
    /// Strings numbered above 16 are compared without regard to case; the
    /// first sixteen (Yes, No, …) exactly, as the logchecker does.
    static func translate(_ text: String, from language: EACLanguage) -> String {
        var text = text
        for (number, translated) in tables.translations[language.code] ?? [] {
            guard !translated.isEmpty, let english = tables.english[String(number)], !english.isEmpty else { continue }
            text = text.replacingOccurrences(of: translated, with: english, options: number > 16 ? .caseInsensitive : [])
        }
        return text
    }

    /// Of the same bytes decoded in several code pages, the one in which the
    /// most strings of its detected language are found (the first on a tie).
    static func bestDecoding(_ candidates: [String]) -> String? {
        var best: (text: String, found: Int)?
        for text in candidates {
            let language = detect(text)
            let strings = language.map { tables.translations[$0.code]?.map(\.text) ?? [] } ?? []
            let found = strings.filter { !$0.isEmpty && text.contains($0) }.count + (language == nil ? 0 : 1)
            if best == nil || found > (best?.found ?? 0) { best = (text, found) }
        }
        return best?.text
    }
}
