import Foundation
import MKTClients
import MKTTorrent

/// What `mkt doctor` asks of a client: that it answers, takes the password,
/// and sees each mapped folder where the mapping says. The last is tried for
/// real: a small probe file in the folder here, its torrent handed to the
/// client paused, checked, then removed (file and torrent).
public enum ClientCheck {
    public struct Finding: Sendable {
        public var passed: Bool
        public var text: String
    }

    public static func run(_ settings: ClientSettings, userAgent: String) -> [Finding] {
        let client = settings.makeClient(userAgent: userAgent)
        do {
            try client.connect()
        } catch {
            return [Finding(passed: false, text: "\(error)")]
        }
        if settings.kind == .watch {
            // A probe torrent dropped there would be taken by the watching client: nothing more is tried.
            return [Finding(passed: true, text: "client \(settings.name) (watch) can write torrents into \(settings.url); the client watching it is not asked, so nothing is checked")]
        }
        var findings = [Finding(passed: true, text: "client \(settings.name) (\(settings.kind.rawValue)) answers at \(settings.url)\(settings.kind == .rtorrent ? " (SCGI has no password)" : " and takes the password")")]
        do {
            findings += try client.limitations().map { Finding(passed: true, text: "client \(settings.name): \($0)") }
        } catch {
            findings.append(Finding(passed: false, text: "\(error)"))
        }
        for map in settings.pathMaps {
            findings.append(probe(map.local, settings: settings, client: client))
        }
        return findings
    }

    static func probe(_ folder: String, settings: ClientSettings, client: any SeedingClient) -> Finding {
        let name = ".mkt-doctor-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let path = "\(folder)/\(name)"
        let remote = settings.clientPath(folder)
        guard FileManager.default.createFile(atPath: path, contents: Data((0..<65_536).map { _ in UInt8.random(in: 0...255) })) else {
            return Finding(passed: false, text: "client \(settings.name): cannot write a probe file in \(folder) (does it exist here?)")
        }
        defer { unlink(path) }
        do {
            let scan = try ReleaseScanner.scan(path)
            let hashes = try PieceHasher().hash(scan, pieceLength: 16_384)
            let bytes = TorrentTemplate(tree: scan.tree, pieces: hashes).torrent(options: TorrentOptions(source: "mkt doctor"), announce: "http://127.0.0.1:9/announce")
            let infohash = try TorrentFile.parse(bytes, label: name).infoHashHex
            var paused = settings
            paused.paused = true
            try Seeder.seed(SeedRequest(torrent: bytes, infohash: infohash, savePath: folder), with: paused.makeClient(userAgent: "mkt doctor"), settle: 3)
            try? client.remove(infohash: infohash)
            return Finding(passed: true, text: "client \(settings.name) sees \(folder) as \(remote)")
        } catch let error as ClientError {
            return Finding(passed: false, text: "\(error)")
        } catch {
            return Finding(passed: false, text: "client \(settings.name): probing \(folder): \(error)")
        }
    }
}
