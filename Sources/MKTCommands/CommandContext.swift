import Foundation
import MKTCatalog
import MKTClients
import MKTConfig
import MKTCredentials
import MKTHTTP
import MKTSources
import MKTStore
import MKTTorrent
import MKTTrackers
import MKTWorkflow

/// What one invocation of mkt works with, made once at its start (as
/// SwiftPM's SwiftCommandState is): the store if the command wants one, the
/// config (the store's over the user's), secrets with their redaction in place
/// before anything is written, and the user's state and cache folders.
/// Commands use it rather than each other.
struct CommandContext {
    enum StoreNeed {
        /// The command works in a store and fails outside one.
        case required
        /// Inside a store it uses it; outside one, the user's config alone.
        case optional
    }

    let environment: [String: String]
    /// The store, when there is one; every object it writes passes the secret barrier.
    let repository: Repository?
    let config: Config
    let userAgent = "mkt/\(MKT.version)"

    init(store need: StoreNeed, environment: [String: String] = ProcessInfo.processInfo.environment) throws(StoreError) {
        self.environment = environment
        var repository: Repository?
        do {
            repository = try Repository.discover(from: FileManager.default.currentDirectoryPath, environment: environment)
        } catch .notAStore where need == .optional {
            repository = nil
        }
        // Before anything is written: no object may hold a secret this process
        // knows, including those it learns later (a site's passkey).
        repository?.objects.barrier = Console.KnownSecretsBarrier()
        self.repository = repository
        if let repository {
            config = repository.config
        } else {
            config = try Repository.globalConfig(environment: environment)
        }
    }

    /// The store, for a command that needs one.
    var store: Repository {
        get throws(StoreError) {
            guard let repository else { throw .notAStore(searchedFrom: FileManager.default.currentDirectoryPath) }
            return repository
        }
    }

    // MARK: - Secrets

    /// A secret for (tracker or service, kind), from `MKT_PASSKEY`, the
    /// credential helper or the store; every secret learnt on the way is redacted from then on.
    func secret(_ name: String, _ kind: CredentialKind) throws -> String {
        let (secret, known) = try SecretSource(helper: try config.string("credential", "helper"), cache: try credentialCache(), environment: environment).secret(tracker: name, kind: kind)
        Console.protect(known)
        return secret
    }

    /// The credential cache (`credential.cache-timeout`, 0 for none), its daemon mkt's own binary.
    func credentialCache() throws(ConfigError) -> CredentialCache? {
        let timeout = try config.seconds("credential", "cache-timeout")
        guard timeout > 0, let binary = Bundle.main.executablePath else { return nil }
        return CredentialCache(
            socketPath: CredentialCache.socketPath(environment: environment), timeout: timeout,
            daemonCommand: [binary, MKT.CredentialCacheDaemon.configuration.commandName ?? "__credential-cache-daemon"]
        ) { Console.diagnose(.warning, $0) }
    }

    // MARK: - Where state and caches live

    /// `$XDG_STATE_HOME/mkt/ratelimit` (else `~/.local/state/mkt/ratelimit`): the rate limiters' state.
    var rateLimitDirectory: String { "\(Self.base(environment, "XDG_STATE_HOME", ".local/state"))/mkt/ratelimit" }

    /// `$XDG_CACHE_HOME/mkt/sources` (else `~/.cache/mkt/sources`): the web sources' answers.
    var sourceCacheDirectory: String { "\(Self.base(environment, "XDG_CACHE_HOME", ".cache"))/mkt/sources" }

    /// `$XDG_CONFIG_HOME/mkt/watch-token` (else `~/.config/mkt/watch-token`): the completion call's token, unless `watch.token-file` says.
    var defaultWatchTokenFile: String { "\(Self.base(environment, "XDG_CONFIG_HOME", ".config"))/mkt/watch-token" }

    private static func base(_ environment: [String: String], _ variable: String, _ fallback: String) -> String {
        environment[variable].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? "\(environment["HOME"] ?? NSHomeDirectory())/\(fallback)"
    }

    // MARK: - Sites, sources, clients

    /// An uploader per site, with its key; every secret learnt is redacted.
    func uploader() -> @Sendable (TrackerSite) throws -> Uploader {
        let context = self
        return { site in
            // A site without an upload API needs no key: its adapter refuses every call, saying what mkt does instead.
            let credential = site.family.takesUploads ? try context.secret(site.name, CredentialKind(site.family.credential)) : ""
            return Uploader(site: site, credential: credential, stateDirectory: context.rateLimitDirectory, userAgent: context.userAgent) {
                Console.protect($0)
            }
        }
    }

    /// The pauses between attempts: `push.backoff`, doubling up to `push.backoff-max`.
    func retryPolicy() throws(ConfigError) -> RetryPolicy {
        RetryPolicy(base: try config.seconds("push", "backoff"), cap: try config.seconds("push", "backoff-max"))
    }

    /// A web metadata source at its address (or `source.NAME.url`), within its
    /// limit (or `source.NAME.rate-limit`), with the user's contact in the User-Agent.
    func source(_ source: WebSource, headers: [(name: String, value: String)] = [("Accept", "application/json")]) throws(ConfigError) -> SourceConnection {
        let name = source.rawValue
        let contact = try config.string("sources", "contact") ?? "set sources.contact in the mkt config"
        return SourceConnection(
            name: name, baseURL: try config.string("source", "url", subsection: name) ?? source.address,
            limit: try config.rateLimit("source", "rate-limit", subsection: name).map(RateLimiter.Limit.init) ?? source.limit,
            userAgent: "\(userAgent) ( \(contact) )", stateDirectory: rateLimitDirectory, cacheDirectory: sourceCacheDirectory,
            headers: headers)
    }

    /// The seeding step shared by `mkt push` and `mkt seed`: the client's
    /// password and the passkey from the secrets, the announce URL rendered
    /// now (never stored), the client told.
    func seedAction(client name: String) -> SeedAction {
        let context = self
        return { job in
            do {
                var settings = try context.config.clientSettings(name)
                if settings.asksPassword { settings.password = try context.secret(name, .password) }
                let site = try context.config.torrentSite(job.tracker)
                let announce = site.needsPasskey ? site.announceURL(passkey: try context.secret(job.tracker, .passkey)) : site.announceTemplate
                let bytes = Bencode.dictionary(TorrentBuilder.withAnnounce(job.torrent.dictionary, announce: announce)).encoded()
                let request = SeedRequest(torrent: bytes, infohash: job.torrent.infoHashHex, savePath: job.savePath, tags: [job.tracker])
                switch try Seeder.seed(request, with: settings.makeClient(userAgent: context.userAgent)) {
                case .seeding: return (name, nil, nil)
                case .handedOff(let folder): return (name, nil, "watch folder \(folder)")
                }
            } catch {
                return (name, "\(error)", nil)
            }
        }
    }
}
