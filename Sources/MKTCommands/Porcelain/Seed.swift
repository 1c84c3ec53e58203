import ArgumentParser
import Foundation
import MKTClients
import MKTCredentials
import MKTObjects
import MKTStore
import MKTTorrent
import MKTTrackers
import MKTWorkflow

extension MKT {
    struct Seed: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Hand uploaded torrents to the BitTorrent client, to seed.",
            discussion: """
                For each RELEASE uploaded to TRACKER (default: every one not seeding yet), the
                torrent the site has (its own copy if it changed ours) goes to the client, with
                the tracker's announce URL and your passkey, which are never stored. The
                client is told where the release's folder is (through the client's path-map)
                and the torrent is added paused, checked, and started only when the client
                finds every byte; otherwise it is removed again and nothing is downloaded.
                'mkt push' does this itself after each upload when a client is configured.
                Clients are [client "NAME"] sections: type, url, username, path-map, category,
                paused, check-timeout; the password is 'mkt credential set NAME --password'.
                """
        )

        @Option(help: "The client (default: seed.client, or the only one configured).")
        var client: String?

        @Argument(help: "The tracker.")
        var tracker: String

        @Argument(help: "Releases (default: every one uploaded to TRACKER and not seeding).")
        var releases: [String] = []

        func run() throws {
            var repository = try openRepository()
            repository.objects.barrier = Console.KnownSecretsBarrier()
            guard let name = client ?? repository.config.seedingClient else {
                throw ValidationError(repository.config.clientNames.isEmpty
                    ? "no client configured: add a [client \"NAME\"] section (see mkt help seed)"
                    : "several clients configured: say which with --client or seed.client (\(repository.config.clientNames.joined(separator: ", ")))")
            }
            let action = SeedingSetup.action(client: name, config: repository.config)
            var names = releases.map(shortReleaseName)
            if names.isEmpty {
                names = try repository.refs.list(under: "refs/trackers/\(tracker)").compactMap { entry in
                    let release = String(entry.name.dropFirst("refs/trackers/\(tracker)/".count))
                    guard case .success(let id) = entry.value, try repository.seeding(tracker: tracker, release: release) != id else { return nil }
                    return release
                }
            }
            var failed = 0
            for release in names {
                guard let id = try repository.refs.read("refs/trackers/\(tracker)/\(release)"),
                    let receipt = try? repository.objects.readReceipt(id), receipt.succeeded else {
                    Console.write("\(tracker) \(release): not uploaded to \(tracker); nothing to seed\n")
                    failed += 1
                    continue
                }
                let (clientName, error) = action(try repository.seedJob(for: receipt, release: release))
                if let error {
                    Console.write("\(tracker) \(release): not seeding: \(error)\n")
                    failed += 1
                } else {
                    try repository.recordSeeding(tracker: tracker, release: release, receipt: id, client: clientName)
                    Console.write("\(tracker) \(release): seeding in \(clientName)\n")
                }
            }
            if failed > 0 { throw ExitCode.failure }
        }
    }
}

/// The seeding step shared by `mkt push` and `mkt seed`: secrets from the
/// credential store or helper, the announce URL rendered now, the client told.
enum SeedingSetup {
    static func action(client name: String, config: StoreConfig) -> SeedAction {
        let helper = config.value("credential", "helper")
        return { job in
            do {
                var settings = try config.clientSettings(name)
                if settings.username != nil {
                    let (password, known) = try SecretSource(helper: helper).secret(tracker: name, kind: .password)
                    Console.protect(known)
                    settings.password = password
                }
                let profile = try config.trackerProfile(job.tracker)
                var announce = profile.announceTemplate
                if announce.contains(TrackerProfile.passkeyPlaceholder) {
                    let (passkey, known) = try SecretSource(helper: helper).secret(tracker: job.tracker, kind: .passkey)
                    Console.protect(known)
                    announce = profile.announceURL(passkey: passkey)
                }
                let bytes = Bencode.dictionary(TorrentBuilder.withAnnounce(job.torrent.dictionary, announce: announce)).encoded()
                let request = SeedRequest(torrent: bytes, infohash: job.torrent.infoHashHex, savePath: job.savePath, tags: [job.tracker])
                try Seeder.seed(request, with: settings.makeClient(userAgent: "mkt/\(MKT.version)"))
                return (name, nil)
            } catch {
                return (name, "\(error)")
            }
        }
    }
}
