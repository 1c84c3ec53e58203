import Foundation

/// SCGI (python.ca/scgi/protocol.txt): the request is a netstring of
/// NUL-separated header names and values, `CONTENT_LENGTH` first and `SCGI`
/// `1` among them, then the body; the answer is CGI-style (`Status:` and other
/// header lines, a blank line, the body) and the server closes the connection.
public enum SCGI {
    public static func request(body: [UInt8]) -> [UInt8] {
        let headers = [("CONTENT_LENGTH", String(body.count)), ("SCGI", "1"), ("REQUEST_METHOD", "POST"), ("REQUEST_URI", "/RPC2")]
        var block: [UInt8] = []
        for (name, value) in headers {
            block += Array(name.utf8) + [0] + Array(value.utf8) + [0]
        }
        return Array("\(block.count):".utf8) + block + Array(",".utf8) + body
    }

    /// The body of an SCGI answer, or why there is none.
    public static func responseBody(_ bytes: [UInt8]) throws(XMLRPCError) -> [UInt8] {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = bytes.indices.first(where: { bytes.count - $0 >= 4 && Array(bytes[$0..<$0 + 4]) == separator }) else {
            throw XMLRPCError(description: "SCGI answer without the blank line after its headers")
        }
        let head = String(decoding: bytes[..<end], as: UTF8.self)
        if let status = head.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("status:") }) {
            let code = status.dropFirst("status:".count).trimmingCharacters(in: .whitespaces)
            guard code.hasPrefix("200") else { throw XMLRPCError(description: "SCGI answer \(code)") }
        }
        return Array(bytes[(end + 4)...])
    }

    /// Where the server listens: `HOST:PORT`, or the path of a Unix socket.
    public enum Address: Equatable, Sendable, CustomStringConvertible {
        case tcp(host: String, port: UInt16)
        case unix(path: String)

        public var description: String {
            switch self {
            case .tcp(let host, let port): "\(host):\(port)"
            case .unix(let path): path
            }
        }

        public init?(_ text: String) {
            if text.hasPrefix("/") {
                self = .unix(path: text)
                return
            }
            guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]), port > 0 else { return nil }
            let host = String(text[..<colon])
            guard !host.isEmpty else { return nil }
            self = .tcp(host: host, port: port)
        }
    }

    /// Sends `request` and reads the whole answer, within `timeout` seconds per read or write.
    public static func exchange(_ request: [UInt8], with address: Address, timeout: TimeInterval) throws(XMLRPCError) -> [UInt8] {
        let fd = try connect(address)
        defer { close(fd) }
        var limit = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var sent = 0
        while sent < request.count {
            let count = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { throw XMLRPCError(description: "sending to \(address): \(String(cString: strerror(errno)))") }
            sent += count
        }
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { return answer }
            guard count > 0 else { throw XMLRPCError(description: "reading from \(address): \(String(cString: strerror(errno)))") }
            answer += buffer[..<count]
        }
    }

    private static func connect(_ address: Address) throws(XMLRPCError) -> Int32 {
        switch address {
        case .unix(let path):
            var socketAddress = sockaddr_un()
            socketAddress.sun_family = sa_family_t(AF_UNIX)
            let capacity = MemoryLayout.size(ofValue: socketAddress.sun_path)
            guard path.utf8.count < capacity else { throw XMLRPCError(description: "the socket path \(path) is longer than \(capacity - 1) bytes") }
            withUnsafeMutableBytes(of: &socketAddress.sun_path) { raw in
                for (offset, byte) in path.utf8.enumerated() { raw[offset] = byte }
            }
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw XMLRPCError(description: "socket: \(String(cString: strerror(errno)))") }
            let connected = withUnsafePointer(to: &socketAddress) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard connected == 0 else {
                let reason = String(cString: strerror(errno))
                close(fd)
                throw XMLRPCError(description: "\(path): cannot connect: \(reason)")
            }
            return fd
        case .tcp(let host, let port):
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var list: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else {
                throw XMLRPCError(description: "\(host): cannot resolve the name")
            }
            defer { freeaddrinfo(list) }
            var reason = "no address"
            var entry: UnsafeMutablePointer<addrinfo>? = first
            while let info = entry {
                let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), info.pointee.ai_protocol)
                if fd >= 0 {
                    if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return fd }
                    reason = String(cString: strerror(errno))
                    close(fd)
                }
                entry = info.pointee.ai_next
            }
            throw XMLRPCError(description: "\(host):\(port): cannot connect: \(reason)")
        }
    }
}
