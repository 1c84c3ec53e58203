import Foundation
import MKTHTTP
import MKTSubprocess

/// Sends notifications, one notifier at a time, within each notifier's rate
/// limit, retrying a 429, a 5xx or a lost connection a few times. It never
/// throws: a notification that could not be delivered comes back as a
/// `NotificationFailure` for the caller to warn about, and the push it is
/// about stands as it is.
public struct NotificationSender: Sendable {
    /// 5 per 10 s per notifier. Discord does not publish a fixed number for
    /// webhooks (its limits come in each answer's X-RateLimit headers and a
    /// 429's Retry-After, both honoured below); 5 in 10 s stays clear of it
    /// and of ntfy's burst for a visitor.
    public static let limit = RateLimiter.Limit(requests: 5, window: .seconds(10))
    /// Attempts after the first.
    public static let retries = 2
    static let backoff = Duration.seconds(1)
    /// A Retry-After longer than this is not waited for: the notification is given up.
    public static let longestWait = Duration.seconds(30)
    static let appriseTimeout: TimeInterval = 30

    let transport: any HTTPTransport
    let limiter: @Sendable (Notifier) -> RateLimiter
    let sleep: @Sendable (Duration) -> Void
    /// The `apprise` program's path, when it is installed.
    let apprise: String?
    let runChild: @Sendable (ChildProcess) throws(ChildProcessError) -> ChildProcess.Result

    /// - Parameter stateDirectory: where each notifier's rate-limit state lives (`notify-NAME`).
    public init(transport: any HTTPTransport, stateDirectory: String, apprise: String? = Self.findApprise()) {
        self.init(transport: transport, limiter: { RateLimiter(statePath: "\(stateDirectory)/\(Self.stateFileName($0))", limit: Self.limit) },
                  sleep: { _ = Interruption.sleep(Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18) },
                  apprise: apprise, runChild: { child throws(ChildProcessError) in try child.run() })
    }

    init(transport: any HTTPTransport, limiter: @escaping @Sendable (Notifier) -> RateLimiter, sleep: @escaping @Sendable (Duration) -> Void,
         apprise: String?, runChild: @escaping @Sendable (ChildProcess) throws(ChildProcessError) -> ChildProcess.Result) {
        self.transport = transport
        self.limiter = limiter
        self.sleep = sleep
        self.apprise = apprise
        self.runChild = runChild
    }

    /// `notify-NAME`, the name percent-encoded: a NAME is any text, and neither `/` nor `..` may lead out of the directory.
    static func stateFileName(_ notifier: Notifier) -> String {
        "notify-" + (notifier.name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "unnamed")
    }

    /// Sends `notification` to every notifier configured for its event.
    public func send(_ notification: Notification, to notifiers: [Notifier]) -> [NotificationFailure] {
        notifiers.filter { $0.events.contains(notification.event) }.compactMap { send(notification, to: $0) }
    }

    /// Sends one notification; nil when it was delivered.
    public func send(_ notification: Notification, to notifier: Notifier) -> NotificationFailure? {
        guard let request = NotificationRequest.http(notification, to: notifier) else { return runApprise(notification, notifier) }
        let limiter = limiter(notifier)
        var attempt = 0
        while true {
            do {
                try limiter.acquire()
            } catch {
                return NotificationFailure(notifier: notifier.name, reason: error.isInterruption ? "stopped before it was sent" : "its rate limit could not be kept: \(error)")
            }
            let pause: Duration
            let reason: String
            do {
                let response = try transport.send(request)
                if (200..<300).contains(response.status) { return nil }
                reason = "HTTP \(response.status)"
                guard response.status == 429 || (500..<600).contains(response.status) else { return NotificationFailure(notifier: notifier.name, reason: reason) }
                let asked = response.header("Retry-After").flatMap { RetryAfter.delay($0) }.map { Duration.milliseconds(Int64($0 * 1000)) }
                if let asked, asked > Self.longestWait { return NotificationFailure(notifier: notifier.name, reason: "\(reason), asked to wait longer than \(Self.longestWait.components.seconds) s") }
                if response.status == 429, let asked { try? limiter.block(for: asked) }
                pause = asked ?? Self.backoff * (1 << attempt)
            } catch {
                // Named by host only: the path holds the webhook's token.
                reason = "\(error)"
                pause = Self.backoff * (1 << attempt)
            }
            guard attempt < Self.retries, !Interruption.requested else { return NotificationFailure(notifier: notifier.name, reason: reason) }
            attempt += 1
            sleep(pause)
        }
    }

    private func runApprise(_ notification: Notification, _ notifier: Notifier) -> NotificationFailure? {
        guard let apprise else { return NotificationFailure(notifier: notifier.name, reason: "the apprise command is not installed") }
        let child = ChildProcess(NotificationRequest.appriseArguments(program: apprise, notification, to: notifier),
                                 environment: Self.appriseEnvironment, standardOutput: .discard, timeout: Self.appriseTimeout)
        do {
            let result = try runChild(child)
            if result.timedOut { return NotificationFailure(notifier: notifier.name, reason: "apprise did not finish in \(Int(Self.appriseTimeout)) s") }
            return result.status == 0 ? nil : NotificationFailure(notifier: notifier.name, reason: "apprise exited with status \(result.status)")
        } catch {
            return NotificationFailure(notifier: notifier.name, reason: "apprise could not be run: \(error)")
        }
    }

    /// PATH, HOME (Apprise's own config lives there) and the locale; none of mkt's secret variables.
    static var appriseEnvironment: [String: String] {
        let own = ProcessInfo.processInfo.environment
        return ["PATH": own["PATH"] ?? "/usr/bin:/bin", "HOME": own["HOME"] ?? "/", "LANG": "C.UTF-8"]
    }

    /// `apprise` on PATH, or nil.
    public static func findApprise(path: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        ChildProcess.executable(named: "apprise", searchPath: path)
    }
}

/// A notification that did not reach its notifier: which one (by name, never
/// its address) and why (the HTTP status, or what went wrong).
public struct NotificationFailure: Error, Equatable, Sendable, CustomStringConvertible {
    public let notifier: String
    public let reason: String

    public var description: String { "notification to \(notifier) not sent: \(reason)" }
}
