import Foundation
import MKTHTTP
import Synchronization

/// An HTTP transport for in-process tests: each request is answered from a
/// script and recorded; nothing leaves the process. A request is matched by
/// its `METHOD URL` line containing a pattern (`"action=upload"`,
/// `"POST "`, `""` for any): queued answers are taken once each, in the
/// order queued; a standing answer serves every later match. A request
/// nothing in the script answers fails as a refused connection and is kept
/// in `unanswered`, so a test that did not expect it can say so.
public final class ScriptedTransport: HTTPTransport {
    public enum Answer: Sendable {
        case response(HTTPResponse)
        /// The request reached the site, but its answer never came back (a timeout).
        case lost
        /// Nothing reached the site: the connection was refused.
        case refused
    }

    private struct Script {
        var queued: [(pattern: String, answer: Answer)] = []
        var standing: [(pattern: String, answer: Answer)] = []
        var sent: [HTTPRequest] = []
        var unanswered: [HTTPRequest] = []
    }

    private let script = Mutex(Script())

    public init() {}

    /// Answers the next requests matching `pattern`, one answer each.
    public func queue(_ pattern: String, _ answers: Answer...) {
        script.withLock { $0.queued += answers.map { (pattern, $0) } }
    }

    /// Answers every request matching `pattern` that no queued answer takes.
    public func always(_ pattern: String, _ answer: Answer) {
        script.withLock { $0.standing.append((pattern, answer)) }
    }

    /// Every request, in the order sent.
    public var sent: [HTTPRequest] { script.withLock { $0.sent } }

    /// The requests sent whose `METHOD URL` contains `pattern`.
    public func sent(_ pattern: String) -> [HTTPRequest] { sent.filter { $0.line.contains(pattern) } }

    public var unanswered: [HTTPRequest] { script.withLock { $0.unanswered } }

    /// Queued answers no request took.
    public var unused: Int { script.withLock { $0.queued.count } }

    public func send(_ request: HTTPRequest) throws(HTTPError) -> HTTPResponse {
        let host = URLComponents(string: request.url)?.host ?? request.url
        let answer = script.withLock { script -> Answer? in
            script.sent.append(request)
            if let index = script.queued.firstIndex(where: { request.line.contains($0.pattern) }) {
                return script.queued.remove(at: index).answer
            }
            if let standing = script.standing.first(where: { request.line.contains($0.pattern) }) { return standing.answer }
            script.unanswered.append(request)
            return nil
        }
        switch answer {
        case .response(let response)?: return response
        case .lost?: throw .timeout(host: host)
        case .refused?: throw .connection(host: host, reason: "Connection refused")
        case nil: throw .connection(host: host, reason: "nothing in the test's script answers \(request.line)")
        }
    }
}

extension ScriptedTransport.Answer {
    public static func status(_ status: Int, headers: [String: String] = [:], body: Data = Data()) -> Self {
        .response(HTTPResponse(status: status, headers: headers.mapValues { [$0] }, body: body))
    }

    /// A JSON answer, written out as text.
    public static func json(_ text: String, status: Int = 200, headers: [String: String] = [:]) -> Self {
        .status(status, headers: headers.merging(["Content-Type": "application/json"]) { $1 }, body: Data(text.utf8))
    }

    /// Gazelle's `ajax.php` success: `{"status":"success","response":<response>}`.
    public static func gazelle(_ response: String) -> Self {
        .json(#"{"status":"success","response":\#(response)}"#)
    }

    /// Gazelle's `ajax.php` refusal, with its message.
    public static func gazelleFailure(_ error: String, status: Int = 200) -> Self {
        .json(#"{"status":"failure","error":\#(jsonString(error))}"#, status: status)
    }

    /// `text` as a JSON string literal.
    public static func jsonString(_ text: String) -> String {
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case _ where scalar.value < 0x20: quoted += String(format: "\\u%04x", scalar.value)
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
    }
}

extension HTTPRequest {
    /// `METHOD URL`, what a script's patterns match.
    public var line: String { "\(method) \(url)" }

    /// The last value of a header, by name in any case.
    public func header(_ name: String) -> String? {
        headers.last { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The multipart fields named `name`, in order.
    public func parts(_ name: String) -> [MultipartPart] {
        guard case .multipart(let parts) = body else { return [] }
        return parts.filter { $0.name == name }
    }

    /// A multipart field's value as text.
    public func field(_ name: String) -> String? {
        parts(name).last.map { String(decoding: $0.data, as: UTF8.self) }
    }

    /// The query item `name` of the URL.
    public func query(_ name: String) -> String? {
        URLComponents(string: url)?.queryItems?.last { $0.name == name }?.value
    }
}
