import Foundation

public enum CredentialKind: String, Codable, CaseIterable, Sendable, CustomStringConvertible {
    case apiKey = "api-key"
    case passkey
    case cookie
    /// A BitTorrent client's Web UI or RPC password; the "tracker" is the client's name.
    case password

    public var description: String {
        switch self {
        case .apiKey: "API key"
        case .passkey: "passkey"
        case .cookie: "session cookie"
        case .password: "password"
        }
    }
}

/// One stored secret. `secret` is never printed; `maskedTail` is what lists show.
public struct Credential: Codable, Equatable, Sendable {
    public let id: String
    public let tracker: String
    public let kind: CredentialKind
    public var label: String
    public let secret: String
    public let created: Int64
    public var lastUsed: Int64?
    public var active: Bool

    /// The last four characters at most, and only of a secret long enough that
    /// they give little away.
    public var maskedTail: String {
        secret.count >= 12 ? "…" + secret.suffix(4) : "…"
    }

    /// Checks a secret as it is entered: printable, one line, not empty.
    public static func validate(secret: String) throws(CredentialError) {
        if secret.isEmpty { throw .badSecret(reason: "it is empty") }
        if secret.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) {
            throw .badSecret(reason: "it contains a line break, NUL or another control character")
        }
        if secret.utf8.count > 8192 { throw .badSecret(reason: "it is longer than 8192 bytes") }
    }

    /// Tracker names and labels: printable, one line, no '=' (helper protocol).
    public static func validate(name: String, what: String) throws(CredentialError) {
        if name.isEmpty { throw .badName(name, reason: "\(what) is empty") }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f || $0 == "=" }) {
            throw .badName(name.filter { !$0.isNewline }, reason: "\(what) contains a control character or '='")
        }
    }
}
