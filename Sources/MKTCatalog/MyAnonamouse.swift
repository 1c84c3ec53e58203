import MKTHTTP
import MKTMetadata

// MyAnonamouse's facts. MAM publishes no upload API and its upload guide is
// for members only: each value here rests on third-party documents, named in
// Documentation/trackers.md.

extension FamilyDefaults {
    /// MAM: 225 characters per path in the torrent (H2OKing89/shelfr,
    /// docs/reference/trackers/mam.md); no release types, and no format or
    /// encoding fields in mkt's sense. Its list of allowed files is not in a
    /// public copy: OPS's list, which covers audiobooks and their extras, stands in.
    /// mkt never sends it a request, so the rate is a formality.
    static let mam = FamilyDefaults(
        pathLimit: 225, rateLimit: RateLimiter.Limit(requests: 1, window: .seconds(10)), releaseTypes: ReleaseTypeTable([:]),
        mediaNames: [:], allowedExtensions: ReleaseRules.opsExtensions,
        vocabulary: ReleaseRules.Vocabulary(formats: [], encodings: [], media: []))
}

extension TrackerSite {
    /// The web page a site without an upload API takes uploads at
    /// (MAM's `/tor/upload.php`, as H2OKing89/mk_torrent's
    /// src/mk_torrent/trackers/mam/adapter.py names it).
    public var manualUploadPage: String? { family == .mam ? "\(url)/tor/upload.php" : nil }

    /// A torrent's page on a site whose uploads are made by hand (MAM's `/t/ID`,
    /// the address Prowlarr-style indexers give for each of its torrents).
    public func manualTorrentPage(_ id: Int) -> String? { family == .mam ? "\(url)/t/\(id)" : nil }
}
