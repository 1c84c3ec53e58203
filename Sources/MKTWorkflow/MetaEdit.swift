import Foundation
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
    static let mediaNames = ["CD", "WEB", "Vinyl", "DVD", "BD", "Soundboard", "SACD", "DAT", "Cassette"]

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
        list("genres", "genres", \.genres),
        list("tags", "tags", \.tags),
        text("format", "format", \.format),
        text("encoding", "encoding", \.encoding),
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
        },
        Field(name: "category", key: "category") { (description, value, asked) throws(WorkflowError) in
            guard !value.isEmpty else { throw .badMetaField(asked, reason: "every release has a category (Music, Audiobooks); it cannot be cleared") }
            description.category = value
        },
        text("author", "author", \.author),
        text("narrator", "narrator", \.narrator),
        text("series", "series", \.series),
        text("asin", "asin", \.asin),
        text("cover", "cover", \.cover),
        text("cover-url", "coverURL", \.coverURL),
    ]

    static var fieldNames: [String] { fields.map(\.name) }

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
            try field.set(&result, value, name)
            if field.name == "artists" { result.artistRoles["main"] = result.artists }
        }
        return result
    }

    /// The field `name` stands for, in kebab-case or as its JSON key, any case.
    static func field(named name: String) throws(WorkflowError) -> Field {
        let lowered = name.lowercased()
        if let field = fields.first(where: { $0.name == lowered || $0.key.lowercased() == lowered }) { return field }
        let nearest = fields.map { (name: $0.name, distance: distance(lowered, $0.name)) }.min { $0.distance < $1.distance }
        let suggestion = nearest.flatMap { $0.distance <= 3 ? "; did you mean '\($0.name)'?" : nil } ?? ""
        throw .badMetaField(name, reason: "not a field mkt lets you set\(suggestion) (fields: \(fieldNames.joined(separator: ", ")))")
    }

    /// Levenshtein distance: insertions, deletions and substitutions of characters.
    static func distance(_ lhs: String, _ rhs: String) -> Int {
        let a = Array(lhs)
        let b = Array(rhs)
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }

    private static func text(_ name: String, _ key: String, _ path: any WritableKeyPath<ReleaseDescription, String?> & Sendable) -> Field {
        Field(name: name, key: key) { (description, value, _) throws(WorkflowError) in description[keyPath: path] = value.isEmpty ? nil : value }
    }

    private static func list(_ name: String, _ key: String, _ path: any WritableKeyPath<ReleaseDescription, [String]> & Sendable) -> Field {
        Field(name: name, key: key) { (description, value, _) throws(WorkflowError) in
            description[keyPath: path] = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
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
