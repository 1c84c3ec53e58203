import MKTMetadata
import MKTHTTP

extension FamilyDefaults {
    /// UNIT3D sites: no release types (category and type ids are each site's,
    /// from the config), OPS's file list, and a cautious rate.
    static let unit3d = FamilyDefaults(
        pathLimit: 255, rateLimit: RateLimiter.Limit(requests: 30, window: .seconds(60)), releaseTypes: ReleaseTypeTable([:]),
        mediaNames: [:], allowedExtensions: ReleaseRules.opsExtensions,
        // UNIT3D's form has no format, encoding or media field: the name and description carry them.
        vocabulary: ReleaseRules.Vocabulary(formats: [], encodings: [], media: []))
}
