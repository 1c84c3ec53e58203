import Foundation

/// A long-running program a test starts (a BitTorrent client, a tracker),
/// its output kept in a log file; killed when the value goes away.
public final class Daemon {
    public let log: String
    private let process: Process

    public init(_ executable: String, _ arguments: [String], log: String, environment: [String: String]? = nil) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        self.log = log
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    deinit {
        // SIGKILL, not SIGTERM: a child can inherit the test runner's blocked-signal mask.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// Waits until `ready` says yes, up to `timeout` seconds.
    public func wait(timeout: TimeInterval = 20, until ready: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if ready() { return true }
            guard process.isRunning else { return false }
            usleep(100_000)
        }
        return false
    }

    /// Waits until something accepts connections on 127.0.0.1:`port`.
    public func waitForPort(_ port: Int, timeout: TimeInterval = 20) throws {
        let up = wait(timeout: timeout) {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = UInt16(port).bigEndian
            return withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
        }
        guard up else {
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "nothing listens on port \(port): \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")"])
        }
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago.
    public static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
