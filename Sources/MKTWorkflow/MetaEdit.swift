import Foundation
import MKTCatalog
import MKTConfig
import MKTMetadata

/// `FIELD=VALUE` changes to a release description, as `mkt add --meta` and
/// `mkt edit` take them. Fields have the kebab-case names the documentation
/// gives (`release-type`, `cover-url`); the meta JSON's camelCase keys
/// (`releaseType`, `coverURL`) are taken too. Lists are comma-separated; an
/// empty value clears the field.
public enum MetaEdit {
    /// A field a user may set: an album-level fact, not what mkt derives.
    struct Field: Sendable {
        /// As the documentation spells it.
        let name: String
        /// The description's key in the meta JSON.
        let key: String
        /// Sets the field from a cleaned value; `asked` is the name as given, for errors.
        let set: @Sendable (_ description: inout ReleaseDescription, _ value: String, _ asked: String) throws(WorkflowError) -> Void
    }

    /// The media names mkt stores; the adapters turn BD into Blu-Ray where a site says so.
    public static let mediaNames = ["CD", "WEB", "Vinyl", "DVD", "BD", "Soundboard", "SACD", "DAT", "Cassette"]

    static let fields: [Field] = [
        list("artists", "artists", \.artists),
        text("title", "title", \.title),
        year("year", "year", \.year),
        year("original-year", "originalYear", \.originalYear),
        text("label", "label", \.label),
        text("catalogue-number", "catalogueNumber", \.catalogueNumber),
        text("barcode", "barcode", \.barcode),
        Field(name: "mbid", key: "mbid") { (description, value, asked) throws(WorkflowError) in
            guard value.isEmpty || MusicBrainzID.isValid(value) else { throw .badMetaField(asked, reason: "'\(value)' is not a MusicBrainz release id") }
            description.mbid = value.isEmpty ? nil : value.lowercased()
        },
        Field(name: "genres", key: "genres") { (description, value, _) throws(WorkflowError) in
            description.genres = items(value)
            // The form's tags follow the genres, unless the same edits set them (`apply` keeps those).
            description.tags = Genres.tags(from: description.genres)
        },
        Field(name: "tags", key: "tags") { (description, value, _) throws(WorkflowError) in description.tags = Genres.tags(from: [value]) },
        word("format", "format", \.format, among: TrackerCatalog.formats),
        word("encoding", "encoding", \.encoding, among: TrackerCatalog.encodings),
        Field(name: "media", key: "media") { (description, value, asked) throws(WorkflowError) in
            let lowered = value.lowercased()
            guard value.isEmpty || lowered == "blu-ray" || mediaNames.contains(where: { $0.lowercased() == lowered }) else {
                throw .badMetaField(asked, reason: "'\(value)' is not a media (\(mediaNames.joined(separator: ", ")))")
            }
            description.media = value.isEmpty ? nil : mediaNames.first { $0.lowercased() == lowered } ?? "BD"
        },
        Field(name: "release-type", key: "releaseType") { (description, value, asked) throws(WorkflowError) in
            guard let type = ReleaseType.allCases.first(where: { $0.rawValue.lowercased() == value.lowercased() }) else {
                throw .badMetaField(asked, reason: "'\(value)' is not a release type (\(ReleaseType.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            description.releaseType = type
            // The user's word: no longer mkt's guess.
            if description.releaseTypeIsGuess { description.provenance?["releaseType"] = nil }
            if description.provenance?.isEmpty == true { description.provenance = nil }
        },
        Field(name: "category", key: "category") { (description, value, asked) throws(WorkflowError) in
            guard !value.isEmpty else { throw .badMetaField(asked, reason: "every release has a category (Music, Audiobooks); it cannot be cleared") }
            description.category = value
        },
        text("author", "author", \.author),
        text("narrator", "narrator", \.narrator),
        text("series", "series", \.series),
        text("asin", "asin", \.asin),
        text("synopsis", "synopsis", \.synopsis),
        text("cover", "cover", \.cover),
        text("cover-url", "coverURL", \.coverURL),
    ]

    public static var fieldNames: [String] { fields.map(\.name) }

    public static func apply(_ assignments: [String], to description: ReleaseDescription) throws(WorkflowError) -> ReleaseDescription {
        guard !assignments.isEmpty else { return description }
        var result = description
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "=") else {
                throw .badMetaField(assignment, reason: "expected FIELD=VALUE")
            }
            let name = String(assignment[..<equals])
            let value = TextSanitizer.clean(String(assignment[assignment.index(after: equals)...]))
            let field = try self.field(named: name)
            let tagsGiven = result.tags
            try field.set(&result, value, name)
            if field.name == "genres", assignments.contains(where: { (try? self.field(named: String($0.prefix { $0 != "=" })))?.name == "tags" }) {
                result.tags = tagsGiven
            }
            if field.name == "artists" { result.artistRoles["main"] = result.artists }
        }
        return result
    }

    /// The field `name` stands for, in kebab-case or as its JSON key, any case.
    static func field(named name: String) throws(WorkflowError) -> Field {
        let lowered = name.lowercased()
        if let field = fields.first(where: { $0.name == lowered || $0.key.lowercased() == lowered }) { return field }
        let suggestion = Suggestion.closest(to: lowered, among: fieldNames).map { "; did you mean '\($0)'?" } ?? ""
        throw .badMetaField(name, reason: "not a field mkt lets you set\(suggestion) (fields: \(fieldNames.joined(separator: ", ")))")
    }

    private static func text(_ name: String, _ key: String, _ path: any WritableKeyPath<ReleaseDescription, String?> & Sendable) -> Field {
        Field(name: name, key: key) { (description, value, _) throws(WorkflowError) in description[keyPath: path] = value.isEmpty ? nil : value }
    }

    private static func list(_ name: String, _ key: String, _ path: any WritableKeyPath<ReleaseDescription, [String]> & Sendable) -> Field {
        Field(name: name, key: key) { (description, value, _) throws(WorkflowError) in description[keyPath: path] = items(value) }
    }

    private static func items(_ value: String) -> [String] {
        value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// A word of the sites' forms (a format, an encoding), in their spelling
    /// whatever the case; `V0` stands for `V0 (VBR)`. Anything else is refused
    /// with the nearest word, since a site would refuse it later.
    private static func word(_ name: String, _ key: String, _ path: any WritableKeyPath<ReleaseDescription, String?> & Sendable, among words: [String]) -> Field {
        Field(name: name, key: key) { (description, value, asked) throws(WorkflowError) in
            guard !value.isEmpty else {
                description[keyPath: path] = nil
                return
            }
            let lowered = value.lowercased()
            if let known = words.first(where: { $0.lowercased() == lowered || $0.lowercased() == lowered + " (vbr)" }) {
                description[keyPath: path] = known
                return
            }
            // Spelled as typed: `v3` is near `v0`, far from `V0 (VBR)`.
            let short = { (word: String) in word.lowercased().replacingOccurrences(of: " (vbr)", with: "") }
            let nearest = Suggestion.closest(to: short(value), among: words.map(short))
                .flatMap { near in words.first { short($0) == near } }
            throw .badMetaField(asked, reason: "'\(value)' is not \(name == "encoding" ? "an encoding" : "a format") any site takes"
                + (nearest.map { "; did you mean '\($0)'?" } ?? "") + " (\(words.joined(separator: ", ")))")
        }
    }

    private static func year(_ name: String, _ key: String, _ path: any WritableKeyPath<ReleaseDescription, Int?> & Sendable) -> Field {
        Field(name: name, key: key) { (description, value, asked) throws(WorkflowError) in
            if value.isEmpty {
                description[keyPath: path] = nil
                return
            }
            guard let year = Int(value), (1000...9999).contains(year) else { throw .badMetaField(asked, reason: "'\(value)' is not a year") }
            description[keyPath: path] = year
        }
    }
}
