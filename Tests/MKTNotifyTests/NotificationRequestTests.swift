import Foundation
import MKTConfig
import MKTHTTP
@testable import MKTNotify
import Testing

/// The exact bodies and headers each kind of notifier is sent.
struct NotificationRequestTests {
    static let time = Date(timeIntervalSince1970: 1_764_590_400)  // 2025-12-01T12:00:00Z
    static let success = Notification(event: .success, tracker: "red", release: "artist-album-2019-flac", outcome: "success",
                                      message: "success: https://red.example/torrents.php?torrentid=7; seeding in qbit",
                                      url: "https://red.example/torrents.php?torrentid=7", time: time)
    static let refused = Notification(event: .attention, tracker: "ops", release: "artist-album-2019-flac", outcome: "refused",
                                      message: "refused (local): the release type is a guess", time: time)

    static func text(_ request: HTTPRequest?) -> String? {
        guard case .data(let data, _)? = request?.body else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    @Test func theJSONObjectCarriesEveryFieldWithSortedKeys() {
        #expect(String(decoding: NotificationRequest.jsonBody(Self.success), as: UTF8.self)
            == #"{"event":"success","message":"success: https://red.example/torrents.php?torrentid=7; seeding in qbit","outcome":"success","release":"artist-album-2019-flac","time":"2025-12-01T12:00:00Z","tracker":"red","url":"https://red.example/torrents.php?torrentid=7"}"#)
        #expect(String(decoding: NotificationRequest.jsonBody(Self.refused), as: UTF8.self)
            == #"{"event":"attention","message":"refused (local): the release type is a guess","outcome":"refused","release":"artist-album-2019-flac","time":"2025-12-01T12:00:00Z","tracker":"ops","url":null}"#)
        let request = NotificationRequest.http(Self.success, to: Notifier(name: "hook", kind: .json, url: "https://hooks.example/x"))
        #expect(request?.method == "POST" && request?.url == "https://hooks.example/x")
        guard case .data(_, let type)? = request?.body else { Issue.record("no body"); return }
        #expect(type == "application/json")
    }

    @Test func discordGetsContentAndPingsNoOne() {
        let body = String(decoding: NotificationRequest.discordBody(Self.refused), as: UTF8.self)
        #expect(body == #"{"allowed_mentions":{"parse":[]},"content":"**mkt: artist-album-2019-flac on ops needs attention**\nrefused (local): the release type is a guess"}"#)
        // The page's address is in the summary already: not said twice.
        #expect(Self.text(NotificationRequest.http(Self.success, to: Notifier(name: "d", kind: .discord, url: "https://discord.example/api/webhooks/1/t")))?
            .components(separatedBy: "torrentid=7").count == 2)
        #expect(NotificationRequest.http(Self.refused, to: Notifier(name: "d", kind: .discord, url: "https://discord.example/api/webhooks/1/t"))?.url
            == "https://discord.example/api/webhooks/1/t?wait=true")
        #expect(NotificationRequest.discordURL("https://discord.example/api/webhooks/1/t?thread_id=5") == "https://discord.example/api/webhooks/1/t?thread_id=5&wait=true")
        #expect(NotificationRequest.discordURL("https://discord.example/api/webhooks/1/t?wait=false") == "https://discord.example/api/webhooks/1/t?wait=false")
        var long = Self.refused
        long.message = String(repeating: "x", count: 5000)
        let object = try? JSONSerialization.jsonObject(with: NotificationRequest.discordBody(long)) as? [String: Any]
        #expect((object?["content"] as? String)?.count == 2000)
    }

    @Test func ntfyGetsTextWithTitlePriorityTagsAndClick() {
        let request = NotificationRequest.http(Self.success, to: Notifier(name: "phone", kind: .ntfy, url: "https://ntfy.example/mkt-topic"))
        #expect(request.map { $0.headers.map { "\($0.name): \($0.value)" } } == [
            "Title: mkt: artist-album-2019-flac uploaded to red", "Priority: 3", "Tags: heavy_check_mark,mkt,success",
            "Click: https://red.example/torrents.php?torrentid=7",
        ])
        #expect(Self.text(request) == Self.success.message)
        guard case .data(_, let type)? = request?.body else { Issue.record("no body"); return }
        #expect(type == "text/plain; charset=utf-8")
        var failed = Self.refused
        failed.event = .failure
        failed.release = "björk-album"
        #expect(NotificationRequest.ntfyHeaders(failed).map { "\($0.name): \($0.value)" } == [
            "Title: =?UTF-8?B?\(Data("mkt: björk-album failed on ops".utf8).base64EncodedString())?=", "Priority: 4", "Tags: no_entry,mkt,failure",
        ])
        #expect(NotificationRequest.ntfyHeaders(Self.refused)[1...].map(\.value) == ["4", "warning,mkt,attention"])
    }

    @Test func appriseIsACommandLine() {
        let notifier = Notifier(name: "a", kind: .apprise, url: "tgram://token/chat")
        #expect(NotificationRequest.http(Self.refused, to: notifier) == nil)
        #expect(NotificationRequest.appriseArguments(program: "/usr/bin/apprise", Self.refused, to: notifier)
            == ["/usr/bin/apprise", "-t", "mkt: artist-album-2019-flac on ops needs attention", "-b", "refused (local): the release type is a guess", "tgram://token/chat"])
    }

    @Test func notifiersComeFromTheConfigAndErrorsNeverShowTheirAddress() throws {
        let config = try Config.parse("""
            [notify "phone"]
                url = https://ntfy.example/secret-topic
                kind = ntfy
                events = failure, attention
            [notify "all"]
                url = https://hooks.example/secret
                kind = json
            """, path: "config")
        try config.validate(.store)
        #expect(try Notifier.configured(config) == [
            Notifier(name: "all", kind: .json, url: "https://hooks.example/secret"),
            Notifier(name: "phone", kind: .ntfy, url: "https://ntfy.example/secret-topic", events: [.failure, .attention]),
        ])
        let noKind = try Config.parse("[notify \"x\"]\n    url = https://hooks.example/secret-token\n", path: "config")
        #expect(throws: NotifierConfigError(name: "x", problem: "has no kind (discord, ntfy, json or apprise)")) { try Notifier.configured(noKind) }
        let notWeb = try Config.parse("[notify \"x\"]\n    url = ftp://secret-token@host\n    kind = discord\n", path: "config")
        do {
            _ = try Notifier.configured(notWeb)
            Issue.record("an ftp address was taken")
        } catch {
            #expect("\(error)" == "notify.x: url is not an http(s) address (not shown: it holds a secret)")
        }
        let badEvent = try Config.parse("[notify \"x\"]\n    url = https://h.example/s\n    kind = json\n    events = success, sucess\n", path: "config")
        #expect(throws: ConfigError.self) { try badEvent.validate(.store) }
        #expect(try ConfigType.words(["success", "failure"]).parse(" failure ,success") == .words(["failure", "success"]))
        #expect(throws: ConfigType.Refusal.self) { try ConfigType.words(["success"]).parse("") }
    }
}
