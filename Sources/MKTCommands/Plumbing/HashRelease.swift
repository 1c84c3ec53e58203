import ArgumentParser
import Foundation
import MKTObjects
import MKTStore
import MKTTorrent
import MKTWorkflow

extension MKT {
    struct HashRelease: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hash-release",
            abstract: "Scan a release folder and hash its pieces; print the pieces object's id.",
            discussion: """
                Files are taken in byte order of their paths (as mktorrent orders them);
                dot-files, Thumbs.db, desktop.ini, @eaDir and *.torrent are left out unless
                --no-default-excludes. With -w the release and pieces objects are stored,
                and a folder that has not changed since it was last hashed is not read again.
                """
        )

        @OptionGroup var scan: ReleaseScanOptions

        @Flag(name: .customShort("w"), help: "Store the release and pieces objects.")
        var write = false

        @Argument(help: "The release folder, or a single file.")
        var path: String

        func run() throws {
            if write {
                let (release, _) = try openRepository().addRelease(at: path, scan: scan.scanOptions, pieceLength: scan.pieceLength)
                Console.write(release.piecesID.hex + "\n")
                return
            }
            let found = try ReleaseScanner.scan(path, options: scan.scanOptions)
            let hashes = try PieceHasher().hash(found, pieceLength: scan.pieceLength ?? PieceLength.automatic(totalSize: found.tree.totalSize))
            let releaseID = LooseObject.id(type: .release, body: found.tree.objectBody())
            Console.write(LooseObject.id(type: .pieces, body: PiecesRecord(releaseID: releaseID, hashes: hashes).objectBody()).hex + "\n")
        }
    }
}
