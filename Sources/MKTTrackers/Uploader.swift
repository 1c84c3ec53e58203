import Foundation
import MKTCatalog
import MKTHTTP
import MKTMetadata
import MKTObjects
import MKTTorrent

/// One torrent for one site, and what the form needs.
public struct UploadJob: Sendable {
    /// The `torrent` object's id, and the torrent (without announce).
    public var torrentID: String
    public var torrent: TorrentFile
    public var release: ReleaseDescription
    public var metaID: String?
    public var logs: [AttachedFile]
    public var dryRun: Bool
    /// The group the torrent joins whatever a lookup finds: a transcode's source's group on this site.
    public var groupID: Int?
    /// The torrent's own description (Gazelle's `release_desc`, after the album's on UNIT3D): the tracker's template filled in.
    public var torrentDescription: String?
    /// Compares a torrent of the same edition the site has already with the
    /// local files; set, such a torrent that matches is adopted instead of
    /// refused as a duplicate (cross-seeding).
    public var crossSeed: (@Sendable (TorrentFile) throws -> TorrentMatch)?

    public init(
        torrentID: String, torrent: TorrentFile, release: ReleaseDescription, metaID: String?, logs: [AttachedFile] = [], dryRun: Bool = false,
        groupID: Int? = nil, torrentDescription: String? = nil
    ) {
        self.torrentID = torrentID
        self.torrent = torrent
        self.release = release
        self.metaID = metaID
        self.logs = logs
        self.dryRun = dryRun
        self.groupID = groupID
        self.torrentDescription = torrentDescription
    }
}

/// What one attempt produced: its receipt (to be stored), the site's copy of
/// the torrent if the site changed it, and how long the site asked to wait.
public struct AttemptResult: Sendable {
    public var receipt: UploadReceipt
    public var siteTorrent: [UInt8]?
    public var retryAfter: TimeInterval?
    /// A dry run's form: what the upload sends (or, on RED, sent with `dryrun=1`).
    public var form: [MultipartField]?
}

/// Uploads to one site, one attempt at a time, following
/// the rule for an unknown outcome: an attempt after one looks the
/// infohash up before sending anything; an "already exists" answer is success;
/// a torrent the site rewrote is fetched back so the right one is seeded.
public final class Uploader {
    public let site: TrackerSite
    let adapter: any SiteAdapter

    /// Uploads through `adapter` (its connection carries the account, the
    /// rate limiter and the transport).
    public init(adapter: any SiteAdapter) {
        self.site = adapter.connection.site
        self.adapter = adapter
    }

    /// The site family's adapter over libcurl.
    /// - Parameter protect: receives each secret the site tells (passkey,
    ///   authkey) before mkt uses it, for the redaction layer.
    /// Asks the site who the key belongs to (Gazelle's `index`, UNIT3D's
    /// user call): it throws when the site cannot be reached or refuses the
    /// key, and returns the passkey when the site tells it.
    public func checkAccount() throws(TrackerError) -> String? { try adapter.passkey() }

    /// Tells `body` of the waits and exchanges of the attempts from now on.
    public func observe(_ body: @escaping @Sendable (ConnectionEvent) -> Void) {
        adapter.connection.observe = body
    }

    public convenience init(site: TrackerSite, credential: String, stateDirectory: String, userAgent: String, protect: @escaping ([String]) -> Void) {
        let connection = TrackerConnection(
            site: site, credential: credential, stateDirectory: stateDirectory, transport: HTTPClient(userAgent: userAgent), protect: protect)
        self.init(adapter: connection.makeAdapter())
    }

    /// One attempt. Never throws: whatever happens is in the receipt.
    /// - Parameter previous: the receipt of the attempt before this one, and its id.
    public func attempt(_ job: UploadJob, previous: (id: String, receipt: UploadReceipt)? = nil, now: () -> Date = Date.init) -> AttemptResult {
        let connection = adapter.connection
        let requestsBefore = connection.requests
        let waitBefore = connection.rateLimitWait
        var receipt = UploadReceipt(
            tracker: site.name, site: site.origin, torrent: job.torrentID,
            infohash: job.torrent.infoHashHex, attempt: previous?.receipt.nextAttempt ?? 1, started: Self.milliseconds(now()))
        receipt.meta = job.metaID
        receipt.key = connection.keyFingerprint
        receipt.previous = previous?.id
        var siteTorrent: [UInt8]?
        var retryAfter: TimeInterval?
        var sent = false
        var form: [MultipartField]?
        do {
            siteTorrent = try run(job, previousOutcome: previous?.receipt.outcome, into: &receipt, sent: &sent, form: &form)
        } catch {
            receipt.category = error.category
            receipt.message = error.message
            receipt.field = error.field
            receipt.httpStatus = error.httpStatus
            receipt.outcome = error.outcomeUnknown ? .outcomeUnknown : error.isFinal ? .rejected : .failed
            // After an unknown outcome, an attempt that failed before sending anything (the
            // lookup itself failed) answers nothing: whether the site has it is still unknown,
            // and the next attempt must look again before it sends.
            if previous?.receipt.outcome == .outcomeUnknown, !sent, receipt.outcome == .failed {
                receipt.outcome = .outcomeUnknown
                receipt.message = "\(error.message); whether the earlier upload reached the site is still unknown"
            }
            retryAfter = error.retryAfter
        }
        // A site may quote the key or the passkey back in what it says.
        receipt.message = receipt.message.map(connection.redact)
        receipt.warnings = receipt.warnings.map(connection.redact)
        receipt.finished = Self.milliseconds(now())
        receipt.requests = connection.requests - requestsBefore
        let waited = connection.rateLimitWait - waitBefore
        receipt.rateLimitWaitMilliseconds = waited.components.seconds * 1000 + waited.components.attoseconds / 1_000_000_000_000_000
        return AttemptResult(receipt: receipt, siteTorrent: siteTorrent, retryAfter: retryAfter, form: form)
    }

    private func run(_ job: UploadJob, previousOutcome: UploadReceipt.Outcome?, into receipt: inout UploadReceipt, sent: inout Bool, form: inout [MultipartField]?) throws(TrackerError) -> [UInt8]? {
        guard job.torrent.source == site.source, job.torrent.isPrivate, !job.torrent.hasVersion2 else {
            throw TrackerError(.local, "torrent \(job.torrentID) is not a private v1 torrent with source \(site.source); build it with make-torrent --tracker \(site.name)")
        }
        // The form is checked before any request: a release the site would refuse costs no request.
        if site.family != .unit3d {
            _ = try UploadForm.gazelle(job.release, site: site, groupID: job.groupID, dryRun: job.dryRun, logs: job.logs)
        }
        if previousOutcome == .outcomeUnknown, let found = try adapter.lookup(infohash: job.torrent.infoHashHex, name: job.torrent.name) {
            record(found, in: &receipt)
            receipt.outcome = .recovered
            receipt.message = "the earlier attempt had reached the site"
            return nil
        }
        var torrent = job.torrent.dictionary
        if let passkey = try adapter.passkey(), adapter.sendsAnnounce {
            torrent = TorrentBuilder.withAnnounce(torrent, announce: site.announceURL(passkey: passkey))
        }
        var existing = try adapter.existing(job.release)
        if let groupID = job.groupID { existing.groupID = groupID }
        if existing.duplicate != nil, let found = try adapter.lookup(infohash: job.torrent.infoHashHex, name: job.torrent.name) {
            // The torrent of the same edition is this very torrent, uploaded before.
            record(found, in: &receipt)
            receipt.outcome = previousOutcome == .outcomeUnknown ? .recovered : .success
            receipt.message = "the torrent was on the site already"
            return nil
        }
        if previousOutcome == .outcomeUnknown, let duplicate = existing.duplicate,
            let copy = try? siteCopy(of: duplicate), copy.info["pieces"] == job.torrent.info["pieces"], copy.pieceLength == job.torrent.pieceLength {
            // Not found by our infohash, yet the same pieces: the site took the
            // earlier attempt and changed its flags. (Had someone else sent
            // the very same bytes meanwhile, seeding the site's copy is right too.)
            record(duplicate, in: &receipt)
            receipt.outcome = .recovered
            receipt.message = "the earlier attempt had reached the site, which changed the torrent"
            return keep(copy, of: job, in: &receipt)
        }
        if let duplicate = existing.duplicate {
            receipt.siteGroupID = duplicate.groupID
            receipt.url = duplicate.url
            let has = "\(site.host) already has this edition in \(job.release.format ?? "") \(job.release.encoding ?? "") from \(job.release.media ?? "")"
            guard let check = job.crossSeed else { throw TrackerError(.duplicate, has) }
            return try adopt(duplicate, has: has, check: check, dryRun: job.dryRun, into: &receipt)
        }
        let request = UploadRequest(
            torrentBytes: Bencode.dictionary(torrent).encoded(), filename: job.torrent.name + ".torrent", release: job.release,
            logs: job.logs, groupID: existing.groupID, dryRun: job.dryRun, torrentDescription: job.torrentDescription, infohash: job.torrent.infoHashHex)
        if job.dryRun { form = try adapter.form(request) }
        if job.dryRun && site.family != .red {
            receipt.outcome = .dryRun
            receipt.siteGroupID = existing.groupID
            receipt.message = "credentials, form and duplicates checked; nothing uploaded (\(site.family.rawValue.uppercased()) has no dry run)"
            return nil
        }
        sent = true
        let answer: UploadAnswer
        do {
            answer = try adapter.upload(request)
        } catch where error.category == .duplicate {
            // A site that finds the duplicate only when asked to take the upload (UNIT3D, by name) refused it: nothing was taken.
            guard let check = job.crossSeed, let found = try adapter.named(job.torrent.name) else { throw error }
            receipt.url = found.url
            return try adopt(found, has: error.message, check: check, dryRun: job.dryRun, into: &receipt)
        }
        if answer.dryRun {
            receipt.outcome = .dryRun
            receipt.siteGroupID = existing.groupID
            receipt.message = "the site checked the upload and kept nothing"
            return nil
        }
        record(answer.torrent, in: &receipt)
        receipt.warnings = answer.warnings
        receipt.outcome = answer.alreadyPresent && previousOutcome == .outcomeUnknown ? .recovered : .success
        if answer.alreadyPresent { receipt.message = "the torrent was on the site already" }
        guard answer.rewritten else { return nil }
        // The site changed `info`: the infohash to seed is the site's.
        let copy: TorrentFile
        do {
            copy = try siteCopy(of: answer.torrent)
        } catch {
            receipt.rewritten = true
            receipt.warnings.append("the site changed the torrent and mkt could not fetch its copy: \(error.message)")
            return nil
        }
        return keep(copy, of: job, in: &receipt)
    }

    /// Cross-seeding: the site's torrent of this edition, fetched and compared
    /// with the local files. One that matches is the site's copy to seed (a
    /// dry run only says so); one that does not is a duplicate, with the file that differs.
    private func adopt(
        _ duplicate: SiteTorrent, has: String, check: (TorrentFile) throws -> TorrentMatch, dryRun: Bool, into receipt: inout UploadReceipt
    ) throws(TrackerError) -> [UInt8]? {
        let copy: TorrentFile
        do {
            copy = try siteCopy(of: duplicate)
        } catch {
            throw TrackerError(.duplicate, "\(has); its torrent \(duplicate.id) could not be fetched to cross-seed: \(error.message)")
        }
        let match: TorrentMatch
        do {
            match = try check(copy)
        } catch {
            throw TrackerError(.local, "\(has); comparing its torrent \(duplicate.id) with the local files: \(error)")
        }
        guard match.isMatch else {
            throw TrackerError(.duplicate, "\(has) in torrent \(duplicate.id), which does not match the local files, so it is not seeded: \(match)")
        }
        record(duplicate, in: &receipt)
        receipt.siteInfohash = copy.infoHashHex
        if dryRun {
            receipt.outcome = .dryRun
            receipt.message = "\(site.host) has this edition in torrent \(duplicate.id), whose pieces all match the local files: a push adopts it and uploads nothing"
            return nil
        }
        receipt.outcome = .adopted
        receipt.message = "\(site.host) had this edition in torrent \(duplicate.id); its pieces all match the local files, so it is seeded and nothing was uploaded"
        return Self.withoutAnnounce(copy)
    }

    /// The torrent as mkt stores a site's copy: without the announce URLs, which carry the passkey.
    public static func withoutAnnounce(_ torrent: TorrentFile) -> [UInt8] {
        var stripped = torrent.dictionary
        stripped["announce"] = nil
        stripped["announce-list"] = nil
        return Bencode.dictionary(stripped).encoded()
    }

    /// The site's torrent `id`, and its file (without announce), for `mkt adopt --id`.
    public func siteTorrent(id: Int) throws(TrackerError) -> (torrent: SiteTorrent, file: TorrentFile) {
        guard let found = try adapter.torrent(id: id) else { throw TrackerError(.validation, "\(site.host) has no torrent \(id)") }
        return (found, try siteCopy(of: found))
    }

    /// The torrent with this infohash, if the site lists it (for `mkt adopt FILE`).
    public func find(_ torrent: TorrentFile) throws(TrackerError) -> SiteTorrent? {
        try adapter.lookup(infohash: torrent.infoHashHex, name: torrent.name)
    }

    /// Which key asks (its fingerprint), for a receipt made outside `attempt`.
    public var keyFingerprint: String { adapter.connection.keyFingerprint }

    /// Requests made so far through this uploader's connection.
    public var requests: Int { adapter.connection.requests }

    private func siteCopy(of torrent: SiteTorrent) throws(TrackerError) -> TorrentFile {
        let bytes = try adapter.download(torrent)
        do {
            return try TorrentFile.parse(bytes, label: "\(site.host)'s torrent \(torrent.id)")
        } catch {
            throw TrackerError(.server, "\(site.host)'s copy of torrent \(torrent.id) does not parse: \(error)")
        }
    }

    /// Records the site's infohash; returns the site's copy to store when it
    /// differs from ours, without the announce URLs, which carry the passkey.
    private func keep(_ copy: TorrentFile, of job: UploadJob, in receipt: inout UploadReceipt) -> [UInt8]? {
        receipt.siteInfohash = copy.infoHashHex
        receipt.rewritten = copy.infoHashHex != job.torrent.infoHashHex
        return receipt.rewritten ? Self.withoutAnnounce(copy) : nil
    }

    private func record(_ torrent: SiteTorrent, in receipt: inout UploadReceipt) {
        // Id 0: the site holds the torrent without saying which it is.
        receipt.siteTorrentID = torrent.id > 0 ? torrent.id : nil
        receipt.siteGroupID = torrent.groupID
        receipt.url = torrent.url
    }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
}

/// When to try again: exponential backoff with full jitter (a random pause
/// between zero and min(cap, base·2ⁿ⁻¹)), never sooner than the site asked.
public struct RetryPolicy: Sendable {
    public var base: TimeInterval
    public var cap: TimeInterval
    /// Takes the pause between attempts: the thread sleeps, or a test's clock
    /// moves on. False when the pause was cut short by a stop (Ctrl-C).
    public var wait: @Sendable (TimeInterval) -> Bool

    public init(base: TimeInterval = 2, cap: TimeInterval = 120, wait: @escaping @Sendable (TimeInterval) -> Bool = { Interruption.sleep($0) }) {
        // Whatever the config said (a negative or absurd number): a pause is 0 to an hour.
        self.base = Self.clamped(base)
        self.cap = Self.clamped(cap)
        self.wait = wait
    }

    static func clamped(_ seconds: TimeInterval) -> TimeInterval { seconds.isNaN ? 0 : min(max(seconds, 0), 3600) }

    public func delay(afterAttempt attempt: Int, retryAfter: TimeInterval?, random: (ClosedRange<Double>) -> Double = { Double.random(in: $0) }) -> TimeInterval {
        let ceiling = min(cap, base * pow(2, Double(min(max(0, attempt - 1), 62))))
        return max(random(0...ceiling), Self.clamped(retryAfter ?? 0))
    }
}
