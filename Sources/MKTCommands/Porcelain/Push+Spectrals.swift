import Foundation
import MKTAudioCheck
import MKTSources
import MKTStore
import MKTWorkflow
import Synchronization

extension MKT.Push {
    /// `push.spectrals`: what each release's torrent description links to.
    /// A dry run uploads nothing and says where they would go; a push draws a
    /// release's spectrograms and uploads them to `imagehost.name` when its
    /// first upload is made (once, whatever the number of trackers). Anything
    /// in the way is one warning, and the release goes without them.
    static func spectrograms(context: CommandContext, dryRun: Bool) throws -> (@Sendable (String) -> SpectrogramLinks)? {
        let repository = try context.store
        guard try repository.config.bool("push", "spectrals") else { return nil }
        guard let name = try repository.config.string("imagehost", "name"), let host = WebSource(rawValue: name) else {
            Console.diagnose(.warning, "push.spectrals is on but imagehost.name is not set: no spectrograms are uploaded")
            return nil
        }
        if dryRun { return { _ in .toUpload(host: name) } }
        let imageHost: ImageHost
        do {
            imageHost = ImageHost(service: try context.source(host), apiKey: try context.secret(name, .apiKey))
        } catch {
            Console.diagnose(.warning, "no spectrograms are uploaded: \(error)")
            return nil
        }
        let uploaded = UploadedSpectrograms()
        return { release in
            // Held while one release's pictures go up: another tracker's worker waits for them rather than sending them again.
            uploaded.links.withLock { known in
                if let links = known[release] { return links }
                let links: SpectrogramLinks
                do {
                    links = .uploaded(try upload(release, repository: repository, to: imageHost))
                } catch {
                    Console.diagnose(.warning, "\(release): spectrograms not uploaded, pushed without them: \(error)")
                    links = .off
                }
                known[release] = links
                return links
            }
        }
    }

    /// Draws the release's spectrograms in a scratch folder and uploads each picture: the tracks with their pictures' addresses.
    private static func upload(_ release: String, repository: Repository, to host: ImageHost) throws -> [Spectrograms.Track] {
        guard let snapshot = try repository.snapshot(named: "refs/releases/\(release)") else { throw WorkflowError.unknownRelease(release) }
        let stored = try repository.release(named: snapshot.pieces.hex)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mkt-spectrals-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let drawn = try MKT.Spectrals.make(tree: stored.tree, root: try stored.knownFolder(), folder: folder, label: release)
        return try drawn.tracks.map { track in
            func send(_ picture: String) throws -> String {
                guard let data = FileManager.default.contents(atPath: "\(folder)/\(picture)") else {
                    throw SpectrogramError(path: "\(folder)/\(picture)", reason: "cannot read the picture sox drew")
                }
                return try host.upload(data, name: "the spectrogram of \(track.name)")
            }
            return Spectrograms.Track(name: track.name, full: try send(track.full), zoom: try send(track.zoom))
        }
    }
}

/// The links made so far in this push, by release.
private final class UploadedSpectrograms: Sendable {
    let links = Mutex<[String: SpectrogramLinks]>([:])
}
