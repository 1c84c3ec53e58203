import Foundation
import MKTCrypto
import MKTStore

/// The user's secrets: one encrypted file, `$XDG_CONFIG_HOME/mkt/credentials`
/// (by default `~/.config/mkt/credentials`), mode 0600 in a 0700 directory.
/// It is refused if it is a symbolic link, is owned by someone else, or is
/// readable by anyone but its owner. Every change rewrites it whole through
/// the durable write helper: after a crash it holds the old or the new state.
public final class CredentialStore {
    public let path: String
    public private(set) var records: [Credential]
    private var dataKey: [UInt8]
    /// Magic, version and the key slot: kept from open, so saving needs no key derivation.
    private var header: [UInt8]

    private init(path: String, records: [Credential], dataKey: [UInt8], header: [UInt8]) {
        self.path = path
        self.records = records
        self.dataKey = dataKey
        self.header = header
    }

    deinit {
        SecureRandom.wipe(&dataKey)
    }

    public static func defaultPath(environment: [String: String]) -> String {
        if let explicit = environment["MKT_CREDENTIALS"], !explicit.isEmpty { return explicit }
        let config = environment["XDG_CONFIG_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil }
            ?? "\(environment["HOME"] ?? NSHomeDirectory())/.config"
        return "\(config)/mkt/credentials"
    }

    public static func exists(at path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// PBKDF2 iterations for new stores: OWASP's 2023 floor for PBKDF2-HMAC-SHA256.
    public static let defaultIterations = 600_000

    /// Makes a new, empty store. `iterations` is lowered only by tests.
    public static func create(at path: String, password: [UInt8], iterations: Int = defaultIterations) throws(CredentialError) -> CredentialStore {
        guard !password.isEmpty else { throw .emptyPassword }
        try prepareDirectory(of: path)
        let dataKey = SecureRandom.bytes(32)
        let header = CredentialFile.header(dataKey: dataKey, password: password, iterations: iterations)
        let store = CredentialStore(path: path, records: [], dataKey: dataKey, header: header)
        try store.save()
        return store
    }

    /// Unlocks the store at `path`.
    public static func open(at path: String, password: [UInt8]) throws(CredentialError) -> CredentialStore {
        try checkDirectory(of: path)
        let bytes = try PrivateFile.read(path, limit: 16 << 20)
        let (plaintext, dataKey, header) = try CredentialFile.decode(bytes, password: password, path: path)
        guard let body = try? JSONDecoder().decode(Body.self, from: Data(plaintext)) else { throw .cannotUnlock(path: path) }
        return CredentialStore(path: path, records: body.records, dataKey: dataKey, header: header)
    }

    /// Unlocks the store at `path` with its data key (from the credential cache): no password, no key derivation.
    static func open(at path: String, dataKey: [UInt8]) throws(CredentialError) -> CredentialStore {
        try checkDirectory(of: path)
        let bytes = try PrivateFile.read(path, limit: 16 << 20)
        let (plaintext, header) = try CredentialFile.decode(bytes, dataKey: dataKey, path: path)
        guard let body = try? JSONDecoder().decode(Body.self, from: Data(plaintext)) else { throw .cannotUnlock(path: path) }
        return CredentialStore(path: path, records: body.records, dataKey: dataKey, header: header)
    }

    /// The data key, for the credential cache to hold in its memory.
    var cacheableKey: [UInt8] { dataKey }

    private struct Body: Codable {
        let records: [Credential]
    }

    /// Rewrites the file: the records sealed again under a fresh nonce.
    public func save() throws(CredentialError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var plaintext = [UInt8]((try? encoder.encode(Body(records: records))) ?? Data())
        defer { SecureRandom.wipe(&plaintext) }
        let bytes = CredentialFile.encode(records: plaintext, dataKey: dataKey, header: header)
        do {
            try DurableFile.replace(path, contents: Data(bytes), mode: 0o600)
        } catch .io(let operation, let path, let code) {
            throw .io(operation: operation, path: path, errno: code)
        } catch {
            throw .io(operation: "write", path: path, errno: EIO)
        }
    }

    /// Rewraps the data key under a new password (fresh salt and nonce, the
    /// same iteration count as before, or the default if that is higher); the
    /// records are re-sealed too. Nothing else needs re-encrypting.
    public func changePassword(to newPassword: [UInt8], iterations: Int? = nil) throws(CredentialError) {
        guard !newPassword.isEmpty else { throw .emptyPassword }
        header = CredentialFile.header(dataKey: dataKey, password: newPassword, iterations: iterations ?? max(currentIterations, Self.defaultIterations))
        try save()
    }

    private var currentIterations: Int {
        let at = CredentialFile.magic.count + 3
        return Int(UInt32(header[at]) << 24 | UInt32(header[at + 1]) << 16 | UInt32(header[at + 2]) << 8 | UInt32(header[at + 3]))
    }

    // MARK: - Records

    /// Adds a secret, active; with `replacing`, other active secrets of the same
    /// tracker and kind are made inactive (kept until removed).
    @discardableResult
    public func add(tracker: String, kind: CredentialKind, secret: String, label: String, replacing: Bool, now: Date = Date()) throws(CredentialError) -> Credential {
        try Credential.validate(name: tracker, what: "the tracker name")
        if !label.isEmpty { try Credential.validate(name: label, what: "the label") }
        try Credential.validate(secret: secret)
        if replacing {
            for index in records.indices where records[index].tracker == tracker && records[index].kind == kind {
                records[index].active = false
            }
        }
        let credential = Credential(
            id: Hex.encode(SecureRandom.bytes(4)), tracker: tracker, kind: kind, label: label, secret: secret,
            created: Int64(now.timeIntervalSince1970), lastUsed: nil, active: true)
        records.append(credential)
        return credential
    }

    public func remove(id: String) throws(CredentialError) {
        guard let index = records.firstIndex(where: { $0.id == id }) else { throw .noSuchCredential(id) }
        records.remove(at: index)
    }

    /// The newest active secret of a kind for a tracker, marked as used now.
    public func use(tracker: String, kind: CredentialKind, now: Date = Date()) throws(CredentialError) -> Credential {
        guard let index = records.lastIndex(where: { $0.tracker == tracker && $0.kind == kind && $0.active }) else {
            throw .noCredential(tracker: tracker, kind: kind)
        }
        records[index].lastUsed = Int64(now.timeIntervalSince1970)
        return records[index]
    }

    /// Every secret, for the redaction layer.
    public var secrets: [String] { records.map(\.secret) }

    // MARK: - Files and permissions

    /// Creates the directory (and missing parents) private to the user.
    private static func prepareDirectory(of path: String) throws(CredentialError) {
        let directory = (path as NSString).deletingLastPathComponent
        var info = stat()
        if lstat(directory, &info) != 0 {
            do {
                try DurableFile.makeDirectories(directory, mode: 0o700)
            } catch .io(let operation, let failed, let code) {
                throw .io(operation: operation, path: failed, errno: code)
            } catch {
                throw .io(operation: "create directory", path: directory, errno: EIO)
            }
            // mkdir's mode passes through the umask; this one must not.
            chmod(directory, 0o700)
        }
        try checkDirectory(of: path)
    }

    private static func checkDirectory(of path: String) throws(CredentialError) {
        let directory = (path as NSString).deletingLastPathComponent
        var info = stat()
        guard lstat(directory, &info) == 0 else { throw .io(operation: "open directory", path: directory, errno: errno) }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw .unsafeFile(path: directory, reason: "it is not a directory (a symbolic link?)") }
        guard info.st_uid == geteuid() else { throw .unsafeFile(path: directory, reason: "it is owned by another user") }
        guard info.st_mode & 0o077 == 0 else {
            throw .unsafeFile(path: directory, reason: "mode \(String(info.st_mode & 0o777, radix: 8)) lets others in; run: chmod 700 '\(directory)'")
        }
    }
}

/// Serialises changes to the credential file between processes (`FileLock`),
/// failing with the credential store's errors.
public enum CredentialLock {
    public static func withLock<T>(for path: String, _ body: () throws -> T) throws -> T {
        let fd: Int32
        do {
            fd = try FileLock.lock(path + ".lock")
        } catch {
            guard case .io(let operation, let lockPath, let code) = error else { throw error }
            throw CredentialError.io(operation: operation, path: lockPath, errno: code)
        }
        defer { close(fd) }
        return try body()
    }
}
