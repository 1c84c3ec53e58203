import MKTCatalog
import MKTCredentials

extension CredentialKind {
    /// The stored credential a site's uploads need.
    init(_ credential: SiteCredential) {
        switch credential {
        case .apiKey: self = .apiKey
        case .cookie: self = .cookie
        }
    }
}
