import Foundation
import Glibc
import MKTCrypto
import MKTHTTP

/// `POST /done` with a folder, from a client's run-on-completion command:
/// the request read and judged, no I/O. The token goes in
/// `Authorization: Bearer TOKEN` and is compared in constant time; the
/// folder is the body, as `path=FOLDER` (form-encoded) or `{"path": FOLDER}`.
public enum CompletionRequest {
    public enum Verdict: Equatable, Sendable {
        case done(folder: String)
        case refused(status: Int, reason: String)
    }

    /// The most a request may carry, headers and body together.
    public static let maximumBytes = 32 * 1024

    /// Whether `bytes` hold a whole request yet (headers, and the body they announce).
    public static func isComplete(_ bytes: [UInt8]) -> Bool {
        guard let end = headerEnd(bytes) else { return false }
        let length = contentLength(String(decoding: bytes[..<end], as: UTF8.self)) ?? 0
        return bytes.count - end - 4 >= length
    }

    public static func judge(_ bytes: [UInt8], token: String) -> Verdict {
        guard let end = headerEnd(bytes) else { return .refused(status: 400, reason: "the request is cut off") }
        let head = String(decoding: bytes[..<end], as: UTF8.self)
        let lines = head.components(separatedBy: "\r\n")
        let requestLine = lines[0].split(separator: " ")
        guard requestLine.count == 3, requestLine[2].hasPrefix("HTTP/1.") else { return .refused(status: 400, reason: "not an HTTP/1 request") }
        guard requestLine[1] == "/done" else { return .refused(status: 404, reason: "no such endpoint (POST /done)") }
        guard requestLine[0] == "POST" else { return .refused(status: 405, reason: "POST /done, not \(requestLine[0].prefix(16))") }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let given = headers["authorization"].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst("Bearer ".count)) : nil } ?? ""
        guard SecureRandom.constantTimeEqual(Array(given.utf8), Array(token.utf8)) else {
            return .refused(status: 401, reason: "wrong or missing token (Authorization: Bearer, from watch.token-file)")
        }
        let body = Array(bytes[(end + 4)...].prefix(contentLength(head) ?? 0))
        guard let folder = folder(in: body, contentType: headers["content-type"] ?? ""), folder.hasPrefix("/") else {
            return .refused(status: 400, reason: "the body must be path=FOLDER or {\"path\": FOLDER}, an absolute path")
        }
        return .done(folder: folder)
    }

    static func folder(in body: [UInt8], contentType: String) -> String? {
        if contentType.lowercased().hasPrefix("application/json") {
            let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
            return object?["path"] as? String
        }
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") where pair.hasPrefix("path=") {
            return String(pair.dropFirst("path=".count)).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
        }
        return nil
    }

    static func headerEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        return (0...(bytes.count - 4)).first { bytes[$0] == 13 && bytes[$0 + 1] == 10 && bytes[$0 + 2] == 13 && bytes[$0 + 3] == 10 }
    }

    static func contentLength(_ head: String) -> Int? {
        for line in head.components(separatedBy: "\r\n") where line.lowercased().hasPrefix("content-length:") {
            return Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)).map { min(max($0, 0), maximumBytes) }
        }
        return nil
    }

    /// The answer: status line, a plain-text line, connection closed.
    public static func answer(status: Int, text: String) -> [UInt8] {
        let reasons = [202: "Accepted", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 405: "Method Not Allowed", 413: "Content Too Large", 422: "Unprocessable Content"]
        let body = text + "\n"
        return Array("HTTP/1.1 \(status) \(reasons[status] ?? "Error")\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)".utf8)
    }
}

/// The watcher's token for the completion call: a file of mode 0600 (made
/// with 32 random bytes, hex, when missing), refused when others may read it.
public enum CompletionToken {
    public static func load(_ path: String) throws(WorkflowError) -> String {
        var info = stat()
        if lstat(path, &info) != 0 {
            guard errno == ENOENT else { throw .watchToken(path: path, reason: String(cString: strerror(errno))) }
            let directory = (path as NSString).deletingLastPathComponent
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let token = SecureRandom.bytes(32).map { String(format: "%02x", $0) }.joined()
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
            guard fd >= 0 else { throw .watchToken(path: path, reason: "cannot be made: \(String(cString: strerror(errno)))") }
            defer { close(fd) }
            let line = Array((token + "\n").utf8)
            guard write(fd, line, line.count) == line.count, fsync(fd) == 0 else { throw .watchToken(path: path, reason: "cannot be written: \(String(cString: strerror(errno)))") }
            return token
        }
        guard info.st_mode & S_IFMT == S_IFREG else { throw .watchToken(path: path, reason: "not a regular file") }
        guard info.st_mode & 0o077 == 0 else { throw .watchToken(path: path, reason: "others may read it (mode \(String(info.st_mode & 0o777, radix: 8))); chmod 600 it") }
        guard let data = FileManager.default.contents(atPath: path) else { throw .watchToken(path: path, reason: "cannot be read") }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard token.count >= 16, !token.contains(where: \.isWhitespace) else { throw .watchToken(path: path, reason: "the token must be one word of 16 characters or more") }
        return token
    }
}

/// A loopback TCP port or a Unix socket taking completion calls, one at a
/// time on a thread of its own, until a stop is asked for.
public final class CompletionEndpoint: @unchecked Sendable {
    public let address: String
    private let descriptor: Int32
    private let socketPath: String?

    /// Binds `listen`: `127.0.0.1:PORT`, `localhost:PORT`, `[::1]:PORT`, or an absolute socket path. Port 0 takes a free one.
    public init(listen: String) throws(WorkflowError) {
        let bound = listen.hasPrefix("/") ? try Self.bindUnix(listen) : try Self.bindLoopback(listen)
        descriptor = bound.descriptor
        address = bound.address
        socketPath = listen.hasPrefix("/") ? listen : nil
    }

    deinit {
        close(descriptor)
        if let socketPath { unlink(socketPath) }
    }

    private static func failure(_ listen: String, _ what: String) -> WorkflowError {
        .watchListen(address: listen, reason: "\(what): \(String(cString: strerror(errno)))")
    }

    private static func bindLoopback(_ listen: String) throws(WorkflowError) -> (descriptor: Int32, address: String) {
        guard let colon = listen.lastIndex(of: ":"), let port = UInt16(listen[listen.index(after: colon)...]) else {
            throw .watchListen(address: listen, reason: "not HOST:PORT or an absolute socket path")
        }
        let host = String(listen[..<colon])
        let six = host == "[::1]"
        guard six || host == "127.0.0.1" || host == "localhost" else {
            throw .watchListen(address: listen, reason: "only a loopback address (127.0.0.1, [::1], localhost) or a Unix socket is taken")
        }
        let fd = socket(six ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw failure(listen, "socket") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var bound: Int32
        var actual: UInt16 = 0
        if six {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            address.sin6_addr = in6addr_loopback
            bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) } }
            var length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
            actual = UInt16(bigEndian: address.sin6_port)
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            address.sin_addr.s_addr = in_addr_t(0x7f00_0001).bigEndian
            bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
            actual = UInt16(bigEndian: address.sin_port)
        }
        guard bound == 0, Glibc.listen(fd, 16) == 0 else {
            let error = failure(listen, "bind")
            close(fd)
            throw error
        }
        return (fd, "\(six ? "[::1]" : "127.0.0.1"):\(actual)")
    }

    private static func bindUnix(_ path: String) throws(WorkflowError) -> (descriptor: Int32, address: String) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw .watchListen(address: path, reason: "the socket path is too long") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw failure(path, "socket") }
        var info = stat()
        // A socket left by a watcher that died is in the way; nothing else at that path is touched.
        if lstat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFSOCK else {
                close(fd)
                throw .watchListen(address: path, reason: "something that is not a socket is there")
            }
            unlink(path)
        }
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        guard bound == 0, chmod(path, 0o600) == 0, listen(fd, 16) == 0 else {
            let error = failure(path, "bind")
            close(fd)
            throw error
        }
        return (fd, path)
    }

    /// Takes calls until a stop is asked for, each judged with `token` and,
    /// when it names a folder, answered by `handle` (status and a line).
    public func serve(token: String, handle: @escaping @Sendable (String) -> (status: Int, text: String)) {
        while !Interruption.requested {
            var wanted = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&wanted, 1, 200) > 0 else { continue }
            let client = accept(descriptor, nil, nil)
            guard client >= 0 else { continue }
            // Not inherited by the hooks and clients the watcher runs meanwhile.
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            answer(client, token: token, handle: handle)
            close(client)
        }
    }

    private func answer(_ client: Int32, token: String, handle: (String) -> (status: Int, text: String)) {
        // A caller that sends nothing holds the endpoint five seconds at most.
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var request: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while !CompletionRequest.isComplete(request) && request.count <= CompletionRequest.maximumBytes {
            let count = chunk.withUnsafeMutableBytes { recv(client, $0.baseAddress, 4096, 0) }
            guard count > 0 else { break }
            request += chunk[..<count]
        }
        let reply: [UInt8]
        if request.count > CompletionRequest.maximumBytes {
            reply = CompletionRequest.answer(status: 413, text: "the request is larger than \(CompletionRequest.maximumBytes) bytes")
        } else {
            switch CompletionRequest.judge(request, token: token) {
            case .refused(let status, let reason): reply = CompletionRequest.answer(status: status, text: reason)
            case .done(let folder):
                let (status, text) = handle(folder)
                reply = CompletionRequest.answer(status: status, text: text)
            }
        }
        _ = reply.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }
}
