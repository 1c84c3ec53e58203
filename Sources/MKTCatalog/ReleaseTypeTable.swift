import MKTMetadata

/// A site's `releasetype` form values, by mkt's release types. A type the
/// table leaves out is one the site does not have (RED has no Sampler).
public struct ReleaseTypeTable: Equatable, Sendable {
    public let ids: [ReleaseType: Int]

    public init(_ ids: [ReleaseType: Int]) {
        self.ids = ids
    }

    public func id(_ type: ReleaseType) -> Int? { ids[type] }

    /// `tracker.NAME.release-types`: a list `Album=1, EP=5, Live album=11`
    /// (names as mkt writes them, any case, `-` for a space), or the name of
    /// a built-in site whose table to take (`red`).
    public init(parsing text: String, key: String) throws(CatalogError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if !trimmed.contains("=") {
            guard let site = TrackerCatalog.builtIn.first(where: { $0.name == trimmed }) else {
                let names = TrackerCatalog.builtIn.map(\.name)
                throw .invalid(key: key, reason: "'\(trimmed)' is not a built-in site (\(names.joined(separator: ", "))) nor a list like Album=1, EP=5")
            }
            self = site.releaseTypes
            return
        }
        var ids: [ReleaseType: Int] = [:]
        for item in trimmed.split(separator: ",") {
            let parts = item.split(separator: "=", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let id = Int(parts[1]), id >= 0, id <= 1_000_000 else {
                throw .invalid(key: key, reason: "'\(item.trimmingCharacters(in: .whitespaces))' is not NAME=NUMBER")
            }
            guard let type = Self.releaseType(named: parts[0]) else {
                let names = ReleaseType.allCases.map(\.rawValue)
                let nearest = Suggestion.nearest(to: parts[0], in: names).map { "; did you mean \($0)?" } ?? " (known: \(names.joined(separator: ", ")))"
                throw .invalid(key: key, reason: "'\(parts[0])' is not a release type\(nearest)")
            }
            guard ids[type] == nil else { throw .invalid(key: key, reason: "\(type.rawValue) is given twice") }
            ids[type] = id
        }
        self.init(ids)
    }

    static func releaseType(named name: String) -> ReleaseType? {
        func folded(_ text: String) -> String { text.lowercased().replacingOccurrences(of: "-", with: " ") }
        return ReleaseType.allCases.first { folded($0.rawValue) == folded(name) }
    }
}
