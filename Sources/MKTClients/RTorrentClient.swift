import Foundation

/// rTorrent's XML-RPC over SCGI, on a Unix socket (`network.scgi.open_local`)
/// or a TCP port (`network.scgi.open_port`); `settings.url` is the socket's
/// path or `HOST:PORT`. The torrent is loaded without starting (`load.raw`),
/// pointed at the folder above the release (`d.directory.set`, which appends
/// the torrent's name for a multi-file torrent), labelled in `d.custom1` (the
/// slot ruTorrent shows as the label), checked (`d.check_hash`), and started
/// (`d.start`) only when `d.completed_bytes` reaches `d.size_bytes`;
/// `d.erase` removes it and leaves the data. Commands and their answers as
/// documented in rtorrent-community/rtorrent-docs: docs/include-cmd-items.rst
/// (the `d.*` commands, every one taking the info hash as its target) and
/// docs/include-cmd-system.rst (`system.client_version`, `system.multicall`).
public final class RTorrentClient: SeedingClient, Sendable {
    public let settings: ClientSettings
    let timeout: TimeInterval = 30

    init(settings: ClientSettings) {
        self.settings = settings
    }

    /// rTorrent names a torrent by its info hash in upper-case hex.
    static func target(_ infohash: String) -> XMLRPCValue { .string(infohash.uppercased()) }

    /// The label for `d.custom1`: the category, else the first tag, percent-encoded
    /// as ruTorrent writes it (RFC 3986 unreserved characters kept).
    static func label(category: String?, tags: [String]) -> String? {
        guard let wanted = category ?? tags.first, !wanted.isEmpty else { return nil }
        return wanted.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"))
    }

    /// The fields `torrent(infohash:)` asks for in one `system.multicall`, in order.
    static let statusFields = ["d.hashing", "d.is_hash_checking", "d.completed_bytes", "d.size_bytes", "d.state", "d.message"]

    /// A `system.multicall` answer read as the torrent's state, or nil when
    /// rTorrent does not know the hash.
    static func status(from answer: XMLRPCValue) throws(XMLRPCError) -> ClientTorrent? {
        guard case .array(let rows) = answer, rows.count == statusFields.count else { throw XMLRPCError(description: "system.multicall answered \(answer)") }
        var values: [XMLRPCValue] = []
        for row in rows {
            switch row {
            case .array(let single) where single.count == 1: values.append(single[0])
            case .structure(let fault):
                if (fault["faultString"]?.text ?? "").contains("info-hash") { return nil }
                throw XMLRPCError(description: fault["faultString"]?.text ?? "a fault without faultString")
            default: throw XMLRPCError(description: "system.multicall answered \(row) for one call")
            }
        }
        let hashing = values[0].integer ?? 0, checking = values[1].integer ?? 0
        let done = values[2].integer ?? 0, size = values[3].integer ?? 0, started = values[4].integer ?? 0
        let message = values[5].text ?? ""
        let progress = size > 0 ? min(Double(done) / Double(size), 1) : 0
        let state = (hashing != 0 || checking != 0 ? "hashing" : started != 0 ? "started" : "stopped") + (message.isEmpty ? "" : ": \(message)")
        return ClientTorrent(progress: progress, state: state, checking: hashing != 0 || checking != 0,
                             missingFiles: message.lowercased().contains("no such file"))
    }

    public func connect() throws(ClientError) {
        guard case .string = try call("system.client_version", []) else {
            throw .refused(client: settings.name, reason: "system.client_version answered no version")
        }
    }

    public func add(_ request: SeedRequest) throws(ClientError) {
        _ = try call("load.raw", [.string(""), .base64(request.torrent)])
        // Loading takes a moment: the setters below need the torrent listed.
        let listed = Date().addingTimeInterval(10)
        while try torrent(infohash: request.infohash) == nil {
            guard Date() < listed else { throw .refused(client: settings.name, reason: "load.raw took the torrent but rTorrent does not list it") }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let target = Self.target(request.infohash)
        _ = try call("d.directory.set", [target, .string(settings.clientPath(request.savePath))])
        if let label = Self.label(category: settings.category, tags: request.tags) { _ = try call("d.custom1.set", [target, .string(label)]) }
    }

    public func verify(infohash: String) throws(ClientError) {
        _ = try call("d.check_hash", [Self.target(infohash)])
    }

    public func torrent(infohash: String) throws(ClientError) -> ClientTorrent? {
        let calls = Self.statusFields.map { XMLRPCValue.structure(["methodName": .string($0), "params": .array([Self.target(infohash)])]) }
        let answer = try call("system.multicall", [.array(calls)])
        do {
            return try Self.status(from: answer)
        } catch {
            throw .refused(client: settings.name, reason: error.description)
        }
    }

    public func start(infohash: String) throws(ClientError) {
        _ = try call("d.start", [Self.target(infohash)])
    }

    /// `d.erase`: rTorrent forgets the torrent; its files stay.
    public func remove(infohash: String) throws(ClientError) {
        _ = try call("d.erase", [Self.target(infohash)])
    }

    private func call(_ method: String, _ params: [XMLRPCValue]) throws(ClientError) -> XMLRPCValue {
        guard let address = SCGI.Address(settings.url) else {
            throw .config(client: settings.name, reason: "scgi must be HOST:PORT or the absolute path of rTorrent's socket, not '\(settings.url)'")
        }
        let answer: [UInt8]
        do {
            answer = try SCGI.exchange(SCGI.request(body: XMLRPC.call(method, params)), with: address, timeout: timeout)
        } catch {
            throw .unreachable(client: settings.name, reason: error.description)
        }
        let response: XMLRPCResponse
        do {
            response = try XMLRPC.response(SCGI.responseBody(answer))
        } catch {
            throw .refused(client: settings.name, reason: "\(method): \(error.description)")
        }
        switch response {
        case .value(let value): return value
        case .fault(let code, let message): throw .refused(client: settings.name, reason: "\(method): \(message) (fault \(code))")
        }
    }
}
