import Foundation
import MKTCatalog
import MKTMetadata
import MKTObjects
import MKTStore
import MKTTorrent
import MKTTrackers

/// What a site without an upload API (MyAnonamouse) needs to be uploaded to
/// by hand: the torrent, the description in BBCode, the fields its upload
/// form's JSON fast-fill takes, and the cover. Pure, so tests pin each file.
public enum UploadKit {
    public struct File: Equatable, Sendable {
        public var name: String
        public var data: Data
        /// The torrent carries the passkey in its announce URL: only its owner reads it.
        public var secret = false
    }

    public static let descriptionFile = "description.bbcode"
    public static let fastFillFile = "mam-fast-fill.json"

    /// - Parameters:
    ///   - torrent: the torrent's bytes, with the announce URL when the passkey is known.
    ///   - cover: the cover image's bytes and extension (`jpg`, `png`).
    public static func files(release: ReleaseDescription, torrentName: String, torrent: [UInt8], carriesPasskey: Bool, cover: (data: Data, ext: String)?) throws -> [File] {
        let description = AlbumDescription.bbcode(release)
        var files = [
            File(name: "\(torrentName).torrent", data: Data(torrent), secret: carriesPasskey),
            File(name: descriptionFile, data: Data((description + "\n").utf8)),
            File(name: fastFillFile, data: try JSONSerialization.data(withJSONObject: fastFill(release, description: description), options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) + Data("\n".utf8)),
        ]
        if let cover { files.append(File(name: "cover.\(cover.ext)", data: cover.data)) }
        return files
    }

    /// The fast-fill fields, by name, each value as text (a list or an object as its JSON): what `mkt show` lists.
    public static func fastFillFields(_ release: ReleaseDescription) throws -> [MultipartField] {
        let fields = fastFill(release, description: AlbumDescription.bbcode(release))
        return try fields.keys.sorted().map { key in
            let value = fields[key] ?? ""
            if let text = value as? String { return .value(key, text) }
            return .value(key, String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes]), as: UTF8.self))
        }
    }

    /// The JSON MAM's upload form fills itself from. MAM documents it only to
    /// members; these are the fields H2OKing89/shelfr's MAM JSON builder
    /// (src/shelfr/metadata/mam/json_builder.py) writes, and only those mkt
    /// knows: `title`, `authors`, `narrators`, `series` (`name`, `number`),
    /// `description` (BBCode), `thumbnail` (the cover's address), `isbn`
    /// (`ASIN:` and the ASIN), `mediaType` (1, an audiobook), and `tags`
    /// (`Length: … | Format: … | Chapterized |`, shelfr's shape). MAM's
    /// category numbers and language are not guessed.
    public static func fastFill(_ release: ReleaseDescription, description: String) -> [String: Any] {
        var fields: [String: Any] = ["description": description, "mediaType": 1]
        fields["title"] = release.title
        let authors = release.author.map { [$0] } ?? release.artists
        if !authors.isEmpty { fields["authors"] = authors }
        if let narrator = release.narrator {
            fields["narrators"] = narrator.components(separatedBy: ", ").filter { !$0.isEmpty }
        }
        if let series = release.series {
            let (name, number) = AudiobookDescription.seriesParts(series)
            fields["series"] = [["name": name, "number": number ?? ""]]
        }
        if let cover = release.coverURL ?? release.cover, cover.hasPrefix("https://") || cover.hasPrefix("http://") { fields["thumbnail"] = cover }
        if let asin = release.asin { fields["isbn"] = "ASIN:\(asin)" }
        var tags: [String] = []
        if let runtime = AudiobookDescription.runtime(release) { tags.append("Length: \(AudiobookDescription.hoursAndMinutes(runtime))") }
        if let format = AudiobookDescription.formatLine(release) { tags.append("Format: \(format)") }
        if !release.chapters.isEmpty { tags.append("Chapterized") }
        if !tags.isEmpty { fields["tags"] = tags.joined(separator: " | ") + " |" }
        return fields
    }
}

extension Repository {
    /// Where the upload kits of a site without an upload API are written: `.mkt/kits/TRACKER/RELEASE`.
    public func kitDirectory(tracker: String, release: String) -> String { "\(directory)/kits/\(tracker)/\(release)" }

    /// `mkt push` for a site without an upload API: writes the upload kit and
    /// records a `prepared` receipt on the tracker ref (which is no success:
    /// no seeding ref moves, and a later push prepares again). The same
    /// torrent and snapshot prepared before gets its kit written again and no new receipt.
    /// - Parameters:
    ///   - announce: the announce URL with the passkey, if it is known; the kit's torrent carries it.
    ///   - facts: the release's audio facts (an embedded cover comes from them).
    public func prepareManualUpload(
        site: TrackerSite, release: (name: String, meta: ObjectID), torrent torrentID: ObjectID, facts: FileMap<AudioFacts>, announce: String?
    ) throws -> (id: ObjectID, receipt: UploadReceipt) {
        let snapshot = try objects.readMeta(release.meta)
        let storedBytes = Array(try objects.read(torrentID, as: .torrent))
        let torrent = try TorrentFile.parse(storedBytes, label: "torrent \(torrentID)")
        let bytes = announce.map { Bencode.dictionary(TorrentBuilder.withAnnounce(torrent.dictionary, announce: $0)).encoded() } ?? storedBytes
        let stored = try self.release(named: snapshot.pieces.hex)
        let files = try UploadKit.files(
            release: snapshot.description, torrentName: torrent.name, torrent: bytes, carriesPasskey: announce != nil && site.torrentSite.needsPasskey,
            cover: try kitCover(snapshot.description.cover, release: stored, facts: facts))
        let folder = kitDirectory(tracker: site.name, release: release.name)
        try DurableFile.makeDirectories(folder)
        for file in files {
            try DurableFile.replace("\(folder)/\(file.name)", contents: file.data, mode: file.secret ? 0o600 : 0o644)
        }
        let ref = Pusher.trackerRef(site.name, release.name)
        let previousID = try refs.read(ref)
        let previous = try previousID.map { try objects.readReceipt($0) }
        if let previousID, let previous, previous.outcome == .prepared, previous.torrent == torrentID.hex, previous.meta == release.meta.hex, previous.kit == folder {
            return (previousID, previous)
        }
        var receipt = UploadReceipt(
            tracker: site.name, site: site.origin, torrent: torrentID.hex, infohash: torrent.infoHashHex, attempt: previous?.nextAttempt ?? 1, started: Pusher.now())
        receipt.meta = release.meta.hex
        receipt.previous = previousID?.hex
        receipt.outcome = .prepared
        receipt.message = "upload by hand at \(site.manualUploadPage ?? site.url), then mkt adopt \(site.name) \(release.name) --id ID"
        receipt.kit = folder
        if announce == nil && site.torrentSite.needsPasskey {
            receipt.warnings.append("the kit's torrent has no announce URL: no passkey is set (mkt credential set \(site.name) --passkey)")
        }
        let id = try objects.write(type: .receipt, body: receipt.objectBody())
        try update([RefUpdate(name: ref, action: .set(id))], message: "push: prepared")
        return (id, receipt)
    }

    /// The cover's bytes: the embedded front picture, or the image file the description names.
    func kitCover(_ cover: String?, release: StoredRelease, facts: FileMap<AudioFacts>) throws -> (data: Data, ext: String)? {
        guard let cover else { return nil }
        if cover.hasPrefix("embedded:") {
            let pictures = facts[String(cover.dropFirst("embedded:".count))]?.pictures ?? []
            guard let picture = pictures.first(where: { $0.type == 3 }) ?? pictures.first, !picture.data.isEmpty else { return nil }
            return (Data(picture.data), picture.mimeType == "image/png" ? "png" : "jpg")
        }
        guard let file = release.tree.files.first(where: { $0.path == cover }) else { return nil }
        let path = release.tree.location(of: file, root: try release.knownFolder())
        guard let data = FileManager.default.contents(atPath: path) else { throw TrackerError.local("\(path): cannot read the cover") }
        let ext = ReleaseCheck.fileExtension(cover)
        return (data, ext == "jpeg" ? "jpg" : ext)
    }

    /// Records that the user uploaded a prepared kit by hand and the site
    /// numbered the torrent `siteTorrentID`: a `success` receipt following the
    /// `prepared` one, with the torrent's page, on the tracker ref. With `seed`,
    /// the torrent is handed to the client now (before, the site did not know
    /// it, and a client announcing it would only be refused).
    /// - Throws: `WorkflowError.notPrepared` when the tracker ref's receipt is not a prepared kit.
    public func adoptPreparedUpload(tracker: String, release: String, siteTorrentID: Int, seed: SeedAction? = nil) throws -> (id: ObjectID, receipt: UploadReceipt) {
        guard siteTorrentID > 0 else { throw WorkflowError.notPrepared(tracker: tracker, release: release, reason: "\(siteTorrentID) is not a torrent id (a positive number)") }
        let site = try config.tracker(tracker)
        let ref = Pusher.trackerRef(tracker, release)
        guard let preparedID = try refs.read(ref) else { throw WorkflowError.notPrepared(tracker: tracker, release: release, reason: "no receipt") }
        let prepared = try objects.readReceipt(preparedID)
        guard prepared.outcome == .prepared else {
            throw WorkflowError.notPrepared(tracker: tracker, release: release, reason: "the newest receipt is \(prepared.outcome.rawValue), not prepared")
        }
        var receipt = UploadReceipt(
            tracker: tracker, site: prepared.site, torrent: prepared.torrent, infohash: prepared.infohash, attempt: prepared.nextAttempt, started: Pusher.now())
        receipt.meta = prepared.meta
        receipt.previous = preparedID.hex
        receipt.outcome = .success
        receipt.siteTorrentID = siteTorrentID
        receipt.url = site.manualTorrentPage(siteTorrentID) ?? site.url
        if let seed {
            let report = seed(try seedJob(for: receipt, release: release))
            receipt.seedClient = report.client
            receipt.seedError = report.error
            receipt.seedHandedTo = report.handedTo
        }
        let id = try objects.write(type: .receipt, body: receipt.objectBody())
        try update([RefUpdate(name: ref, action: .set(id))], message: "adopt: \(tracker) torrent \(siteTorrentID)")
        if let client = receipt.seedClient, receipt.seedError == nil, receipt.seedHandedTo == nil {
            try recordSeeding(tracker: tracker, release: release, receipt: id, client: client)
        }
        return (id, receipt)
    }
}
