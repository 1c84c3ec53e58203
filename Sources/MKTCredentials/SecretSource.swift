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

    public init(helper: String?, environment: [String: String] = ProcessInfo.processInfo.environment) {
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
            let store = try CredentialStore.open(at: storePath, password: try MasterPassword.obtain(environment: environment))
            let credential = try store.use(tracker: tracker, kind: kind)
            try store.save()
            return (credential.secret, store.secrets)
        }
    }
}
