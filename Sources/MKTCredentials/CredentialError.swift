import Foundation

/// What the credential store refuses, always without the secret in the text.
public enum CredentialError: Error, Equatable, CustomStringConvertible {
    /// Wrong password and damaged file are deliberately one error: telling
    /// them apart would help someone tampering with the file.
    case cannotUnlock(path: String)
    case unsafeFile(path: String, reason: String)
    case io(operation: String, path: String, errno: Int32)
    case noPassword
    case passwordSource(String)
    case passwordMismatch
    case emptyPassword
    case badSecret(reason: String)
    case badName(String, reason: String)
    case noSuchCredential(String)
    case noCredential(tracker: String, kind: CredentialKind)
    case helper(command: String, reason: String)

    public var description: String {
        switch self {
        case .cannotUnlock(let path):
            "cannot unlock \(path): wrong password, or the file is damaged"
        case .unsafeFile(let path, let reason):
            "refusing \(path): \(reason)"
        case .io(let operation, let path, let code):
            "cannot \(operation) '\(path)': \(String(cString: strerror(code)))"
        case .noPassword:
            "no master password: set MKT_PASSWORD_COMMAND, MKT_PASSWORD_FILE or MKT_PASSWORD, or run on a terminal"
        case .passwordSource(let reason):
            "cannot get the master password: \(reason)"
        case .passwordMismatch:
            "the two passwords do not match"
        case .emptyPassword:
            "the master password must not be empty"
        case .badSecret(let reason):
            "refusing the secret: \(reason)"
        case .badName(let name, let reason):
            "invalid name '\(name)': \(reason)"
        case .noSuchCredential(let id):
            "no credential with id \(id) (see 'mkt credential list')"
        case .noCredential(let tracker, let kind):
            "no active \(kind) for \(tracker): add one with 'mkt credential set \(tracker) --\(kind.rawValue)'"
        case .helper(let command, let reason):
            "credential helper '\(command)': \(reason)"
        }
    }
}
