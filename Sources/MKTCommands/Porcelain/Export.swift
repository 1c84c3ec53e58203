import ArgumentParser
import Foundation
import MKTCredentials
import MKTStore
import MKTTorrent
import MKTWorkflow

extension MKT {
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a release's torrent for one tracker, with its announce URL, to a file.",
            discussion: """
                REL is the tracker's torrent object, or a release (pieces or release object,
                or a ref to one) whose torrent is built on the spot from the stored hashes.
                The announce URL comes from the tracker's profile (built in, or
                tracker.NAME.announce in the config), with {passkey} replaced by the
                tracker's passkey: from MKT_PASSKEY if set, else from the credential helper
                (credential.helper in the config), else from the credential store. The
                passkey goes into the output file only; the store never sees it.

                Examples:
                  mkt export --tracker red artist-album-2020-flac
                  mkt export --tracker ops -o - artist-album-2020-flac > album.torrent
                """
        )

        @Option(help: "The tracker: red, ops, dic, or one in the config.")
        var tracker: String

        @Argument(help: "The torrent or release.")
        var release: String

        @Option(name: .shortAndLong, help: "The file to write (default NAME.TRACKER.torrent); '-' for standard output.")
        var output: String?

        @Flag(help: "Overwrite the output file if it exists.")
        var force = false

        func run() throws {
            let context = try CommandContext(store: .required)
            let repository = try context.store
            let site = try repository.config.torrentSite(tracker)
            let id = try repository.resolve(release)
            let torrent: TorrentFile
            if try repository.objects.read(id).type == .torrent {
                torrent = try TorrentFile.parse(Array(try repository.objects.read(id, as: .torrent)), label: "object \(id)")
                guard torrent.source == site.source else {
                    throw ValidationError("torrent \(id) has source \(torrent.source ?? "none"), not \(site.source); export the release instead and mkt builds the \(tracker) torrent")
                }
            } else {
                let stored = try repository.release(named: release)
                let built = TorrentTemplate(tree: stored.tree, pieces: stored.pieces).torrent(options: TorrentOptions(source: site.source))
                torrent = try TorrentFile.parse(built, label: "release \(stored.piecesID)")
            }
            let announce = site.needsPasskey ? site.announceURL(passkey: try context.secret(tracker, .passkey)) : site.announceTemplate
            let bytes = Bencode.dictionary(TorrentBuilder.withAnnounce(torrent.dictionary, announce: announce)).encoded()
            try TorrentOutput.write(bytes, to: output ?? "\(torrent.name).\(tracker).torrent", force: force, secret: site.needsPasskey)
        }
    }
}
