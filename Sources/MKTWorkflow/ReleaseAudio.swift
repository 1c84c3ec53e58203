import Foundation
import MKTMetadata
import MKTTorrent

/// The audio facts of a release's files, read where the data is now.
public enum ReleaseAudio {
    /// The facts of a scanned folder's audio files.
    public static func facts(of scan: ReleaseScan) -> (facts: FileMap<AudioFacts>, failures: FileMap<MetadataError>) {
        facts(of: scan.tree, root: scan.root)
    }

    /// - Parameter root: where the release's folder is now.
    /// - Returns: the facts by relative path, and a line for each audio file that could not be read.
    public static func facts(of tree: ReleaseTree, root: String) -> (facts: FileMap<AudioFacts>, failures: FileMap<MetadataError>) {
        var facts: FileMap<AudioFacts> = [:]
        var failures: FileMap<MetadataError> = [:]
        for file in tree.files where ReleaseRules.isAudio(file.path) {
            do {
                var read = try AudioProbe.probe(path: tree.location(of: file, root: root))
                // A release's facts are kept whole; its pictures' bytes are not needed there.
                for index in read.pictures.indices { read.pictures[index].data = [] }
                facts[file.path] = read
            } catch {
                failures[file.path] = error
            }
        }
        return (facts, failures)
    }

    /// The text of each cue sheet (`.cue`) of a release, by relative path; one that cannot be read is empty.
    public static func cueSheets(of tree: ReleaseTree, root: String) -> [String: String] {
        var sheets: [String: String] = [:]
        for file in tree.files where (file.path as NSString).pathExtension.lowercased() == "cue" {
            sheets[file.path] = FileManager.default.contents(atPath: tree.location(of: file, root: root)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
        return sheets
    }
}
