import MKTHTTP

/// The web services mkt asks, each with its public address and the rate its
/// terms allow (`source.NAME.url` and `source.NAME.rate-limit` override them).
public enum WebSource: String, CaseIterable, Sendable {
    case musicbrainz, coverartarchive, discogs, lastfm, audible, audnexus, ptpimg

    public var address: String {
        switch self {
        case .musicbrainz: "https://musicbrainz.org"
        case .coverartarchive: "https://coverartarchive.org"
        case .discogs: "https://api.discogs.com"
        case .lastfm: "https://ws.audioscrobbler.com"
        case .audible: "https://api.audible.com"
        case .audnexus: "https://api.audnex.us"
        case .ptpimg: "https://ptpimg.me"
        }
    }

    /// MusicBrainz asks for one request a second; Discogs allows 60 a minute with a token.
    public var limit: RateLimiter.Limit {
        switch self {
        case .musicbrainz, .ptpimg: RateLimiter.Limit(requests: 1, window: .seconds(1))
        case .coverartarchive, .lastfm: RateLimiter.Limit(requests: 5, window: .seconds(1))
        case .discogs: RateLimiter.Limit(requests: 60, window: .seconds(60))
        case .audible, .audnexus: RateLimiter.Limit(requests: 2, window: .seconds(1))
        }
    }
}
