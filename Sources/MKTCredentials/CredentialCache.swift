import CMKTSystem
import Foundation
import MKTCrypto
import MKTStore
import MKTSubprocess

/// Remembers the credential store's data key for a while, so the master
/// password typed on a terminal is asked once, not by every command, as git's
/// credential-cache does (git/git builtin/credential-cache.c: a per-user
/// daemon on a Unix socket, each entry forgotten `timeout` seconds after it
/// was stored, 900 by default, the daemon gone once it holds nothing).
///
/// What is held is the data key that seals the records, never the password,
/// and only in the daemon's memory (core dumps off, not dumpable, nothing on
/// disk, in the environment or in an argument). The socket is mode 0600 in a
/// 0700 folder, and each side checks that the other end is the same user
/// (SO_PEERCRED). Only a password asked on the terminal is cached: one from
/// `MKT_PASSWORD_COMMAND`, `MKT_PASSWORD_FILE` or `MKT_PASSWORD` asks nobody.
public struct CredentialCache: Sendable {
    public static let defaultTimeout: TimeInterval = 900

    public let socketPath: String
    public let timeout: TimeInterval
    /// mkt's own binary and its hidden daemon command, to start the daemon when none answers.
    public let daemonCommand: [String]
    /// Where a cache that cannot be used is said (the password is then asked as before).
    public let warn: @Sendable (String) -> Void

    public init(socketPath: String, timeout: TimeInterval, daemonCommand: [String], warn: @escaping @Sendable (String) -> Void) {
        self.socketPath = socketPath
        self.timeout = timeout
        self.daemonCommand = daemonCommand
        self.warn = warn
    }

    /// `$XDG_RUNTIME_DIR/mkt/credential-cache/socket` (a tmpfs the system
    /// empties at logout), else the same under `$XDG_STATE_HOME` or `~/.local/state`.
    public static func socketPath(environment: [String: String]) -> String {
        let base = environment["XDG_RUNTIME_DIR"].flatMap { $0.hasPrefix("/") ? $0 : nil }
            ?? environment["XDG_STATE_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil }
            ?? "\(environment["HOME"] ?? NSHomeDirectory())/.local/state"
        return "\(base)/mkt/credential-cache/socket"
    }

    /// The data key the daemon holds for the store at `storePath`, or nil.
    func key(for storePath: String) -> [UInt8]? {
        guard var reply = CacheSocket.exchange(socketPath, request: ["get", storePath]), reply.first == Array("key".utf8), reply.count == 2 else { return nil }
        defer { for index in reply.indices { SecureRandom.wipe(&reply[index]) } }
        return Hex.decode(bytes: reply[1])
    }

    /// Hands the data key to the daemon, starting it if none answers.
    func remember(_ dataKey: [UInt8], for storePath: String) {
        guard !storePath.utf8.contains(0x0a) else { return }
        var request = [Array("store".utf8), Array(String(Int(timeout)).utf8), Array(storePath.utf8), Hex.encodedBytes(dataKey)]
        defer { SecureRandom.wipe(&request[3]) }
        if CacheSocket.exchange(socketPath, rawRequest: request) != nil { return }
        do {
            try CacheSocket.prepareDirectory(of: socketPath)
            _ = try ChildProcess(daemonCommand + [socketPath], environment: ["PATH": "/usr/bin:/bin"], timeout: 0).startDaemon()
        } catch {
            warn("the credential cache could not be started (\(error)); the master password will be asked again")
            return
        }
        // The daemon binds its socket first thing; give it a few seconds on a loaded machine.
        for _ in 0..<100 {
            if CacheSocket.exchange(socketPath, rawRequest: request) != nil { return }
            usleep(50_000)
        }
        warn("the credential cache at \(socketPath) did not answer; the master password will be asked again")
    }

    /// Drops the key held for `storePath` (its password changed, or the key no longer opens it).
    func forget(_ storePath: String) {
        _ = CacheSocket.exchange(socketPath, request: ["forget", storePath])
    }

    /// Tells the daemon to forget everything and exit.
    /// - Returns: whether a daemon was there to tell.
    public static func exit(socketPath: String) -> Bool {
        CacheSocket.exchange(socketPath, request: ["exit"]) != nil
    }
}

extension CredentialStore {
    /// Unlocks the store at `path`: with the key the cache holds for it when
    /// the password would be typed on a terminal, else with the master password
    /// (which then leaves its key in the cache).
    public static func unlock(at path: String, environment: [String: String], cache: CredentialCache?) throws(CredentialError) -> CredentialStore {
        let cache = MasterPassword.isTyped(environment: environment) ? cache : nil
        if let cache, let key = cache.key(for: path) {
            if let store = try? open(at: path, dataKey: key) { return store }
            cache.forget(path)
        }
        var password = try MasterPassword.obtain(environment: environment)
        defer { SecureRandom.wipe(&password) }
        let store = try open(at: path, password: password)
        cache?.remember(store.cacheableKey, for: path)
        return store
    }

    /// Leaves a new store's key in the cache when its password was typed.
    public func remember(in cache: CredentialCache?, environment: [String: String]) {
        guard MasterPassword.isTyped(environment: environment) else { return }
        cache?.remember(cacheableKey, for: path)
    }

    /// Takes this store's key out of the cache (after its password changed).
    public func forget(in cache: CredentialCache?) {
        cache?.forget(path)
    }
}

/// Requests and replies: fields, one per line; the key in hex (as bytes, which can be wiped).
enum CacheProtocol {
    static let maximumMessage = 16 << 10

    static func encode(_ fields: [[UInt8]]) -> [UInt8] {
        fields.flatMap { $0 + [0x0a] }
    }

    static func decode(_ bytes: [UInt8]) -> [[UInt8]] {
        var fields = bytes.split(separator: 0x0a, omittingEmptySubsequences: false).map(Array.init)
        if fields.last?.isEmpty == true { fields.removeLast() }
        return fields
    }
}

/// The Unix socket both ends use, and the checks that it is this user's.
enum CacheSocket {
    /// One request and its reply, or nil when no daemon of this user answers.
    static func exchange(_ socketPath: String, request: [String]) -> [[UInt8]]? {
        exchange(socketPath, rawRequest: request.map { Array($0.utf8) })
    }

    static func exchange(_ socketPath: String, rawRequest: [[UInt8]]) -> [[UInt8]]? {
        guard isPrivate(directory: (socketPath as NSString).deletingLastPathComponent), isOurs(socket: socketPath) else { return nil }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        guard withAddress(socketPath, { connect(fd, $0, $1) }) == 0, peerIsUs(fd) else { return nil }
        setDeadline(fd, seconds: 5)
        var message = CacheProtocol.encode(rawRequest)
        defer { SecureRandom.wipe(&message) }
        guard writeAll(fd, message) else { return nil }
        shutdown(fd, Int32(SHUT_WR))
        guard var reply = readAll(fd) else { return nil }
        defer { SecureRandom.wipe(&reply) }
        return CacheProtocol.decode(reply)
    }

    /// The folder: a real directory of this user that nobody else may enter.
    static func isPrivate(directory: String) -> Bool {
        var info = stat()
        return lstat(directory, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR && info.st_uid == geteuid() && info.st_mode & 0o077 == 0
    }

    static func isOurs(socket path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFSOCK && info.st_uid == geteuid()
    }

    /// The process at the other end runs as this user: another user's process
    /// is neither answered nor believed, whatever the file modes allow.
    static func peerIsUs(_ fd: Int32) -> Bool {
        var uid: UInt32 = 0
        return mkt_peer_uid(fd, &uid) == 0 && uid == geteuid()
    }

    /// Creates the folder (and missing parents), mode 0700 whatever the umask, and checks it.
    static func prepareDirectory(of socketPath: String) throws(CredentialError) {
        let directory = (socketPath as NSString).deletingLastPathComponent
        var info = stat()
        if lstat(directory, &info) != 0 {
            do {
                try DurableFile.makeDirectories(directory, mode: 0o700)
            } catch {
                throw .io(operation: "create directory", path: directory, errno: EIO)
            }
            chmod(directory, 0o700)
        }
        guard isPrivate(directory: directory) else { throw .unsafeFile(path: directory, reason: "it must be a directory of yours with mode 700") }
    }

    /// Calls `body` with the socket address of `path`; -1 (ENAMETOOLONG) when the path does not fit.
    static func withAddress(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            errno = ENAMETOOLONG
            return -1
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }

    /// Reads and writes on `fd` give up after `seconds`: a stuck peer must not hang mkt or the daemon.
    static func setDeadline(_ fd: Int32, seconds: Int) {
        var limit = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }

    /// Everything up to the peer's end of writing, at most `CacheProtocol.maximumMessage` bytes.
    static func readAll(_ fd: Int32) -> [UInt8]? {
        var bytes: [UInt8] = []
        // Room for the largest message at once: growing would leave copies of a key in freed memory.
        bytes.reserveCapacity(CacheProtocol.maximumMessage)
        var chunk = [UInt8](repeating: 0, count: 4096)
        defer { SecureRandom.wipe(&chunk) }
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else {
                SecureRandom.wipe(&bytes)
                return nil
            }
            if count == 0 { return bytes }
            guard bytes.count + count <= CacheProtocol.maximumMessage else {
                SecureRandom.wipe(&bytes)
                return nil
            }
            bytes += chunk[0..<count]
        }
    }
}
