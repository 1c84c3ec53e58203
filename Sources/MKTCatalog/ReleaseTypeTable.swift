import MKTConfig
import MKTMetadata

/// A site's `releasetype` form values, by mkt's release types. A type the
/// table leaves out is one the site does not have (RED has no Sampler).
public struct ReleaseTypeTable: Equatable, Sendable {
    public let ids: [ReleaseType: Int]

    public init(_ ids: [ReleaseType: Int]) {
        self.ids = ids
    }

    public func id(_ type: ReleaseType) -> Int? { ids[type] }

    /// `tracker.NAME.release-types` as the config read it: the name of a
    /// built-in site whose table to take (`red`), or the site's own numbers
    /// by mkt's release type names (any case, `-` for a space).
    public init(_ setting: ReleaseTypes, key: String) throws(CatalogError) {
        switch setting {
        case .site(let name):
            guard let site = TrackerCatalog.builtIn.first(where: { $0.name == name }) else {
                let names = TrackerCatalog.builtIn.map(\.name)
                throw .invalid(key: key, reason: "'\(name)' is not a built-in site (\(names.joined(separator: ", "))) nor a list like Album=1, EP=5")
            }
            self = site.releaseTypes
        case .ids(let pairs):
            var ids: [ReleaseType: Int] = [:]
            for pair in pairs {
                guard let type = Self.releaseType(named: pair.name) else {
                    let names = ReleaseType.allCases.map(\.rawValue)
                    let nearest = Suggestion.closest(to: pair.name, among: names).map { "; did you mean \($0)?" } ?? " (known: \(names.joined(separator: ", ")))"
                    throw .invalid(key: key, reason: "'\(pair.name)' is not a release type\(nearest)")
                }
                guard ids[type] == nil else { throw .invalid(key: key, reason: "\(type.rawValue) is given twice") }
                ids[type] = pair.id
            }
            self.init(ids)
        }
    }

    static func releaseType(named name: String) -> ReleaseType? {
        func folded(_ text: String) -> String { text.lowercased().replacingOccurrences(of: "-", with: " ") }
        return ReleaseType.allCases.first { folded($0.rawValue) == folded(name) }
    }
}
