import Foundation
import MKTMetadata

/// `FIELD=VALUE` changes to a release description, as `mkt add --meta` and
/// `mkt edit` take them. Fields are the meta JSON's keys, in camelCase or
/// kebab-case (`release-type`, `catalogue-number`); lists are
/// comma-separated; an empty value clears the field.
public enum MetaEdit {
    /// The fields a user may set: the album-level facts, not what mkt derives.
    public static let fields = [
        "artists", "title", "year", "originalYear", "label", "catalogueNumber", "barcode", "mbid", "genres", "tags", "format", "encoding",
        "media", "releaseType", "category", "author", "narrator", "series", "asin", "cover", "coverURL",
    ]

    public static func apply(_ assignments: [String], to description: ReleaseDescription) throws(WorkflowError) -> ReleaseDescription {
        guard !assignments.isEmpty else { return description }
        let encoder = JSONEncoder()
        guard let data = try? encoder.encode(description), var json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw .badMetaField("", reason: "the description cannot be edited")
        }
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "=") else {
                throw .badMetaField(assignment, reason: "expected FIELD=VALUE")
            }
            let name = String(assignment[..<equals])
            let value = TextSanitizer.clean(String(assignment[assignment.index(after: equals)...]))
            let field = camelCase(name)
            guard fields.contains(field) else {
                throw .badMetaField(name, reason: "not a field mkt lets you set (fields: \(fields.map(kebabCase).joined(separator: ", ")))")
            }
            switch field {
            case "artists", "genres", "tags":
                json[field] = value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            case "year", "originalYear":
                if value.isEmpty {
                    json[field] = nil
                } else {
                    guard let year = Int(value), (1000...9999).contains(year) else { throw .badMetaField(name, reason: "'\(value)' is not a year") }
                    json[field] = year
                }
            case "mbid":
                guard value.isEmpty || MusicBrainzID.isValid(value) else { throw .badMetaField(name, reason: "'\(value)' is not a MusicBrainz release id") }
                json[field] = value.isEmpty ? nil : value.lowercased()
            case "media":
                // The names mkt stores; the adapters turn BD into Blu-Ray where a site says so.
                let names = ["CD", "WEB", "Vinyl", "DVD", "BD", "Soundboard", "SACD", "DAT", "Cassette"]
                guard value.isEmpty || names.contains(where: { $0.lowercased() == value.lowercased() || (value.lowercased() == "blu-ray" && $0 == "BD") }) else {
                    throw .badMetaField(name, reason: "'\(value)' is not a media (\(names.joined(separator: ", ")))")
                }
                json[field] = value.isEmpty ? nil : names.first { $0.lowercased() == value.lowercased() } ?? "BD"
            case "releaseType":
                guard let type = ReleaseType.allCases.first(where: { $0.rawValue.lowercased() == value.lowercased() }) else {
                    throw .badMetaField(name, reason: "'\(value)' is not a release type (\(ReleaseType.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                json[field] = type.rawValue
            default:
                json[field] = value.isEmpty ? nil : value
            }
        }
        guard let edited = try? JSONSerialization.data(withJSONObject: json), var result = try? JSONDecoder().decode(ReleaseDescription.self, from: edited) else {
            throw .badMetaField(assignments.joined(separator: " "), reason: "the edited description does not hold together")
        }
        if assignments.contains(where: { camelCase(String($0.prefix { $0 != "=" })) == "artists" }) {
            result.artistRoles["main"] = result.artists
        }
        return result
    }

    static func camelCase(_ name: String) -> String {
        let parts = name.split(separator: "-")
        guard let first = parts.first else { return name }
        return String(first) + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    static func kebabCase(_ name: String) -> String {
        name.reduce(into: "") { out, character in
            if character.isUppercase { out += "-" + character.lowercased() } else { out.append(character) }
        }
    }
}
