import Foundation

/// A test server on a free loopback port: a program that prints its port on
/// its first line and serves until stopped. Stopped when the value goes away.
public final class LocalServer {
    public let port: Int
    private let process: Process

    /// Starts `arguments` (e.g. a Python script) and waits for its port.
    public init(_ executable: String, _ arguments: [String]) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) {
            line.append(byte)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            kill(process.processIdentifier, SIGKILL)
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "\(executable) printed no port"])
        }
        self.port = port
    }

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    deinit {
        // SIGKILL, not SIGTERM: a child can inherit the test runner's blocked-signal mask.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// The HTTP test server in Tests/Fixtures.
    public static func http() throws -> LocalServer {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../Fixtures/http_test_server.py").standardized.path
        return try LocalServer("/usr/bin/python3", [script])
    }

    /// What the HTTP test server's `/record/...` kept: method, path, headers, body, in order.
    public func recorded() throws -> [[String: Any]] {
        (try JSONSerialization.jsonObject(with: FakeTracker.curl(["\(baseURL)/recorded"])) as? [[String: Any]]) ?? []
    }
}
