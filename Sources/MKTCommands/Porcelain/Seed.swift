import ArgumentParser
import Foundation
import MKTClients
import MKTConfig
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
                Clients are [client "NAME"] sections: type (qbittorrent, transmission, deluge,
                rtorrent, watch), url (rtorrent: scgi; watch: watch-dir), username, path-map,
                category, paused, check-timeout; the password is 'mkt credential set NAME
                --password'. A watch folder only gets the torrent file: the line says "handed to
                watch folder DIR", as nothing can confirm that it seeds.

                Examples:
                  mkt seed red
                  mkt seed red artist-album-2020-flac
                """
        )

        @Option(help: "The client (default: seed.client, or the only one configured).")
        var client: String?

        @Argument(help: "The tracker.")
        var tracker: String

        @Argument(help: "Releases (default: every one uploaded to TRACKER and not seeding).")
        var releases: [String] = []

        func run() throws {
            let context = try CommandContext(store: .required)
            let repository = try context.store
            _ = try repository.config.torrentSite(tracker)
            guard let name = try client ?? repository.config.seedingClient() else {
                throw ValidationError(repository.config.clientNames.isEmpty
                    ? "no client configured: add a [client \"NAME\"] section (see mkt help seed)"
                    : "several clients configured: say which with --client or seed.client (\(repository.config.clientNames.joined(separator: ", ")))")
            }
            let action = context.seedAction(client: name)
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
                let (clientName, error, handedTo) = action(try repository.seedJob(for: receipt, release: release))
                if let error {
                    Console.write("\(tracker) \(release): not seeding: \(error)\n")
                    failed += 1
                } else if let handedTo {
                    // Not recorded as seeding: nothing confirms that the watching client seeds it.
                    Console.write("\(tracker) \(release): handed to \(handedTo)\n")
                } else {
                    try repository.recordSeeding(tracker: tracker, release: release, receipt: id, client: clientName)
                    Console.write("\(tracker) \(release): seeding in \(clientName)\n")
                }
            }
            if failed > 0 { throw ExitCode.failure }
        }
    }
}
