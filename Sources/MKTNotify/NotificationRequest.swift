import Foundation
import MKTHTTP

/// The pure part: the exact request (or command line) each kind of notifier
/// is sent for a notification. Nothing here does I/O.
public enum NotificationRequest {
    /// The HTTP request for a webhook kind; nil for `apprise`, which is a command (see `appriseArguments`).
    public static func http(_ notification: Notification, to notifier: Notifier) -> HTTPRequest? {
        let body: Data
        var headers: [(name: String, value: String)] = []
        switch notifier.kind {
        case .discord:
            body = discordBody(notification)
        case .json:
            body = jsonBody(notification)
        case .ntfy:
            body = Data(plainText(notification).utf8)
            headers = ntfyHeaders(notification)
        case .apprise:
            return nil
        }
        let contentType = notifier.kind == .ntfy ? "text/plain; charset=utf-8" : "application/json"
        let url = notifier.kind == .discord ? discordURL(notifier.url) : notifier.url
        var request = HTTPRequest(method: "POST", url: url, headers: headers, body: .data(body, contentType: contentType))
        // A notification is a courtesy: it must not hold a push up for long.
        request.connectTimeout = 5
        request.totalTimeout = 15
        request.maximumBodyBytes = 1 << 20
        return request
    }

    /// The message and the torrent's page, as ntfy's body and Apprise's `-b` carry it.
    public static func plainText(_ notification: Notification) -> String {
        guard let url = notification.url, !notification.message.contains(url) else { return notification.message }
        return "\(notification.message)\n\(url)"
    }

    /// The documented JSON object: event, tracker, release, outcome, message,
    /// url (null when there is none) and time (RFC 3339, UTC); keys sorted.
    public static func jsonBody(_ notification: Notification) -> Data {
        let object: [String: Any] = [
            "event": notification.event.rawValue,
            "tracker": notification.tracker,
            "release": notification.release,
            "outcome": notification.outcome,
            "message": notification.message,
            "url": notification.url.map { $0 as Any } ?? NSNull(),
            "time": notification.timestamp,
        ]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }

    /// Discord's Execute Webhook JSON (discord/discord-api-docs,
    /// docs/resources/Webhook.md, "JSON/Form Params"): `content`, at most
    /// 2000 characters, and `allowed_mentions` with nothing to parse, so an
    /// `@everyone` in a release's name pings no one.
    public static func discordBody(_ notification: Notification) -> Data {
        let text = "**\(notification.title)**\n\(plainText(notification))"
        let object: [String: Any] = [
            "content": String(text.prefix(discordContentLimit)),
            "allowed_mentions": ["parse": [String]()],
        ]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }

    static let discordContentLimit = 2000

    /// The webhook's address with `wait=true` (the same page's "Query String
    /// Params"): without it Discord answers success even for a message it did
    /// not keep, and a lost notification would go unwarned.
    static func discordURL(_ url: String) -> String {
        guard var components = URLComponents(string: url), !(components.queryItems ?? []).contains(where: { $0.name == "wait" }) else { return url }
        components.queryItems = (components.queryItems ?? []) + [URLQueryItem(name: "wait", value: "true")]
        return components.string ?? url
    }

    /// ntfy's publish headers (binwiederhier/ntfy, docs/publish.md: "Message
    /// title", "Message priority", "Tags & emojis", "Click action"): a title,
    /// priority 3 (default) for a success and 4 (high) otherwise, an emoji
    /// tag, and the torrent's page to open on a tap. A title that is not
    /// ASCII is sent RFC 2047-encoded, as the same page allows.
    public static func ntfyHeaders(_ notification: Notification) -> [(name: String, value: String)] {
        let (priority, tag) = switch notification.event {
        case .success: ("3", "heavy_check_mark")
        case .failure: ("4", "no_entry")
        case .attention: ("4", "warning")
        }
        var headers: [(name: String, value: String)] = [
            ("Title", headerSafe(notification.title)),
            ("Priority", priority),
            ("Tags", "\(tag),mkt,\(notification.event.rawValue)"),
        ]
        if let url = notification.url, !url.contains(where: \.isNewline) { headers.append(("Click", url)) }
        return headers
    }

    /// `text` as one header line: ASCII as is, anything else (or a line break) as `=?UTF-8?B?…?=`.
    static func headerSafe(_ text: String) -> String {
        if text.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 && $0.value != 0x7F }) { return text }
        return "=?UTF-8?B?\(Data(text.utf8).base64EncodedString())?="
    }

    /// `apprise -t TITLE -b BODY URL` (the Apprise CLI's title and body options),
    /// after the program's own path.
    public static func appriseArguments(program: String, _ notification: Notification, to notifier: Notifier) -> [String] {
        [program, "-t", notification.title, "-b", plainText(notification), notifier.url]
    }
}
