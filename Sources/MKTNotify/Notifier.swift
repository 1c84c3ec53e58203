import Foundation
import MKTConfig

/// A `[notify "NAME"]` section: where to send, in which form, for which events.
/// `url` holds a token (a Discord webhook's, an ntfy topic, an Apprise
/// service's key): it is a secret, and nothing here prints it; errors and
/// warnings name the notifier by `name`.
public struct Notifier: Equatable, Sendable {
    public enum Kind: String, Sendable {
        case discord, ntfy, json, apprise
    }

    public var name: String
    public var kind: Kind
    public var url: String
    public var events: Set<NotificationEvent>

    public init(name: String, kind: Kind, url: String, events: Set<NotificationEvent> = Set(NotificationEvent.allCases)) {
        self.name = name
        self.kind = kind
        self.url = url
        self.events = events
    }

    /// Every notifier the config sets up, by name.
    /// - Throws: `NotifierConfigError` for a section without `url` or `kind`,
    ///   or a webhook address that is not http(s) (named by key, never shown);
    ///   `ConfigError` for an `events` word mkt does not know.
    public static func configured(_ config: Config) throws -> [Notifier] {
        try config.subsections(of: "notify").map { name in
            guard let url = try config.string("notify", "url", subsection: name), !url.isEmpty else { throw NotifierConfigError(name: name, problem: "has no url") }
            guard let kindWord = try config.string("notify", "kind", subsection: name), let kind = Kind(rawValue: kindWord) else {
                throw NotifierConfigError(name: name, problem: "has no kind (discord, ntfy, json or apprise)")
            }
            if kind != .apprise, !Self.isWebAddress(url) {
                throw NotifierConfigError(name: name, problem: "url is not an http(s) address (not shown: it holds a secret)")
            }
            let words = try config.words("notify", "events", subsection: name) ?? NotificationEvent.allCases.map(\.rawValue)
            return Notifier(name: name, kind: kind, url: url, events: Set(words.compactMap(NotificationEvent.init(rawValue:))))
        }
    }

    static func isWebAddress(_ text: String) -> Bool {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(), let host = components.host else { return false }
        return (scheme == "http" || scheme == "https") && !host.isEmpty
    }
}

/// A `[notify "NAME"]` section mkt cannot use; its url is never part of the message.
public struct NotifierConfigError: Error, Equatable, CustomStringConvertible {
    public let name: String
    public let problem: String

    public var description: String { "notify.\(name): \(problem)" }
}
