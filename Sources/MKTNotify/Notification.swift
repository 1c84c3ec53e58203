import Foundation

/// What a notifier can be told of: a push's upload taken, refused by the
/// site or failed, or one a person should look at (its outcome unknown,
/// refused before asking, uploaded but not seeding).
public enum NotificationEvent: String, CaseIterable, Sendable {
    case success, failure, attention
}

/// One notification, the same facts for every kind of notifier. Its text is
/// already redacted by the caller (the command knows the secrets).
public struct Notification: Equatable, Sendable {
    public var event: NotificationEvent
    public var tracker: String
    public var release: String
    /// The receipt's outcome word (`success`, `rejected`, `outcome-unknown`…), or `refused` for a local refusal.
    public var outcome: String
    /// The one-line summary `mkt push` prints for the pair.
    public var message: String
    /// The torrent's page on the site, when there is one.
    public var url: String?
    public var time: Date

    public init(event: NotificationEvent, tracker: String, release: String, outcome: String, message: String, url: String? = nil, time: Date) {
        self.event = event
        self.tracker = tracker
        self.release = release
        self.outcome = outcome
        self.message = message
        self.url = url
        self.time = time
    }

    /// A short headline: what happened to which release where.
    public var title: String {
        switch event {
        case .success: "mkt: \(release) uploaded to \(tracker)"
        case .failure: "mkt: \(release) failed on \(tracker)"
        case .attention: "mkt: \(release) on \(tracker) needs attention"
        }
    }

    /// `time` as RFC 3339 UTC with seconds, as the JSON body and Discord's embed timestamp carry it.
    public var timestamp: String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: time)
    }
}
