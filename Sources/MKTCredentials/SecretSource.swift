import Foundation

/// Where a command gets a tracker's secret, in this order: `MKT_PASSKEY` for
/// passkeys (an override for scripts), the credential helper if one is
/// configured, then the encrypted credential file (unlocked with the master
/// password). Every secret it hands out is also returned to the caller's
/// redaction layer.
public struct SecretSource {
    public var helper: String?
    public var storePath: String
    public var environment: [String: String]
    /// Where a typed master password's key is remembered for a while (nil: asked every time).
    public var cache: CredentialCache?

    public init(helper: String?, cache: CredentialCache? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.cache = cache
        self.helper = helper ?? environment["MKT_CREDENTIAL_HELPER"].flatMap { $0.isEmpty ? nil : $0 }
        self.storePath = CredentialStore.defaultPath(environment: environment)
        self.environment = environment
    }

    /// - Returns: the secret, and every secret the lookup came to know (all of
    ///   the credential file's when it was unlocked), for redaction.
    public func secret(tracker: String, kind: CredentialKind) throws -> (secret: String, known: [String]) {
        if kind == .passkey, let passkey = environment["MKT_PASSKEY"], !passkey.isEmpty {
            try Credential.validate(secret: passkey)
            return (passkey, [passkey])
        }
        if let helper, let secret = try CredentialHelper.get(helper: helper, tracker: tracker, kind: kind, environment: environment) {
            return (secret, [secret])
        }
        guard CredentialStore.exists(at: storePath) else {
            throw CredentialError.noCredential(tracker: tracker, kind: kind)
        }
        return try CredentialLock.withLock(for: storePath) {
            let store = try CredentialStore.unlock(at: storePath, environment: environment, cache: cache)
            let credential = try store.use(tracker: tracker, kind: kind)
            try store.save()
            return (credential.secret, store.secrets)
        }
    }
}
