import Foundation
import MKTMetadata
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
    public var unreadable: [String: MetadataError]
}

extension Repository {
    /// Adds a release folder: its tree and pieces (hashed once; an unchanged
    /// scan reuses them), its description, a `meta` snapshot whose parent is
    /// the release's previous snapshot, and `refs/releases/<name>`.
    public func add(
        folder: String, metaEdits: [String] = [], media: String? = nil, scan: ScanOptions = ScanOptions(),
        progress: (@Sendable (Int64) -> Void)? = nil
    ) throws -> AddedRelease {
        let (stored, cached) = try addRelease(at: folder, scan: scan, progress: progress)
        let name = ReleaseName.make(folder: stored.tree.name, releaseID: stored.releaseID)
        let ref = "refs/releases/\(name)"
        let parent = try refs.read(ref)
        if let parent, metaEdits.isEmpty, media == nil,
            let snapshot = try? MetaSnapshot(objectBody: objects.read(parent, as: .meta), label: "meta \(parent)"),
            snapshot.release == stored.releaseID.hex, snapshot.pieces == stored.piecesID.hex {
            return AddedRelease(name: name, metaID: parent, parent: parent, description: snapshot.description, unchanged: true, cachedPieces: cached, unreadable: [:])
        }
        let (facts, failures) = ReleaseAudio.facts(of: stored.tree)
        var description = ReleaseDescriber.describe(name: stored.tree.name, files: stored.tree.files.map(\.path), facts: facts, media: media)
        description = try MetaEdit.apply(metaEdits, to: description)
        let metaID = try objects.write(type: .meta, body: description.metaObjectBody(release: stored.releaseID.hex, pieces: stored.piecesID.hex, parent: parent?.hex))
        try update([RefUpdate(name: ref, action: .set(metaID), expected: parent.map { .value($0) } ?? .missing)], message: "add: \(stored.tree.name)")
        return AddedRelease(name: name, metaID: metaID, parent: parent, description: description, unchanged: false, cachedPieces: cached, unreadable: failures)
    }

    /// A new snapshot of a release's description with `edits` applied, its
    /// parent the current one; the ref moves only if no one moved it meanwhile.
    public func edit(release name: String, edits: [String]) throws -> (ref: String, metaID: ObjectID, description: ReleaseDescription) {
        guard let (ref, current) = try resolveRef(name), ref.hasPrefix("refs/releases/") else {
            throw WorkflowError.unknownRelease(name)
        }
        let snapshot = try MetaSnapshot(objectBody: objects.read(current, as: .meta), label: "meta \(current)")
        let description = try MetaEdit.apply(edits, to: snapshot.description)
        let metaID = try objects.write(type: .meta, body: description.metaObjectBody(release: snapshot.release, pieces: snapshot.pieces, parent: current.hex))
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
}
