import ArgumentParser
import Foundation
import MKTStore
import MKTTorrent
import MKTTrackers
import MKTWorkflow

extension MKT {
    struct Adopt: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record an upload made without mkt (by hand, by another tool) as the release's upload.",
            discussion: """
                The torrent TRACKER has of RELEASE, given as its .torrent file or as the site's torrent
                id (--id, fetched from the site), is checked against the release piece by piece: with
                the stored hashes when its piece length is the store's, else by reading the files at
                its piece length. Only when every piece matches is it stored, handed to the BitTorrent
                client as 'mkt push' does (unless --no-seed), and recorded as an 'adopted' receipt that
                refs/trackers/TRACKER/RELEASE then points at: a later push says "up to date". When a
                piece differs, nothing is recorded and the error names the file(s) it covers.

                On a site without an upload API (mam), 'mkt push' wrote an upload kit and a
                'prepared' receipt; once you have uploaded the kit's torrent by hand, --id
                records the site's torrent id as that upload's success and seeds the kit's torrent.

                Examples:
                  mkt adopt ops artist-album-2019-flac --id 1234
                  mkt adopt red artist-album-2019-flac 'Artist - Album (2019) [FLAC].torrent'
                  mkt adopt mam author-book-2021 --id 987654
                """
        )

        @Argument(help: "The tracker the torrent is on.")
        var tracker: String

        @Argument(help: "The release (NAME or refs/releases/NAME).")
        var release: String

        @Argument(help: "The .torrent file (the one uploaded, or the site's).")
        var torrentFile: String?

        @Option(help: "The site's torrent id: the torrent is fetched from the site.")
        var id: Int?

        @Option(help: "The client (default: seed.client, or the only one configured).")
        var client: String?

        @Flag(help: "Record it without handing the torrent to a client.")
        var noSeed = false

        func validate() throws {
            guard (torrentFile == nil) != (id == nil) else { throw ValidationError("give the torrent file or --id ID, one of them") }
        }

        func run() throws {
            let context = try CommandContext(store: .required)
            let repository = try context.store
            let site = try repository.config.tracker(tracker)
            let name = shortReleaseName(release)
            // Before asking the site anything.
            guard try repository.refs.read("refs/releases/\(name)") != nil else { throw WorkflowError.unknownRelease(name) }
            let clientName = noSeed ? nil : try client ?? repository.config.seedingClient()
            if !site.family.takesUploads {
                // The site cannot be asked: the upload is the kit's torrent, uploaded by hand.
                guard let id else { throw ValidationError("\(tracker) has no API to fetch or look up a torrent: give the site's torrent id (--id ID) of the kit you uploaded") }
                let (_, receipt) = try repository.adoptPreparedUpload(
                    tracker: tracker, release: name, siteTorrentID: id, seed: clientName.map { context.seedAction(client: $0) })
                Console.write("\(tracker) \(name): \(receipt.summary)\n")
                if receipt.seedError != nil { throw ExitCode.failure }
                return
            }
            let uploader = try context.uploader()(site)
            let (found, torrent) = try siteTorrent(from: uploader, host: site.host)
            let (_, receipt) = try repository.recordAdoption(
                site: site, release: name, torrent: torrent,
                from: Repository.SiteRecord(torrent: found, key: uploader.keyFingerprint, requests: uploader.requests),
                seed: clientName.map { context.seedAction(client: $0) })
            Console.write("\(tracker) \(name): \(receipt.summary)\n")
            if receipt.seedError != nil { throw ExitCode.failure }
        }

        /// The site's torrent by --id, or the file's torrent as the site lists it.
        private func siteTorrent(from uploader: Uploader, host: String) throws -> (torrent: SiteTorrent, file: TorrentFile) {
            if let id { return try uploader.siteTorrent(id: id) }
            let path = torrentFile ?? ""
            guard let data = FileManager.default.contents(atPath: path) else { throw CommandError.unreadable(path, errno: errno) }
            let torrent = try TorrentFile.parse(Array(data), label: path)
            guard let found = try uploader.find(torrent) else {
                throw TrackerError(.validation, "\(path): \(host) lists no torrent with infohash \(torrent.infoHashHex); adopt the one the site hands out (--id ID)")
            }
            return (found, torrent)
        }
    }
}
