import Foundation

/// contrib/fake-tracker/fake_tracker.py on a free loopback port, for one
/// site family; its control endpoints set faults and report what it got.
public final class FakeTracker {
    public let site: String
    public let apiKey: String
    public let passkey: String
    let server: LocalServer

    public static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../contrib/fake-tracker/fake_tracker.py").standardized.path

    public init(site: String, apiKey: String = "fake-api-key", passkey: String = "fakepasskey0123456789abcdef0000", extra: [String] = []) throws {
        self.site = site
        self.apiKey = apiKey
        self.passkey = passkey
        let credential = site == "dic" ? ["--cookie", apiKey] : ["--api-key", apiKey]
        server = try LocalServer("/usr/bin/python3", [Self.script, "--site", site, "--passkey", passkey, "--quiet"] + credential + extra)
    }

    public var url: String { server.baseURL }

    /// The `[tracker "NAME"]` section that points mkt at this fake.
    public func configSection(name: String? = nil, extra: [String: String] = [:]) -> String {
        let announce = site == "unit3d" ? "\(url)/announce/{passkey}" : "\(url)/{passkey}/announce"
        var lines = ["[tracker \"\(name ?? site)\"]", "    url = \(url)", "    announce = \(announce)"]
        for (key, value) in extra.sorted(by: { $0.key < $1.key }) { lines.append("    \(key) = \(value)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `GET /_fake/state`: uploads, requests, groups, torrents.
    public func state() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: try Self.curl(["\(url)/_fake/state"])) as! [String: Any]
    }

    public var uploads: [[String: Any]] { get throws { try state()["uploads"] as! [[String: Any]] } }
    public var requests: [[String: Any]] { get throws { try state()["requests"] as! [[String: Any]] } }
    public var torrents: [[String: Any]] { get throws { try state()["torrents"] as! [[String: Any]] } }

    public func faults(_ faults: [String: Any]) throws {
        _ = try Self.curl(["-X", "POST", "--data-binary", String(decoding: try JSONSerialization.data(withJSONObject: faults), as: UTF8.self), "\(url)/_fake/faults"])
    }

    /// `POST /_fake/reset`: no faults, uploads, groups or torrents; ids start again.
    public func reset() throws {
        _ = try Self.curl(["-X", "POST", "\(url)/_fake/reset"])
    }

    /// Adds a group that was on the site before; returns its id.
    @discardableResult
    public func addGroup(_ group: [String: Any]) throws -> Int {
        let answer = try Self.curl(["-X", "POST", "--data-binary", String(decoding: try JSONSerialization.data(withJSONObject: group), as: UTF8.self), "\(url)/_fake/groups"])
        return (try JSONSerialization.jsonObject(with: answer) as! [String: Any])["groupId"] as! Int
    }

    /// The multipart fields of an upload as `name=value` lines, in order.
    public static func fields(of upload: [String: Any]) -> [String: [String]] {
        upload["fields"] as! [String: [String]]
    }

    /// A request to the site as any client may send it (not mkt's adapters), with the
    /// fake's credential: `fields` as a multipart form and `torrent` as `file_input`
    /// when given; the answer's body, whatever its status.
    public func send(_ target: String, fields: [(String, String)] = [], torrent: Data? = nil, in directory: String) throws -> String {
        let credential = site == "dic" ? ["-H", "Cookie: session=\(apiKey)"] : ["-H", "Authorization: \(site == "ops" ? "token " : "")\(apiKey)"]
        var form = fields.flatMap { ["--form-string", "\($0.0)=\($0.1)"] }
        if let torrent {
            let path = "\(directory)/sent.torrent"
            try torrent.write(to: URL(fileURLWithPath: path))
            form += ["-F", "file_input=@\(path);filename=sent.torrent"]
        }
        return String(decoding: try Self.curl(credential + form + ["\(url)/\(target)"], failing: false), as: UTF8.self)
    }

    static func curl(_ arguments: [String], failing: Bool = true) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-sS", "--max-time", "10"] + (failing ? ["--fail"] : []) + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "curl \(arguments.last!) failed"])
        }
        return data
    }
}
