/// What a tracker needs in its torrents: the `source` flag in `info` and the
/// announce URL's shape. The passkey is filled in only when bytes leave mkt.
public struct TrackerProfile: Equatable, Sendable {
    public static let passkeyPlaceholder = "{passkey}"

    public let name: String
    public let source: String
    /// The announce URL with `{passkey}` where the user's passkey goes.
    public let announceTemplate: String
    /// Longest `folder/…/file` path the site accepts, in characters.
    public let maximumPathLength: Int?

    public init(name: String, source: String, announceTemplate: String, maximumPathLength: Int? = nil) {
        self.name = name
        self.source = source
        self.announceTemplate = announceTemplate
        self.maximumPathLength = maximumPathLength
    }

    /// The sites mkt knows out of the box (research/trackers.md §3.7, §6.1);
    /// `[tracker "name"]` sections in the config add others or override these.
    public static let builtIn: [TrackerProfile] = [
        TrackerProfile(name: "red", source: "RED", announceTemplate: "https://flacsfor.me/{passkey}/announce", maximumPathLength: 180),
        TrackerProfile(name: "ops", source: "OPS", announceTemplate: "https://home.opsfet.ch/{passkey}/announce", maximumPathLength: 255),
        TrackerProfile(name: "dic", source: "DICMusic", announceTemplate: "https://tracker.52dic.vip/{passkey}/announce", maximumPathLength: 255),
    ]

    public func announceURL(passkey: String) -> String {
        announceTemplate.replacingOccurrences(of: Self.passkeyPlaceholder, with: passkey)
    }
}
