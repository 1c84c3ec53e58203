import Foundation
@testable import MKTHTTP
@testable import MKTNotify
@testable import MKTSubprocess
import MKTTestSupport
import Synchronization
import Testing

/// Retries, Retry-After, the rate limit and Apprise, on a test clock and a scripted transport.
struct NotificationSenderTests {
    static let notifier = Notifier(name: "hook", kind: .json, url: "https://hooks.example/secret-token")
    static let notification = NotificationRequestTests.refused

    static func sender(_ transport: ScriptedTransport, clock: TestClock, directory: String, apprise: String? = nil,
                       runChild: @escaping @Sendable (ChildProcess) throws(ChildProcessError) -> ChildProcess.Result = { _ throws(ChildProcessError) in
                           ChildProcess.Result(status: 0, standardOutput: Data(), standardError: Data(), timedOut: false)
                       }) -> NotificationSender {
        NotificationSender(transport: transport, limiter: { [clock] notifier in
            RateLimiter(statePath: "\(directory)/notify-\(notifier.name)", limit: NotificationSender.limit, now: { clock.now() }, sleep: { clock.sleep($0) })
        }, sleep: { [clock] in clock.sleep($0) }, apprise: apprise, runChild: runChild)
    }

    @Test func serverErrorsAreRetriedWithBackoffAndRetryAfterIsHonoured() throws {
        try withTemporaryDirectory { directory in
            let transport = ScriptedTransport()
            transport.queue("POST ", .status(500), .status(429, headers: ["Retry-After": "7"]), .status(204))
            let clock = TestClock()
            #expect(Self.sender(transport, clock: clock, directory: directory).send(Self.notification, to: Self.notifier) == nil)
            #expect(transport.sent.count == 3)
            // 1 s after the 500; 7 s as the 429 asked (the limiter's block is the same pause, already past).
            #expect(clock.slept.map(\.inSeconds) == [1, 7])
        }
    }

    @Test func aNotifierThatKeepsFailingIsOneFailureNamingItAndItsStatus() throws {
        try withTemporaryDirectory { directory in
            let transport = ScriptedTransport()
            transport.always("POST ", .status(503))
            let clock = TestClock()
            let failure = Self.sender(transport, clock: clock, directory: directory).send(Self.notification, to: Self.notifier)
            #expect(failure?.description == "notification to hook not sent: HTTP 503")
            #expect(transport.sent.count == 1 + NotificationSender.retries)
            #expect(clock.slept.map(\.inSeconds) == [1, 2])
            #expect(!(failure?.description.contains("secret-token") ?? true))
        }
    }

    @Test func aRefusalIsNotRetriedAndALongRetryAfterIsNotWaitedFor() throws {
        try withTemporaryDirectory { directory in
            let transport = ScriptedTransport()
            transport.queue("POST ", .status(404), .status(429, headers: ["Retry-After": "600"]))
            let clock = TestClock()
            let sender = Self.sender(transport, clock: clock, directory: directory)
            #expect(sender.send(Self.notification, to: Self.notifier)?.reason == "HTTP 404")
            #expect(sender.send(Self.notification, to: Self.notifier)?.reason == "HTTP 429, asked to wait longer than 30 s")
            #expect(transport.sent.count == 2 && clock.slept.isEmpty)
        }
    }

    @Test func aLostConnectionIsRetriedAndNamedByHostOnly() throws {
        try withTemporaryDirectory { directory in
            let transport = ScriptedTransport()
            transport.always("POST ", .refused)
            let failure = Self.sender(transport, clock: TestClock(), directory: directory).send(Self.notification, to: Self.notifier)
            #expect(transport.sent.count == 3)
            #expect(failure?.reason.contains("hooks.example") == true && failure?.reason.contains("secret-token") == false, "\(String(describing: failure))")
        }
    }

    @Test func eachNotifierKeepsFivePerTenSeconds() throws {
        try withTemporaryDirectory { directory in
            let transport = ScriptedTransport()
            transport.always("POST ", .status(200))
            let clock = TestClock()
            let sender = Self.sender(transport, clock: clock, directory: directory)
            for _ in 0..<6 { #expect(sender.send(Self.notification, to: [Self.notifier]).isEmpty) }
            #expect(transport.sent.count == 6)
            // The sixth waited for the first to leave the window (plus the limiter's arrival margin).
            #expect(clock.slept.count == 1 && clock.slept[0].inSeconds > 10 && clock.slept[0].inSeconds <= 10.2, "\(clock.slept)")
        }
    }

    @Test func onlyTheNotifiersConfiguredForTheEventAreTold() throws {
        try withTemporaryDirectory { directory in
            let transport = ScriptedTransport()
            transport.always("POST ", .status(200))
            let quiet = Notifier(name: "quiet", kind: .json, url: "https://quiet.example/x", events: [.failure])
            let loud = Notifier(name: "loud", kind: .ntfy, url: "https://loud.example/x")
            #expect(Self.sender(transport, clock: TestClock(), directory: directory).send(Self.notification, to: [quiet, loud]).isEmpty)
            #expect(transport.sent.map(\.url) == ["https://loud.example/x"])
            #expect(NotificationSender.stateFileName(Notifier(name: "../my phone", kind: .ntfy, url: "https://x.example/t")) == "notify-%2E%2E%2Fmy%20phone")
        }
    }

    @Test func appriseRunsAsAChildOrIsReportedMissing() throws {
        try withTemporaryDirectory { directory in
            let apprise = Notifier(name: "tg", kind: .apprise, url: "tgram://secret/chat")
            let missing = Self.sender(ScriptedTransport(), clock: TestClock(), directory: directory)
            #expect(missing.send(Self.notification, to: apprise)?.description == "notification to tg not sent: the apprise command is not installed")
            let ran = Mutex<[[String]]>([])
            let failing = Self.sender(ScriptedTransport(), clock: TestClock(), directory: directory, apprise: "/opt/apprise") { child throws(ChildProcessError) in
                ran.withLock { $0.append(child.arguments) }
                return ChildProcess.Result(status: 1, standardOutput: Data(), standardError: Data(), timedOut: false)
            }
            #expect(failing.send(Self.notification, to: apprise)?.reason == "apprise exited with status 1")
            #expect(ran.withLock { $0 }.map(\.first) == ["/opt/apprise"])
        }
    }

    /// A real child: a stand-in `apprise` script that writes down its arguments.
    @Test func appriseGetsTitleBodyAndURLAsArguments() throws {
        try withTemporaryDirectory { directory in
            let script = "\(directory)/apprise"
            try Data("#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > \"\(directory)/arguments\"\n".utf8).write(to: URL(fileURLWithPath: script))
            chmod(script, 0o755)
            #expect(NotificationSender.findApprise(path: "/nonexistent:\(directory)") == script)
            let sender = NotificationSender(transport: ScriptedTransport(), stateDirectory: directory, apprise: script)
            #expect(sender.send(Self.notification, to: Notifier(name: "tg", kind: .apprise, url: "tgram://secret/chat")) == nil)
            #expect(try String(contentsOfFile: "\(directory)/arguments", encoding: .utf8)
                == "-t\nmkt: artist-album-2019-flac on ops needs attention\n-b\nrefused (local): the release type is a guess\ntgram://secret/chat\n")
        }
    }
}
