import Foundation
import MKTMetadata
import MKTObjects
import MKTStore
import MKTTorrent

/// What `mkt add` made of one folder.
public struct AddedRelease: Sendable {
    /// `refs/releases/<name>`.
    public var name: String
    public var metaID: ObjectID
    /// The snapshot before this one, when the release was added before.
    public var parent: ObjectID?
    public var description: ReleaseDescription
    /// The folder was added before and has not changed: nothing was read.
    public var unchanged: Bool
    /// The pieces came from the cache (the files were not read again).
    public var cachedPieces: Bool
    /// Audio files whose tags could not be read.
    public var unreadable: FileMap<MetadataError>
    /// Set when the folder's own name is taken by another folder's release.
    public var namesake: Namesake?
}

/// A release that holds the name a folder would have had: another folder
/// (other content, last seen elsewhere), so the folder got a name of its own.
public struct Namesake: Equatable, Sendable {
    public let name: String
    public let folder: String
}

/// A folder read but not yet added: its scan and description, nothing
/// stored. What `mkt add` shows and asks about before it writes anything.
public struct PreparedRelease: Sendable {
    public let folder: String
    public let scan: ReleaseScan
    public var tree: ReleaseTree { scan.tree }
    public let name: String
    /// Set when the folder's own name is taken by another folder's release.
    public let namesake: Namesake?
    /// The release's current snapshot, if it was added before.
    public let parent: ObjectID?
    let parentSnapshot: MetaSnapshot?
    /// Set when the folder holds what it held at its current snapshot: its tags were not read.
    public let unchangedDescription: ReleaseDescription?
    public var description: ReleaseDescription
    public let unreadable: FileMap<MetadataError>
    /// The hashes of exactly the scanned files, when finding out whether they
    /// changed took them (or a format-1 body vouched for them): not read again.
    let hashes: PieceHashes?
}

extension Repository {
    /// Scans `folder` and, unless it holds what it held at its current
    /// snapshot, reads its tags and describes it. Stores nothing.
    ///
    /// Names and sizes as at the snapshot are not enough to call a folder
    /// unchanged: its files' stat data must be as the stat cache (or a
    /// format-1 release body) recorded them, or else the files are hashed
    /// now and must give the snapshot's pieces. That hashing pass is what a
    /// `touch`, or a copy to another place, costs (0.6 s for 1 GB in the page
    /// cache on 2 cores, Documentation/mkt-add.md): the price of never taking
    /// retagged files (often the same size, thanks to FLAC padding) for old ones.
    /// - Parameter progress: makes the progress callback of that pass, given the scan it will read.
    public func prepareAdd(
        folder: String, media: String? = nil, scan options: ScanOptions = ScanOptions(),
        progress: ((ReleaseScan) -> @Sendable (Int64) -> Void)? = nil
    ) throws -> PreparedRelease {
        let scan = try ReleaseScanner.scan(folder, options: options)
        let releaseID = LooseObject.id(type: .release, body: scan.tree.objectBody())
        let (name, namesake) = try releaseName(of: scan, releaseID: releaseID)
        let parent = try refs.read("refs/releases/\(name)")
        let snapshot = parent.flatMap { try? objects.readMeta($0) }
        var hashes: PieceHashes?
        if media == nil, let snapshot, let parentPieces = try? objects.readPieces(snapshot.pieces),
            let parentRelease = try? objects.readRelease(snapshot.release), parentRelease.tree == scan.tree {
            let length = parentPieces.hashes.pieceLength
            hashes = try knownHashes(of: scan, release: releaseID, pieceLength: length, formatOne: parentRelease.recordedScan, formatOneHashes: parentPieces.hashes)
                ?? PieceHasher().hash(scan, pieceLength: length, progress: progress?(scan))
            if hashes == parentPieces.hashes {
                return PreparedRelease(
                    folder: folder, scan: scan, name: name, namesake: namesake, parent: parent, parentSnapshot: snapshot, unchangedDescription: snapshot.description,
                    description: snapshot.description, unreadable: [:], hashes: hashes)
            }
        }
        let (facts, failures) = ReleaseAudio.facts(of: scan)
        let description = ReleaseDescriber.describe(name: scan.tree.name, files: scan.tree.files.map(\.path), facts: facts, media: media)
        return PreparedRelease(
            folder: folder, scan: scan, name: name, namesake: namesake, parent: parent, parentSnapshot: snapshot, unchangedDescription: nil, description: description,
            unreadable: failures, hashes: hashes)
    }

    /// Stores a prepared release with `edits` applied: its tree and pieces
    /// (hashed once; files as the stat cache recorded them reuse them), a
    /// `meta` snapshot whose parent is the release's previous one, and
    /// `refs/releases/<name>`, moved only if no one moved it since
    /// `prepareAdd`. A folder unchanged since its snapshot stores nothing new,
    /// unless the snapshot names a format-1 release body: then the format-2
    /// body, its pieces and a snapshot naming them are written, once.
    /// - Parameter derived: the lineage of a transcode (`mkt transcode`); a
    ///   release that has one keeps it in every later snapshot.
    public func commitAdd(
        _ prepared: PreparedRelease, edits: [String] = [], derived: MetaSnapshot.Lineage? = nil, progress: (@Sendable (Int64) -> Void)? = nil
    ) throws -> AddedRelease {
        let derived = derived ?? prepared.parentSnapshot?.derived
        let (stored, cached) = try store(prepared.scan, pieceLength: prepared.hashes?.pieceLength, known: prepared.hashes, progress: progress)
        if let parent = prepared.parent, let unchanged = prepared.unchangedDescription, edits.isEmpty, prepared.parentSnapshot?.derived == derived,
            prepared.parentSnapshot?.release == stored.releaseID, prepared.parentSnapshot?.pieces == stored.piecesID {
            return AddedRelease(
                name: prepared.name, metaID: parent, parent: parent, description: unchanged, unchanged: true, cachedPieces: cached, unreadable: [:],
                namesake: prepared.namesake)
        }
        let description = try MetaEdit.apply(edits, to: prepared.description)
        let ref = "refs/releases/\(prepared.name)"
        var parent = prepared.parent
        // Another mkt may move the ref meanwhile (two adds of one folder at once):
        // if it recorded this very snapshot, that is ours too; otherwise ours follows it.
        for _ in 0..<3 {
            let body = MetaSnapshot(description: description, release: stored.releaseID, pieces: stored.piecesID, parent: parent, derived: derived).objectBody()
            let metaID = try objects.write(type: .meta, body: body)
            do {
                try update([RefUpdate(name: ref, action: .set(metaID), expected: parent.map { .value($0) } ?? .missing)], message: "add: \(stored.tree.name)")
                return AddedRelease(
                    name: prepared.name, metaID: metaID, parent: parent, description: description, unchanged: false, cachedPieces: cached,
                    unreadable: prepared.unreadable, namesake: prepared.namesake)
            } catch {
                guard case .refChanged(_, _, let found) = error else { throw error }
                if let found, let theirs = try? objects.readMeta(found),
                    theirs.release == stored.releaseID, theirs.pieces == stored.piecesID, theirs.description == description, theirs.derived == derived {
                    return AddedRelease(
                        name: prepared.name, metaID: found, parent: parent, description: description, unchanged: true, cachedPieces: cached,
                        unreadable: [:], namesake: prepared.namesake)
                }
                parent = found
            }
        }
        throw StoreError.refChanged(ref, expected: parent.map { .value($0) } ?? .missing, found: try refs.read(ref))
    }

    /// The name a scanned folder's release goes by: its folder's short name,
    /// or, while a release of that name is another folder, the name with -2,
    /// -3, … (the first that is free or is this folder). A release is this
    /// folder when it has the same content (a copy is the same release), when
    /// its known folder is this one (an edited folder is updated), or when no
    /// folder is known for it (nothing tells them apart).
    func releaseName(of scan: ReleaseScan, releaseID: ObjectID) throws -> (name: String, namesake: Namesake?) {
        let base = ReleaseName.make(folder: scan.tree.name, releaseID: releaseID)
        var namesake: Namesake?
        for number in 1... {
            let name = number == 1 ? base : ReleaseName.numbered(base, number)
            guard let current = try refs.read("refs/releases/\(name)"), let snapshot = try? objects.readMeta(current),
                snapshot.release != releaseID, let release = try? objects.readRelease(snapshot.release),
                let other = folder(of: snapshot.release, release), other != scan.root
            else { return (name, namesake) }
            if namesake == nil { namesake = Namesake(name: name, folder: other) }
        }
        preconditionFailure("a name is free: refs are finite")
    }

    /// `edits` with `release-type=TYPE` in front when the tags give no release
    /// type, or only a guess, and the edits set none: the config's
    /// `add.release-type` stands there before any guess is shown or recorded.
    public static func withReleaseType(_ type: String?, edits: [String], for description: ReleaseDescription) -> [String] {
        guard let type, description.releaseType == .unknown || description.releaseTypeIsGuess,
            !edits.contains(where: { $0.lowercased().hasPrefix("release-type=") || $0.lowercased().hasPrefix("releasetype=") })
        else { return edits }
        return ["release-type=\(type)"] + edits
    }

    /// Adds a release folder in one go: `prepareAdd`, then `commitAdd`.
    public func add(folder: String, metaEdits: [String] = [], media: String? = nil, scan: ScanOptions = ScanOptions()) throws -> AddedRelease {
        try commitAdd(prepareAdd(folder: folder, media: media, scan: scan), edits: metaEdits)
    }

    /// A new snapshot of a release's description with `edits` applied, its
    /// parent the current one; the ref moves only if no one moved it meanwhile.
    public func edit(release name: String, edits: [String]) throws -> (ref: String, metaID: ObjectID, description: ReleaseDescription) {
        guard let (ref, current) = try resolveRef(name), ref.hasPrefix("refs/releases/") else {
            throw WorkflowError.unknownRelease(name)
        }
        let snapshot = try objects.readMeta(current)
        let description = try MetaEdit.apply(edits, to: snapshot.description)
        // Like a commit with no change, an edit that changes nothing makes no snapshot.
        if description == snapshot.description { return (ref, current, description) }
        let metaID = try objects.write(type: .meta, body: MetaSnapshot(description: description, release: snapshot.release, pieces: snapshot.pieces, parent: current, derived: snapshot.derived).objectBody())
        try update([RefUpdate(name: ref, action: .set(metaID), expected: .value(current))], message: "edit: \(edits.joined(separator: " "))")
        return (ref, metaID, description)
    }

    /// Every release: its name (under `refs/releases/`) and current meta id.
    public func releases() throws -> [(name: String, meta: ObjectID)] {
        try refs.list(under: "refs/releases").compactMap { entry in
            guard case .success(let id) = entry.value else { return nil }
            return (String(entry.name.dropFirst("refs/releases/".count)), id)
        }
    }
}

/// A release's short name, from its folder: lower case ASCII letters and
/// digits in runs joined by `-`, as a ref name and a file name allow.
public enum ReleaseName {
    public static let maximumLength = 100

    public static func make(folder: String, releaseID: ObjectID) -> String {
        let folded = folder.applyingTransform(.toLatin, reverse: false)?.applyingTransform(.stripDiacritics, reverse: false) ?? folder
        var name = ""
        var pendingDash = false
        for scalar in folded.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                if pendingDash && !name.isEmpty { name += "-" }
                pendingDash = false
                name.unicodeScalars.append(scalar)
            } else {
                pendingDash = true
            }
        }
        if name.count > maximumLength {
            name = String(name.prefix(maximumLength))
            while name.hasSuffix("-") { name.removeLast() }
        }
        return name.isEmpty ? "release-\(releaseID.hex.prefix(12))" : name
    }

    /// `name-N`, the name cut so that it stays within `maximumLength`.
    static func numbered(_ name: String, _ number: Int) -> String {
        let suffix = "-\(number)"
        var stem = String(name.prefix(maximumLength - suffix.count))
        while stem.hasSuffix("-") { stem.removeLast() }
        return stem + suffix
    }
}
