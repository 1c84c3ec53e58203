import Foundation
import MKTCatalog
import MKTCrypto
import MKTHTTP
import MKTStore

/// One account on one site. Every request, JSON or HTML, lookup or upload,
/// waits for the rate limiter that all mkt processes share for this
/// (site, account), carries the credential, and is counted. The connection
/// also knows the account's secrets (the credential, and what the site tells:
/// passkey, authkey, RSS key), so that no site message quoting one is kept.
public final class TrackerConnection {
    public let site: TrackerSite
    let transport: any HTTPTransport
    let limiter: RateLimiter
    private let credential: String
    /// Secrets the site told; each also went to `onSecrets`.
    private var learntSecrets: [String] = []
    private let onSecrets: ([String]) -> Void
    /// Total time allowed for one exchange (the site's `timeout`).
    var timeout: TimeInterval

    public private(set) var requests = 0
    public private(set) var rateLimitWait = Duration.zero
    /// Told of each wait and each exchange as they happen (a push's live lines and --verbose).
    public var observe: @Sendable (ConnectionEvent) -> Void = { _ in }

    /// Rate-limit answers to a lookup are waited out and the lookup sent again this often.
    static let rateLimitRetries = 3
    /// A site asking for a longer pause than this is not waited for inside one attempt.
    static let longestWait: TimeInterval = 60

    /// - Parameters:
    ///   - limiter: the limiter shared by every process using this (site, account).
    ///   - transport: libcurl's `HTTPClient`, or a test's scripted transport.
    ///   - protect: receives each secret the site tells before mkt uses it, for the redaction layer.
    public init(site: TrackerSite, credential: String, limiter: RateLimiter, transport: any HTTPTransport, protect: @escaping ([String]) -> Void) {
        self.site = site
        self.timeout = site.timeout
        self.credential = credential
        self.transport = transport
        self.limiter = limiter
        self.onSecrets = protect
    }

    /// - Parameter stateDirectory: where the rate limiter keeps its state (one file per site and account).
    public convenience init(site: TrackerSite, credential: String, stateDirectory: String, transport: any HTTPTransport, protect: @escaping ([String]) -> Void) {
        let limiter = RateLimiter(statePath: "\(stateDirectory)/\(site.name)-\(Self.fingerprint(credential).dropFirst(7))", limit: site.rateLimit)
        self.init(site: site, credential: credential, limiter: limiter, transport: transport, protect: protect)
    }

    /// Records secrets the site told (and hands them to the redaction layer) before they are used.
    public func protect(_ secrets: [String]) {
        learntSecrets += secrets
        onSecrets(secrets)
    }

    /// `text` without the credential or any secret the site told, in any form the redactor knows.
    func redact(_ text: String) -> String {
        SecretRedactor(secrets: [credential] + learntSecrets).redact(text)
    }

    /// Names a key without giving it away: `sha256:` and 16 hex digits of a hash of it.
    public static func fingerprint(_ credential: String) -> String {
        "sha256:" + Hex.encode(DigestAlgorithm.sha256.digest(Array("mkt credential\n\(credential)".utf8))).prefix(16)
    }

    public var keyFingerprint: String { Self.fingerprint(credential) }

    var authorization: (name: String, value: String) {
        switch site.family {
        case .red: ("Authorization", credential)
        case .ops: ("Authorization", "token \(credential)")
        case .dic: ("Cookie", credential.contains("=") ? credential : "session=\(credential)")
        case .unit3d: ("Authorization", "Bearer \(credential)")
        // Never sent: the manual adapter makes no request (MAM's session is a cookie).
        case .mam: ("Cookie", credential)
        }
    }

    /// `site.url` + `path` (which starts with `/`) + the query, encoded.
    /// - Throws: `.local` naming the site's URL when it is not one (it comes from the config).
    public func url(_ path: String, query: [(String, String)] = []) throws(TrackerError) -> String {
        guard var components = URLComponents(string: site.url + path) else {
            throw .local("tracker \(site.name): url '\(site.url)' is not a URL")
        }
        if !query.isEmpty { components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) } }
        // URLComponents leaves `+` alone, which a PHP server reads as a space.
        components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        guard let url = components.string else { throw .local("tracker \(site.name): url '\(site.url)' is not a URL") }
        return url
    }

    /// Sends one request within the rate limit.
    /// - Parameter idempotent: a lookup, safe to send again. A rate-limit
    ///   answer to it is waited out (up to three times); for an upload it is
    ///   an error, so that every upload attempt gets its own receipt.
    /// - Throws: `.network` when nothing came back (outcome unknown unless
    ///   the request is idempotent or never left), `.rateLimit`, `.local`.
    public func send(_ request: HTTPRequest, idempotent: Bool) throws(TrackerError) -> HTTPResponse {
        var request = request
        request.headers.append(authorization)
        request.totalTimeout = timeout
        var tries = 0
        let bytes = request.body.byteCount
        let shown = Self.shownRequest(method: request.method, url: request.url, redact: redact)
        while true {
            let waited: Duration
            do {
                let reason: ConnectionEvent.WaitReason = tries == 0 ? .rateLimit : .retryAfter
                waited = try limiter.acquire { self.observe(.waiting(seconds: Double(RateLimiter.nanoseconds($0)) / 1e9, reason: reason)) }.waited
            } catch {
                // Stopped before sending: safe to send later, as after a failed connection.
                if error.isInterruption { throw TrackerError(.network, "\(error)") }
                throw .local("the rate limiter's state: \(error)")
            }
            rateLimitWait += waited
            requests += 1
            if bytes > 0 {
                observe(.sending(bytes: bytes))
                let observe = self.observe
                request.onUploadProgress = { sent, total in observe(.sent(bytes: sent, of: total)) }
            }
            let started = ContinuousClock.now
            let response: HTTPResponse
            do {
                response = try transport.send(request)
            } catch {
                observe(.exchanged(request: shown, status: nil, seconds: Self.seconds(since: started), note: redact("\(error)")))
                switch error {
                case .connection, .badURL:
                    throw TrackerError(.network, "\(error)")
                case .timeout, .transport:
                    throw TrackerError(.network, "\(error)", outcomeUnknown: !idempotent)
                }
            }
            let delay = rateLimitDelay(response)
            observe(.exchanged(request: shown, status: response.status, seconds: Self.seconds(since: started), note: delay.map { "rate limited: wait \(Int($0.rounded(.up))) s" }))
            if let delay {
                do {
                    try limiter.block(for: .milliseconds(Int64(delay * 1000)))
                } catch {
                    throw .local("the rate limiter's state: \(error)")
                }
                tries += 1
                if idempotent && tries <= Self.rateLimitRetries && delay <= Self.longestWait { continue }
                throw TrackerError(.rateLimit, "\(site.host) asks to wait \(Int(delay.rounded(.up))) s (rate limit)", httpStatus: response.status, retryAfter: delay)
            }
            return response
        }
    }

    private static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// Query parameters that carry a secret on Gazelle and UNIT3D sites (a
    /// download link's `authkey` and `torrent_pass`, UNIT3D's `api_token`):
    /// their values are never shown.
    static let secretParameters: Set<String> = ["authkey", "torrent_pass", "passkey", "api_token", "apikey", "key", "token"]

    /// `GET /ajax.php?action=browse&searchstr=…`: the method, the path and
    /// the query, without the host, without the value of a secret parameter,
    /// and through the redactor for any secret the connection knows.
    static func shownRequest(method: String, url: String, redact: (String) -> String) -> String {
        guard let components = URLComponents(string: url) else { return "\(method) (a URL mkt cannot show)" }
        var shown = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        if let items = components.percentEncodedQueryItems, !items.isEmpty {
            shown += "?" + items.map { item in
                secretParameters.contains(item.name.lowercased()) ? "\(item.name)=…" : item.value.map { "\(item.name)=\($0)" } ?? item.name
            }.joined(separator: "&")
        }
        return "\(method) \(redact(shown))"
    }

    /// How long a rate-limit answer asks to wait: a 429 with Retry-After
    /// (or a window when it has none), or Gazelle's HTTP-200 "Rate limit exceeded".
    func rateLimitDelay(_ response: HTTPResponse) -> TimeInterval? {
        let window = Double(RateLimiter.nanoseconds(site.rateLimit.window)) / 1e9
        if response.status == 429 {
            return response.header("Retry-After").flatMap { RetryAfter.delay($0) } ?? window
        }
        if response.status == 200, response.body.count < 4096,
            let json = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any],
            json["status"] as? String == "failure", (json["error"] as? String)?.lowercased() == "rate limit exceeded"
        {
            return window
        }
        return nil
    }
}

/// What a connection tells while it works: pure facts, rendered by the command.
public enum ConnectionEvent: Sendable, Equatable {
    public enum WaitReason: String, Sendable {
        /// mkt's own limiter: the site's published rate.
        case rateLimit = "rate limit"
        /// The site answered 429 (or its rate-limit message) and said how long.
        case retryAfter = "Retry-After"
    }

    /// About to pause this long before the next request.
    case waiting(seconds: Double, reason: WaitReason)
    /// A request with a body of this size is being sent (an upload).
    case sending(bytes: Int)
    /// So much of the request's body is sent, of this many bytes.
    case sent(bytes: Int64, of: Int64)
    /// One exchange: the request as it may be shown (no host, no secret), the
    /// status (nil when nothing came back), how long it took, and why it failed or is waited out.
    case exchanged(request: String, status: Int?, seconds: Double, note: String?)
}

/// Reading JSON answers loosely: sites send ids as numbers or strings.
enum JSON {
    static func object(_ data: Data) -> [String: Any]? {
        if let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as? [String: Any] { return object }
        // A site's message with bytes that are not UTF-8 is still its message: read them as U+FFFD.
        let repaired = Data(String(decoding: data, as: UTF8.self).utf8)
        guard repaired != data else { return nil }
        return try? JSONSerialization.jsonObject(with: repaired, options: [.fragmentsAllowed]) as? [String: Any]
    }

    static func int(_ value: Any?) -> Int? {
        switch value {
        // A JSON boolean is an NSNumber too, of Objective-C type "c".
        case let number as NSNumber where String(cString: number.objCType) != "c": Int(exactly: number.doubleValue)
        case let text as String: Int(text)
        default: nil
        }
    }

    static func bool(_ value: Any?) -> Bool? {
        switch value {
        case let number as NSNumber: number.boolValue
        case let text as String: ["true", "1"].contains(text.lowercased()) ? true : ["false", "0"].contains(text.lowercased()) ? false : nil
        default: nil
        }
    }
}
