import Foundation
import MKTCatalog
import MKTHTTP
import MKTMetadata
import MKTObjects
import MKTStore
import MKTTorrent
import MKTTrackers

/// Uploading a stored torrent to one tracker: what `push-tracker` does, and
/// what `push` does per (release, tracker). Every attempt leaves a receipt
/// object chained to the one before; refs are the caller's business.
extension Repository {
    /// The job for `torrent` (a torrent object) described by `meta` (a meta
    /// object), with the torrent description the tracker's template makes.
    public func uploadJob(site: TrackerSite, torrent name: String, meta metaName: String, dryRun: Bool, spectrals: SpectrogramLinks = .off) throws -> UploadJob {
        let torrentID = try resolve(name)
        let torrent = try TorrentFile.parse(Array(try objects.read(torrentID, as: .torrent)), label: "torrent \(torrentID)")
        let metaID = try resolve(metaName)
        let meta = try objects.readMeta(metaID)
        let stored = try? release(named: meta.pieces.hex)
        var job = UploadJob(
            torrentID: torrentID.hex, torrent: torrent, release: meta.description, metaID: metaID.hex,
            logs: try stored.map(Self.ripLogs) ?? [], dryRun: dryRun)
        // A torrent of this edition already on the site is adopted when it holds these very files.
        if let stored {
            let repository = self
            job.crossSeed = { @Sendable torrent in try repository.match(torrent, release: stored) }
        }
        var sourceURL: String?
        if let lineage = meta.derived, site.family != .unit3d {
            let source = try sourceGroup(of: lineage, tracker: site.name)
            guard let source else { throw WorkflowError.noSourceGroup(release: torrent.name, source: lineage.source, tracker: site.name) }
            job.groupID = source.groupID
            sourceURL = source.url
        }
        job.torrentDescription = try torrentDescription(tracker: site.name, snapshot: meta, stored: stored, sourceURL: sourceURL, spectrals: spectrals)
        return job
    }

    /// The site's group of a transcode's source, and the source torrent's
    /// page: from the newest receipt on `tracker` that names a group, following
    /// the source's chain of attempts back from its tracker ref.
    public func sourceGroup(of lineage: MetaSnapshot.Lineage, tracker: String) throws -> (groupID: Int, url: String?)? {
        var next = try refs.read("refs/trackers/\(tracker)/\(lineage.source)")
        // A chain is finite, but a damaged one is not followed for ever.
        for _ in 0..<1000 {
            guard let id = next, let receipt = try? objects.readReceipt(id) else { return nil }
            // A success, or a refusal as a duplicate (the site has the source's edition, in this group).
            if let group = receipt.siteGroupID { return (group, receipt.url) }
            next = receipt.previous.flatMap(ObjectID.init(hex:))
        }
        return nil
    }

    /// The rip logs of a release, read from its folder: `.log` files other
    /// than the ones audio checkers write (audiochecker.log, sox.log).
    static func ripLogs(_ release: StoredRelease) throws -> [AttachedFile] {
        let logs = release.tree.files.filter { file in
            let name = (file.path as NSString).lastPathComponent.lowercased()
            return name.hasSuffix(".log") && !["audiochecker.log", "sox.log"].contains(name)
        }
        guard !logs.isEmpty else { return [] }
        let root = try release.knownFolder()
        return try logs.map { file in
            let path = release.tree.location(of: file, root: root)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw TrackerError.local("\(path): cannot read the rip log")
            }
            return AttachedFile(filename: (file.path as NSString).lastPathComponent, data: data)
        }
    }

    /// Runs attempts until one is final or `retries` more are spent, storing
    /// each receipt (and a site's rewritten torrent) as it comes.
    /// - Parameters:
    ///   - previous: the receipt the first attempt follows (for a retry after an unknown outcome).
    ///   - report: told of each stored attempt, and the pause before the next if there is one.
    /// - Returns: the last receipt and its id.
    /// - Parameter seed: called once the site has the torrent, before that
    ///   attempt's receipt is written, with the site's copy if it made one;
    ///   what it returns (the client, why it does not seed, or the watch folder it
    ///   was only handed to) goes into the receipt.
    public func push(
        _ job: UploadJob, with uploader: Uploader, previous: ObjectID?, retries: Int, policy: RetryPolicy,
        seed: (([UInt8]?, UploadReceipt) -> SeedReport?)? = nil,
        report: (ObjectID, UploadReceipt, TimeInterval?) -> Void = { _, _, _ in },
        dryRunForm: ([MultipartField]) -> Void = { _ in }
    ) throws -> (id: ObjectID, receipt: UploadReceipt) {
        var last = try previous.map { ($0, try objects.readReceipt($0)) }
        var attemptsLeft = retries + 1
        while true {
            attemptsLeft -= 1
            var result = uploader.attempt(job, previous: last.map { (id: $0.0.hex, receipt: $0.1) })
            if let form = result.form { dryRunForm(form) }
            if let copy = result.siteTorrent {
                // A site whose copy carries a secret (a source flag equal to the passkey) has the torrent all
                // the same: the upload is recorded, the copy is not kept (it is seeded from memory).
                switch Result(catching: { () throws(StoreError) -> ObjectID in try objects.write(type: .torrent, body: Data(copy)) }) {
                case .success(let id): result.receipt.siteTorrent = id.hex
                case .failure(.secretInObject): result.receipt.warnings.append("the site's copy of the torrent holds one of your secrets; mkt did not keep it")
                case .failure(let error): throw error
                }
            }
            if result.receipt.succeeded, let seeded = seed?(result.siteTorrent, result.receipt) {
                result.receipt.seedClient = seeded.client
                result.receipt.seedError = seeded.error
                result.receipt.seedHandedTo = seeded.handedTo
            }
            let id = try objects.write(type: .receipt, body: try result.receipt.objectBody())
            let again = result.receipt.isRetryable && attemptsLeft > 0
            let pause = again ? policy.delay(afterAttempt: result.receipt.attempt, retryAfter: result.retryAfter) : nil
            report(id, result.receipt, pause)
            guard let pause else { return (id, result.receipt) }
            last = (id, result.receipt)
            // A stop asked for during the pause ends the chain here; the caller keeps the job.
            guard policy.wait(pause) else { return (id, result.receipt) }
        }
    }
}
