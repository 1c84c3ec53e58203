/// What the tracker adapters, the seeding clients and the web sources need of
/// HTTP: one request out, its answer (any status) or a transport error back.
/// `HTTPClient` (libcurl) is the one mkt runs with; tests put a scripted one
/// in its place, so that nothing leaves the process.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) throws(HTTPError) -> HTTPResponse
}
