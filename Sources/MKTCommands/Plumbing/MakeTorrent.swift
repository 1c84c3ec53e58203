import ArgumentParser
import Foundation
import MKTConfig
import MKTObjects
import MKTStore
import MKTTorrent
import MKTWorkflow

extension MKT {
    struct MakeTorrent: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "make-torrent",
            abstract: "Build a torrent from a folder, or from a release in the store.",
            discussion: """
                  mkt make-torrent PATH [options] [-o FILE]   no store needed: a drop-in for mktorrent
                  mkt make-torrent PATH [options] -w          store release, pieces and torrent; print the torrent's id
                  mkt make-torrent --release REL [options] (-o FILE | -w)
                The torrent is private and version 1, with info.source from --tracker (or
                --source). An announce URL goes into the file only when --announce is given,
                and never into the store. Without -o or -w the file is NAME.torrent.
                """
        )

        @Argument(help: "The release folder or single file.")
        var path: String?

        @Option(help: "A release in the store: a pieces or release object, or a ref to one.")
        var release: String?

        @Option(help: "The tracker the torrent is for (red, ops, dic, or one in the config): sets info.source.")
        var tracker: String?

        @Option(help: "info.source, when no --tracker is given.")
        var source: String?

        @Option(help: "The announce URL to write into the file (-o only).")
        var announce: String?

        @Option(help: "The comment, outside info.")
        var comment: String?

        @Flag(help: "Make a public torrent (no private flag).")
        var `public` = false

        @Flag(help: "Add a creation date (which makes the output differ from run to run).")
        var date = false

        @Flag(help: "Make a v1+v2 hybrid (BEP 52, with pad files); Gazelle sites refuse these. Hashes PATH again.")
        var hybrid = false

        @OptionGroup var scan: ReleaseScanOptions

        @Option(name: .shortAndLong, help: "The file to write; '-' for standard output.")
        var output: String?

        @Flag(name: .customShort("w"), help: "Store the torrent object and print its id.")
        var write = false

        @Flag(help: "Overwrite the output file if it exists.")
        var force = false

        func validate() throws {
            if (path == nil) == (release == nil) { throw ValidationError("give a PATH or --release, not both") }
            if tracker != nil && source != nil { throw ValidationError("--tracker and --source cannot be used together") }
            if write && output != nil { throw ValidationError("-o and -w cannot be used together") }
            if write && announce != nil { throw ValidationError("the store never holds announce URLs; use 'mkt export' to add one") }
            if release != nil && !write && output == nil { throw ValidationError("with --release, give -o FILE or -w") }
            if hybrid && release != nil { throw ValidationError("a hybrid torrent needs its own hashing pass: give the release folder, not --release") }
        }

        func run() throws {
            if hybrid { return try runHybrid() }
            let repository = (write || release != nil) ? try openRepository() : nil
            let stored: StoredRelease?
            let tree: ReleaseTree
            let hashes: PieceHashes
            if let repository {
                let found = try release.map { try repository.release(named: $0) }
                    ?? repository.addRelease(at: path!, scan: scan.scanOptions, pieceLength: scan.pieceLength).release
                (stored, tree, hashes) = (found, found.tree, found.pieces)
            } else {
                let found = try ReleaseScanner.scan(path!, options: scan.scanOptions)
                tree = found.tree
                hashes = try PieceHasher().hash(found, pieceLength: scan.pieceLength ?? PieceLength.automatic(totalSize: tree.totalSize))
                stored = nil
            }
            // Outside a store only the built-in trackers are known.
            let options = try torrentOptions(config: repository?.config ?? configIfInStore())
            if write, let repository, let stored {
                Console.write(try repository.writeTorrents(for: stored, options: [options])[0].hex + "\n")
                return
            }
            let torrent = TorrentTemplate(tree: tree, pieces: hashes).torrent(options: options, announce: announce)
            try TorrentOutput.write(torrent, to: output ?? "\(tree.name).torrent", force: force)
        }

        private func torrentOptions(config: Config) throws -> TorrentOptions {
            TorrentOptions(
                source: try tracker.map { try config.torrentSite($0).source } ?? source, isPrivate: !self.public,
                comment: comment, creationDate: date ? Int64(Date().timeIntervalSince1970) : nil)
        }

        private func runHybrid() throws {
            let repository = write ? try openRepository() : nil
            let found = try ReleaseScanner.scan(path!, options: scan.scanOptions)
            let tree = found.tree
            let options = try torrentOptions(config: repository?.config ?? configIfInStore())
            let length = scan.pieceLength ?? PieceLength.automatic(totalSize: tree.totalSize)
            let torrent = try HybridTorrent.build(found, pieceLength: length, options: options)
            if let repository {
                _ = try repository.writeRelease(tree)
                Console.write(try repository.objects.write(type: .torrent, body: Data(torrent)).hex + "\n")
                return
            }
            var bytes = torrent
            if let announce {
                let parsed = try TorrentFile.parse(torrent, label: tree.name)
                bytes = Bencode.dictionary(TorrentBuilder.withAnnounce(parsed.dictionary, announce: announce)).encoded()
            }
            try TorrentOutput.write(bytes, to: output ?? "\(tree.name).torrent", force: force)
        }
    }
}

/// Writes a .torrent file the user asked for: never over an existing file unless forced.
enum TorrentOutput {
    /// - Parameter secret: the file holds a passkey (an exported torrent's announce URL): mode 0600, whatever the umask.
    static func write(_ bytes: [UInt8], to path: String, force: Bool, secret: Bool = false) throws {
        let mode: mode_t = secret ? 0o600 : 0o644
        if path == "-" {
            Console.write(Data(bytes))
        } else if force {
            try DurableFile.replace(path, contents: Data(bytes), mode: mode)
        } else if try !DurableFile.create(path, contents: Data(bytes), mode: mode) {
            throw StoreError.io(operation: "write", path: path, errno: EEXIST)
        }
    }
}
