import Foundation
import MKTTestSupport
import Testing

/// `mkt push` tells the configured webhooks, and one that fails is a warning, not a failed push.
@Suite(.enabled(if: AudioFixtures.available && FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"), "the audio encoders, mutagen or curl are missing (scripts/apt-deps.sh test installs them)"))
struct NotifyJourneyTests {
    @Test func aPushPostsItsResultAndAFailingWebhookIsOneWarning() throws {
        try withTemporaryDirectory { directory in
            let world = try TrackerWorld(directory)
            let red = try FakeTracker(site: "red")
            try world.appendConfig(red.configSection())
            let receiver = try LocalServer.http()
            try world.appendConfig("""
                [notify "receiver"]
                    url = \(receiver.baseURL)/record/hook-token-0123456789
                    kind = json
                [notify "broken"]
                    url = \(receiver.baseURL)/record/broken-token-0123456789?status=500
                    kind = json
                    events = success
                [notify "failures-only"]
                    url = \(receiver.baseURL)/record/quiet-token-0123456789
                    kind = ntfy
                    events = failure

                """)
            let release = try WorkflowJourneyTests.addAlbums(1, to: world)[0]
            let pushed = try world.mkt(["push", "red"])
            #expect(pushed.status == 0, "\(pushed)")
            #expect(pushed.stderr == "warning: notification to broken not sent: HTTP 500\n", "\(pushed)")
            #expect(!pushed.stdout.contains("token") && !pushed.stderr.contains("token"))

            let posts = try receiver.recorded()
            // By name: the broken one three times (two retries), the failures-only one not at all, the receiver once.
            #expect(posts.map { $0["path"] as? String } == Array(repeating: "/record/broken-token-0123456789", count: 3) + ["/record/hook-token-0123456789"], "\(posts)")
            let body = try #require((posts.last?["body"] as? String).map { Data($0.utf8) })
            let object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
            #expect(Set(object.keys) == ["event", "tracker", "release", "outcome", "message", "url", "time"])
            #expect(object["event"] as? String == "success" && object["tracker"] as? String == "red" && object["release"] as? String == release)
            #expect(object["outcome"] as? String == "success")
            let url = try #require(object["url"] as? String)
            #expect(url.hasPrefix(red.url) && url.contains("torrentid="), "\(object)")
            #expect((object["message"] as? String)?.hasPrefix("success") == true)
            #expect((object["time"] as? String)?.hasSuffix("Z") == true)
            #expect((posts.last?["headers"] as? [String: String])?["content-type"] == "application/json")

            // Nothing new to push: up to date, nobody told.
            #expect(try world.mkt(["push", "red"]).status == 0)
            #expect(try receiver.recorded().count == 4)
        }
    }
}

/// `mkt notify` lists the notifiers without their addresses and sends test messages.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"), "curl is missing (scripts/apt-deps.sh test installs it)"))
struct NotifyCommandJourneyTests {
    @Test func listsWithoutAddressesAndTestsEachNotifier() throws {
        try withTemporaryDirectory { directory in
            let world = try TrackerWorld(directory, credentialHelper: false)
            let receiver = try LocalServer.http()
            try world.appendConfig("""
                [notify "phone"]
                    url = \(receiver.baseURL)/record/phone-token-0123456789
                    kind = ntfy
                    events = failure, attention
                [notify "gone"]
                    url = \(receiver.baseURL)/record/gone-token-0123456789?status=404
                    kind = discord

                """)
            let listed = try world.mkt(["notify"])
            #expect(listed.status == 0 && listed.stdout == "gone discord success,failure,attention\nphone ntfy failure,attention\n", "\(listed)")

            let sent = try world.mkt(["notify", "--test", "phone"])
            #expect(sent.status == 0 && sent.stdout == "phone: sent\n" && sent.stderr.isEmpty, "\(sent)")
            let post = try #require(try receiver.recorded().last)
            #expect(post["body"] as? String == "A test message from mkt notify --test: this notifier works.")
            let headers = post["headers"] as? [String: String]
            #expect(headers?["title"] == "mkt: test on test needs attention" && headers?["tags"] == "warning,mkt,attention" && headers?["priority"] == "4")

            let both = try world.mkt(["notify", "--test"])
            #expect(both.status == 1, "\(both)")
            #expect(both.stdout == "phone: sent\n" && both.stderr == "warning: notification to gone not sent: HTTP 404\n", "\(both)")
            #expect(!both.stderr.contains("token") && !listed.stdout.contains("token"))

            let unknown = try world.mkt(["notify", "--test", "phon"])
            #expect(unknown.status == 64 && unknown.stderr.hasPrefix("error: no [notify \"phon\"] in the config; did you mean phone?"), "\(unknown)")
        }
    }
}
