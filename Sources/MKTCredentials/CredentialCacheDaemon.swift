import CMKTSystem
import Foundation
import MKTCrypto

/// The credential cache's daemon (`mkt __credential-cache-daemon SOCKET`):
/// holds data keys in memory, answers only its own user, and exits when it
/// holds nothing (each key forgotten `timeout` seconds after it was stored,
/// as git's credential-cache--daemon.c does), when told to, when its store
/// file is gone, or when its socket is no longer its own.
public enum CredentialCacheDaemon {
    /// How long a daemon started for a key may wait for it before giving up.
    static let idleStart: TimeInterval = 10

    private struct Entry {
        var storePath: [UInt8]
        var key: [UInt8]
        var expires: TimeInterval
    }

    /// Serves until one of the ends above. - Returns: the exit status.
    public static func run(socketPath: String) -> Int32 {
        ProcessHardening.apply()
        signal(SIGPIPE, SIG_IGN)
        signal(SIGHUP, SIG_IGN)
        do {
            try CacheSocket.prepareDirectory(of: socketPath)
        } catch {
            return 1
        }
        // Another daemon already answers: it serves.
        if CacheSocket.exchange(socketPath, request: ["ping"]) != nil { return 0 }
        unlink(socketPath)
        let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard listener >= 0 else { return 1 }
        defer { close(listener) }
        // Mode 0600 from its first moment, not after a chmod.
        let previous = umask(0o177)
        let bound = CacheSocket.withAddress(socketPath) { bind(listener, $0, $1) }
        umask(previous)
        guard bound == 0, listen(listener, 16) == 0 else { return 1 }
        var own = stat()
        guard lstat(socketPath, &own) == 0 else { return 1 }

        var entries: [Entry] = []
        defer {
            for index in entries.indices { SecureRandom.wipe(&entries[index].key) }
            var now = stat()
            if lstat(socketPath, &now) == 0, now.st_ino == own.st_ino { unlink(socketPath) }
        }
        let started = ProcessInfo.processInfo.systemUptime
        while true {
            let now = ProcessInfo.processInfo.systemUptime
            let stale = entries.indices.filter { entries[$0].expires <= now || !storeExists(entries[$0].storePath) }
            for index in stale { SecureRandom.wipe(&entries[index].key) }
            for index in stale.reversed() { entries.remove(at: index) }
            var current = stat()
            guard lstat(socketPath, &current) == 0, current.st_ino == own.st_ino else { return 0 }
            if entries.isEmpty && now - started > idleStart { return 0 }
            var polled = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0)]
            let wake = min(entries.map(\.expires).min().map { $0 - now } ?? 1, 1)
            guard poll(&polled, 1, Int32(max(wake, 0.01) * 1000)) > 0 else { continue }
            // Plain accept (accept4 is behind _GNU_SOURCE): the daemon starts no programs to inherit it.
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            defer { close(client) }
            guard CacheSocket.peerIsUs(client) else { continue }
            CacheSocket.setDeadline(client, seconds: 2)
            guard var request = CacheSocket.readAll(client) else { continue }
            defer { SecureRandom.wipe(&request) }
            var fields = CacheProtocol.decode(request)
            defer { for index in fields.indices { SecureRandom.wipe(&fields[index]) } }
            switch (fields.first.map { String(decoding: $0, as: UTF8.self) }, fields.count) {
            case ("ping", 1):
                _ = CacheSocket.writeAll(client, CacheProtocol.encode([Array("ok".utf8)]))
            case ("get", 2):
                if let entry = entries.last(where: { $0.storePath == fields[1] }) {
                    var reply = CacheProtocol.encode([Array("key".utf8), Hex.encodedBytes(entry.key)])
                    _ = CacheSocket.writeAll(client, reply)
                    SecureRandom.wipe(&reply)
                } else {
                    _ = CacheSocket.writeAll(client, CacheProtocol.encode([Array("none".utf8)]))
                }
            case ("store", 4):
                guard let seconds = Int(String(decoding: fields[1], as: UTF8.self)), seconds > 0,
                      let key = Hex.decode(bytes: fields[3]), key.count == 32 else { continue }
                forget(fields[2], in: &entries)
                entries.append(Entry(storePath: fields[2], key: key, expires: now + TimeInterval(seconds)))
                _ = CacheSocket.writeAll(client, CacheProtocol.encode([Array("ok".utf8)]))
            case ("forget", 2):
                forget(fields[1], in: &entries)
                _ = CacheSocket.writeAll(client, CacheProtocol.encode([Array("ok".utf8)]))
            case ("exit", 1):
                _ = CacheSocket.writeAll(client, CacheProtocol.encode([Array("ok".utf8)]))
                return 0
            default:
                continue
            }
        }
    }

    /// A key whose store is gone opens nothing: forgotten (and a test's temporary store takes its daemon with it).
    private static func storeExists(_ path: [UInt8]) -> Bool {
        var info = stat()
        return lstat(String(decoding: path, as: UTF8.self), &info) == 0
    }

    private static func forget(_ storePath: [UInt8], in entries: inout [Entry]) {
        for index in entries.indices where entries[index].storePath == storePath { SecureRandom.wipe(&entries[index].key) }
        entries.removeAll { $0.storePath == storePath }
    }
}
