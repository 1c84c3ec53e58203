import Foundation
import MKTCrypto
import MKTHTTP

/// One web metadata service: its address, its rate limit (shared by every
/// mkt process, like the trackers'), a User-Agent that names mkt and a
/// contact as MusicBrainz requires, and a cache of what it answered.
public final class SourceConnection: @unchecked Sendable {
    public let name: String
    public let baseURL: String
    let http: any HTTPTransport
    let limiter: RateLimiter
    let cacheDirectory: String?
    /// Sent with every request (Discogs: its token and the plain-text Accept); never part of a cache key.
    let headers: [(name: String, value: String)]

    /// - Parameters:
    ///   - stateDirectory: where the rate-limit state lives (`$XDG_STATE_HOME/mkt/ratelimit`).
    ///   - cacheDirectory: where answers are kept (`$XDG_CACHE_HOME/mkt/sources`); nil for none.
    ///   - transport: libcurl's `HTTPClient`, or a test's scripted transport.
    public init(name: String, baseURL: String, limit: RateLimiter.Limit, transport: any HTTPTransport, stateDirectory: String, cacheDirectory: String?,
                headers: [(name: String, value: String)] = [("Accept", "application/json")]) {
        self.headers = headers
        self.name = name
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        http = transport
        limiter = RateLimiter(statePath: "\(stateDirectory)/source-\(name)", limit: limit)
        self.cacheDirectory = cacheDirectory.map { "\($0)/\(name)" }
    }

    /// The service over libcurl, with this User-Agent.
    public convenience init(name: String, baseURL: String, limit: RateLimiter.Limit, userAgent: String, stateDirectory: String, cacheDirectory: String?,
                            headers: [(name: String, value: String)] = [("Accept", "application/json")]) {
        self.init(name: name, baseURL: baseURL, limit: limit, transport: HTTPClient(userAgent: userAgent), stateDirectory: stateDirectory,
                  cacheDirectory: cacheDirectory, headers: headers)
    }

    /// GETs `path` (with its query) and returns the JSON object, from the
    /// cache when it is there. 503 and 429 are waited out (Retry-After, at
    /// most 30 s, twice); anything else that is not a JSON object is an error.
    public func json(_ path: String) throws(SourceError) -> [String: Any]? {
        let url = baseURL + path
        let key = Hex.encode(DigestAlgorithm.sha256.digest(Array(url.utf8)))
        if let cacheDirectory, let data = FileManager.default.contents(atPath: "\(cacheDirectory)/\(key)") {
            // An empty entry remembers a 404.
            if data.isEmpty { return nil }
            if let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] { return object }
        }
        var tries = 0
        while true {
            tries += 1
            do { try limiter.acquire() } catch { throw .local(name, "\(error)") }
            let response: HTTPResponse
            do {
                response = try http.send(HTTPRequest(url: url, headers: headers))
            } catch {
                throw .unreachable(name, error.description)
            }
            if (response.status == 503 || response.status == 429) && tries < 3 {
                let pause = min(30, response.header("Retry-After").flatMap { RetryAfter.delay($0) } ?? 1)
                try? limiter.block(for: .milliseconds(Int(pause * 1000)))
                continue
            }
            if response.status == 401 || response.status == 403 { throw .refused(name) }
            if response.status == 404 {
                remember(Data(), key: key)
                return nil
            }
            guard response.status == 200 else { throw .answered(name, "HTTP \(response.status)") }
            guard let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] else {
                throw .answered(name, "with something that is not JSON")
            }
            remember(response.body, key: key)
            return object
        }
    }

    /// POSTs a form (never cached, never retried: an upload may have been
    /// taken) and returns the JSON answer.
    public func post(_ path: String, parts: [MultipartPart], headers extra: [(name: String, value: String)] = []) throws(SourceError) -> Any {
        do { try limiter.acquire() } catch { throw .local(name, "\(error)") }
        let response: HTTPResponse
        do {
            response = try http.send(HTTPRequest(method: "POST", url: baseURL + path, headers: headers + extra, body: .multipart(parts)))
        } catch {
            throw .unreachable(name, error.description)
        }
        if response.status == 401 || response.status == 403 { throw .refused(name) }
        guard response.status == 200 else { throw .answered(name, "HTTP \(response.status)") }
        guard let answer = try? JSONSerialization.jsonObject(with: response.body) else { throw .answered(name, "with something that is not JSON") }
        return answer
    }

    /// The cache is only a cache: failing to write it changes nothing.
    private func remember(_ body: Data, key: String) {
        guard let cacheDirectory else { return }
        try? FileManager.default.createDirectory(atPath: cacheDirectory, withIntermediateDirectories: true)
        try? body.write(to: URL(fileURLWithPath: "\(cacheDirectory)/\(key)"), options: .atomic)
    }

    /// Whether `url` answers a HEAD with an image of at least `minimumBytes`
    /// (following redirects: the Cover Art Archive sends clients to archive.org).
    /// A yes is cached; a no is asked again next time.
    public func isImage(_ url: String, minimumBytes: Int = 10_000) -> Bool {
        let key = Hex.encode(DigestAlgorithm.sha256.digest(Array("HEAD \(url)".utf8)))
        if let cacheDirectory, FileManager.default.fileExists(atPath: "\(cacheDirectory)/\(key)") { return true }
        guard (try? limiter.acquire()) != nil else { return false }
        var request = HTTPRequest(method: "HEAD", url: url)
        request.followRedirects = true
        // Discogs serves its images only to a token holder; the token goes to the service's own site, nowhere else.
        if Self.sameSite(url, baseURL) { request.headers = headers }
        guard let response = try? http.send(request), response.status == 200,
            (response.header("Content-Type") ?? "").lowercased().hasPrefix("image/"),
            (response.header("Content-Length").flatMap(Int.init) ?? minimumBytes) >= minimumBytes
        else { return false }
        remember(Data("image\n".utf8), key: key)
        return true
    }
}

extension SourceConnection {
    /// Whether `url`'s host is the service's host or shares its parent
    /// domain (`i.discogs.com` for `api.discogs.com`).
    static func sameSite(_ url: String, _ base: String) -> Bool {
        guard let host = URLComponents(string: url)?.host?.lowercased(), let baseHost = URLComponents(string: base)?.host?.lowercased() else { return false }
        // An address is its own site; a name's site is its last two labels.
        guard !baseHost.allSatisfy({ $0.isNumber || $0 == "." || $0 == ":" }) else { return host == baseHost }
        let labels = baseHost.split(separator: ".")
        let site = labels.count > 2 ? labels.suffix(2).joined(separator: ".") : baseHost
        return host == baseHost || host == site || host.hasSuffix("." + site)
    }
}

public enum SourceError: Error, Equatable, CustomStringConvertible {
    case unreachable(String, String)
    case answered(String, String)
    case local(String, String)
    case refused(String)

    public var description: String {
        switch self {
        case .refused(let source): "\(source) refused the token (mkt credential set \(source))"
        case .unreachable(let source, let reason): "\(source) cannot be reached: \(reason)"
        case .answered(let source, let reason): "\(source) answered \(reason)"
        case .local(let source, let reason): "\(source): \(reason)"
        }
    }
}
