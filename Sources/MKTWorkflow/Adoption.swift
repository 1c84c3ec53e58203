import Foundation
import MKTCatalog
import MKTObjects
import MKTStore
import MKTTorrent
import MKTTrackers

/// Cross-seeding: a torrent of a release that was made elsewhere (by hand,
/// by another tool, by the site) and is proven, piece by piece, to hold
/// exactly the release's files, recorded as the release's upload to a site.
extension Repository {
    /// Compares `torrent` with a stored release: its stored hashes when the
    /// piece length is theirs (nothing read), else its files read again at
    /// the torrent's piece length.
    public func match(_ torrent: TorrentFile, release: StoredRelease, hasher: PieceHasher = PieceHasher()) throws -> TorrentMatch {
        try TorrentMatch.compare(torrent, with: release.tree, pieces: release.pieces) { length in
            try hasher.hash(release.tree, root: release.knownFolder(), pieceLength: length)
        }
    }

    /// What a site says of a torrent it has, for `recordAdoption`: its ids,
    /// its page, and how much it cost to learn (none for a site without an
    /// API, where the user tells the id).
    public struct SiteRecord: Sendable {
        public var torrent: SiteTorrent?
        /// The fingerprint of the key that asked the site, when one did.
        public var key: String?
        public var requests: Int

        public init(torrent: SiteTorrent?, key: String? = nil, requests: Int = 0) {
            self.torrent = torrent
            self.key = key
            self.requests = requests
        }
    }

    /// Records that `site` has the release called `name` in `torrent`, made
    /// elsewhere: checks it against the release piece by piece, stores it
    /// (without announce), hands it to `seed`'s client, writes an `adopted`
    /// receipt after the tracker ref's current one and moves the ref, as a
    /// successful push does. A job queued for the pair goes: the site has it.
    /// - Throws: `WorkflowError.notTheRelease` naming the file that differs
    ///   (nothing written then), `.busy` while another mkt pushes the pair.
    public func recordAdoption(
        site: TrackerSite, release name: String, torrent: TorrentFile, from record: SiteRecord, seed: SeedAction? = nil, now: () -> Date = Date.init
    ) throws -> (id: ObjectID, receipt: UploadReceipt) {
        let started = Self.milliseconds(now())
        guard let metaID = try refs.read("refs/releases/\(name)") else { throw WorkflowError.unknownRelease(name) }
        let stored = try release(named: objects.readMeta(metaID).pieces.hex)
        let match = try match(torrent, release: stored)
        guard match.isMatch else { throw WorkflowError.notTheRelease(release: name, tracker: site.name, reason: "\(match)") }

        let queue = UploadQueue(repository: self) { _ in }
        guard let lock = try queue.claim(tracker: site.name, release: name) else { throw WorkflowError.busy(tracker: site.name, release: name) }
        defer { lock.release() }
        let ours = try writeTorrents(for: stored, options: [TorrentOptions(source: site.source, isPrivate: true)])[0]
        let ourTorrent = try TorrentFile.parse(Array(objects.read(ours, as: .torrent)), label: "torrent \(ours)")
        let ref = Pusher.trackerRef(site.name, name)
        let previousID = try refs.read(ref)
        let previous = try previousID.map { try objects.readReceipt($0) }

        var receipt = UploadReceipt(
            tracker: site.name, site: site.origin, torrent: ours.hex, infohash: ourTorrent.infoHashHex,
            attempt: previous?.nextAttempt ?? 1, started: started)
        receipt.meta = metaID.hex
        receipt.key = record.key
        receipt.previous = previousID?.hex
        receipt.outcome = .adopted
        receipt.requests = record.requests
        receipt.siteInfohash = torrent.infoHashHex
        if let found = record.torrent {
            receipt.siteTorrentID = found.id > 0 ? found.id : nil
            receipt.siteGroupID = found.groupID
            receipt.url = found.url
        }
        receipt.message = "\(site.host) has this release in \(record.torrent.map { "torrent \($0.id)" } ?? "a torrent made elsewhere"), whose pieces all match the local files"
        let copy = Uploader.withoutAnnounce(torrent)
        switch Result(catching: { () throws(StoreError) -> ObjectID in try objects.write(type: .torrent, body: Data(copy)) }) {
        case .success(let id): receipt.siteTorrent = id.hex
        case .failure(.secretInObject): receipt.warnings.append("the torrent holds one of your secrets; mkt did not keep it")
        case .failure(let error): throw error
        }
        if let seed {
            let report = seed(try seedJob(for: receipt, release: name, siteCopy: copy))
            (receipt.seedClient, receipt.seedError, receipt.seedHandedTo) = report
        }
        receipt.finished = Self.milliseconds(now())
        let id = try objects.write(type: .receipt, body: try receipt.objectBody())
        try update([RefUpdate(name: ref, action: .set(id))], message: "adopt: \(site.name) torrent \(record.torrent.map { String($0.id) } ?? torrent.infoHashHex)")
        if let client = receipt.seedClient, receipt.seedError == nil, receipt.seedHandedTo == nil {
            try recordSeeding(tracker: site.name, release: name, receipt: id, client: client)
        }
        if let job = try queue.job(tracker: site.name, release: name) { try queue.remove(job) }
        return (id, receipt)
    }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
}
