import CMKTCurl
import Foundation

/// One HTTP request. Secrets go in headers, never in the URL, so that no
/// error message or log line built from the URL can carry one.
public struct HTTPRequest: Sendable {
    public enum Body: Sendable {
        case none
        case data(Data, contentType: String)
        case multipart([MultipartPart])
    }

    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: Body
    public var connectTimeout: TimeInterval = 10
    /// The whole exchange, upload included.
    public var totalTimeout: TimeInterval = 300
    /// Give up when fewer than `lowSpeedBytes` per second flow for `lowSpeedTime` seconds.
    public var lowSpeedBytes = 512
    public var lowSpeedTime: TimeInterval = 30
    public var followRedirects = false
    /// Answers longer than this are cut off with an error, so a hostile server cannot fill the memory.
    public var maximumBodyBytes = 64 << 20
    /// Told the bytes of the body sent so far and in all, at most about five
    /// times a second and once at the end: the progress of a large upload.
    public var onUploadProgress: (@Sendable (_ sent: Int64, _ total: Int64) -> Void)?

    public init(method: String = "GET", url: String, headers: [(name: String, value: String)] = [], body: Body = .none) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// A `multipart/form-data` field: a value, or a file (with `filename`).
extension HTTPRequest.Body {
    /// The bytes of content it carries (the multipart framing aside).
    public var byteCount: Int {
        switch self {
        case .none: 0
        case .data(let data, _): data.count
        case .multipart(let parts): parts.reduce(0) { $0 + $1.data.count }
        }
    }
}

public struct MultipartPart: Sendable {
    public var name: String
    public var data: Data
    public var filename: String?
    public var contentType: String?

    public init(name: String, value: String) {
        self.name = name
        self.data = Data(value.utf8)
    }

    public init(name: String, file data: Data, filename: String, contentType: String) {
        self.name = name
        self.data = data
        self.filename = filename
        self.contentType = contentType
    }
}

public struct HTTPResponse: Sendable {
    public let status: Int
    /// Header values by lower-case name, in the order received.
    public let headers: [String: [String]]
    public let body: Data

    /// - Parameter headers: by name in any case; kept by lower-case name.
    public init(status: Int, headers: [String: [String]] = [:], body: Data = Data()) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: +)
        self.body = body
    }

    public func header(_ name: String) -> String? { headers[name.lowercased()]?.last }
}

/// Transport failures, named by host only (a URL may hold what should not be printed).
public enum HTTPError: Error, Equatable, CustomStringConvertible {
    case timeout(host: String)
    case connection(host: String, reason: String)
    case transport(host: String, reason: String)
    case badURL

    public var description: String {
        switch self {
        case .timeout(let host): "\(host): no answer in time"
        case .connection(let host, let reason): "\(host): cannot connect: \(reason)"
        case .transport(let host, let reason): "\(host): \(reason)"
        case .badURL: "not an http or https URL"
        }
    }
}

/// HTTP over libcurl: TLS verification on, proxies from the usual environment
/// variables (libcurl reads them), a User-Agent naming mkt, bounded time.
public final class HTTPClient: HTTPTransport {
    public let userAgent: String

    public init(userAgent: String) {
        _ = Self.globalInit
        self.userAgent = userAgent
    }

    // curl_global_init must run once, before any other thread uses libcurl.
    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    public func send(_ request: HTTPRequest) throws(HTTPError) -> HTTPResponse {
        guard let components = URLComponents(string: request.url), let scheme = components.scheme, ["http", "https"].contains(scheme),
            let host = components.host
        else { throw .badURL }
        guard let handle = curl_easy_init() else { throw .transport(host: host, reason: "libcurl could not start a request") }
        defer { curl_easy_cleanup(handle) }
        let sink = ResponseSink(limit: request.maximumBodyBytes, onUploadProgress: request.onUploadProgress)
        let context = Unmanaged.passRetained(sink)
        defer { context.release() }
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        var mime: OpaquePointer?
        defer { curl_mime_free(mime) }
        // libcurl writes its message here during perform: it must outlive every call below.
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        defer { errorBuffer.deallocate() }

        _ = mkt_curl_setopt_string(handle, CURLOPT_URL, request.url)
        _ = mkt_curl_setopt_string(handle, CURLOPT_USERAGENT, userAgent)
        _ = mkt_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = mkt_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1)
        _ = mkt_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2)
        _ = mkt_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(request.connectTimeout * 1000))
        _ = mkt_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(request.totalTimeout * 1000))
        _ = mkt_curl_setopt_long(handle, CURLOPT_LOW_SPEED_LIMIT, request.lowSpeedBytes)
        _ = mkt_curl_setopt_long(handle, CURLOPT_LOW_SPEED_TIME, Int(request.lowSpeedTime))
        _ = mkt_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, request.followRedirects ? 1 : 0)
        _ = mkt_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = mkt_curl_setopt_string(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        _ = mkt_curl_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, "")
        _ = mkt_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer)
        _ = mkt_curl_setopt_callback(handle, CURLOPT_WRITEFUNCTION, { data, size, count, context in
            let sink = Unmanaged<ResponseSink>.fromOpaque(context!).takeUnretainedValue()
            // Returning less than was handed makes libcurl stop with CURLE_WRITE_ERROR.
            guard sink.body.count + size * count <= sink.limit else { return 0 }
            sink.body.append(UnsafeRawPointer(data!).assumingMemoryBound(to: UInt8.self), count: size * count)
            return size * count
        })
        _ = mkt_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context.toOpaque())
        _ = mkt_curl_setopt_callback(handle, CURLOPT_HEADERFUNCTION, { data, size, count, context in
            let line = String(decoding: UnsafeRawBufferPointer(start: data, count: size * count), as: UTF8.self)
            Unmanaged<ResponseSink>.fromOpaque(context!).takeUnretainedValue().headerLine(line)
            return size * count
        })
        _ = mkt_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, context.toOpaque())
        if request.onUploadProgress != nil {
            _ = mkt_curl_setopt_long(handle, CURLOPT_NOPROGRESS, 0)
            _ = mkt_curl_setopt_xferinfo(handle, { context, _, _, total, sent in
                Unmanaged<ResponseSink>.fromOpaque(context!).takeUnretainedValue().uploaded(Int64(sent), of: Int64(total))
                return 0
            })
            _ = mkt_curl_setopt_pointer(handle, CURLOPT_XFERINFODATA, context.toOpaque())
        }

        var headers = request.headers
        switch request.body {
        case .none:
            break
        case .data(let data, let contentType):
            headers.append(("Content-Type", contentType))
            _ = mkt_curl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, data.count)
            // COPYPOSTFIELDS copies the bytes into libcurl, so they outlive this scope.
            _ = data.withUnsafeBytes { mkt_curl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!)) }
        case .multipart(let parts):
            mime = curl_mime_init(handle)
            for part in parts {
                let field = curl_mime_addpart(mime)
                curl_mime_name(field, part.name)
                _ = part.data.withUnsafeBytes { curl_mime_data(field, $0.baseAddress?.assumingMemoryBound(to: CChar.self), $0.count) }
                if let filename = part.filename { curl_mime_filename(field, filename) }
                if let contentType = part.contentType { curl_mime_type(field, contentType) }
            }
            _ = mkt_curl_setopt_pointer(handle, CURLOPT_MIMEPOST, UnsafeMutableRawPointer(mime))
        }
        _ = mkt_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method)
        if request.method == "HEAD" { _ = mkt_curl_setopt_long(handle, CURLOPT_NOBODY, 1) }
        for (name, value) in headers { headerList = curl_slist_append(headerList, "\(name): \(value)") }
        _ = mkt_curl_setopt_pointer(handle, CURLOPT_HTTPHEADER, headerList)

        let code = curl_easy_perform(handle)
        guard code == CURLE_OK else {
            let detail = String(cString: errorBuffer[0] != 0 ? UnsafePointer(errorBuffer) : curl_easy_strerror(code))
            switch code {
            case CURLE_WRITE_ERROR: throw .transport(host: host, reason: "the answer is larger than \(request.maximumBodyBytes >> 20) MiB")
            case CURLE_OPERATION_TIMEDOUT: throw .timeout(host: host)
            case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: throw .connection(host: host, reason: detail)
            default: throw .transport(host: host, reason: detail)
            }
        }
        var status = 0
        _ = mkt_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResponse(status: status, headers: sink.headers, body: sink.body)
    }
}

/// Collects what libcurl hands to the callbacks.
private final class ResponseSink {
    let limit: Int
    var body = Data()
    var headers: [String: [String]] = [:]
    let onUploadProgress: (@Sendable (Int64, Int64) -> Void)?
    private var lastShown: (sent: Int64, at: ContinuousClock.Instant)?

    init(limit: Int, onUploadProgress: (@Sendable (Int64, Int64) -> Void)?) {
        self.limit = limit
        self.onUploadProgress = onUploadProgress
    }

    /// libcurl calls this many times a second, also while waiting for the answer: pass on
    /// a change at most every 0.2 s, and the last byte at once.
    func uploaded(_ sent: Int64, of total: Int64) {
        guard let onUploadProgress, total > 0, sent != lastShown?.sent else { return }
        let now = ContinuousClock.now
        if sent < total, let last = lastShown, now - last.at < .milliseconds(200) { return }
        lastShown = (sent, now)
        onUploadProgress(sent, total)
    }

    func headerLine(_ line: String) {
        // A new status line (after a 100 Continue or a redirect) starts a new set of headers.
        if line.hasPrefix("HTTP/") {
            headers = [:]
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        headers[name, default: []].append(value)
    }
}
