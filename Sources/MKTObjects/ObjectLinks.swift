import Foundation
import MKTStore

/// The objects each typed body names, for fsck's link check.
extension MetaSnapshot {
    public var links: [ObjectLink] {
        [ObjectLink("release", release, .release), ObjectLink("pieces", pieces, .pieces)] + (parent.map { [ObjectLink("parent", $0, .meta)] } ?? [])
            + (derived.map { [ObjectLink("derived.meta", $0.sourceMeta, .meta)] } ?? [])
    }
}

extension PiecesRecord {
    public var links: [ObjectLink] { [ObjectLink("release", releaseID, .release)] }
}

extension UploadReceipt {
    /// Throws when a field that must hold an id holds something else.
    public func links() throws(ObjectFormatError) -> [ObjectLink] {
        let fields: [(String, String?, ObjectType)] = [
            ("torrent", torrent, .torrent), ("meta", meta, .meta), ("previous", previous, .receipt), ("siteTorrent", siteTorrent, .torrent),
        ]
        var links: [ObjectLink] = []
        for case let (field, text?, type) in fields {
            links.append(ObjectLink(field, try ObjectJSON.id(text, key: field, in: .receipt), type))
        }
        return links
    }
}

public enum ObjectLinks {
    /// The links in a body of `type` (release, torrent and blob bodies have none), or why it does not decode.
    public static func read(type: ObjectType, body: Data) -> Result<[ObjectLink], any Error> {
        do throws(ObjectFormatError) {
            switch type {
            case .meta: return .success(try MetaSnapshot(objectBody: body).links)
            case .pieces: return .success(try PiecesRecord(objectBody: body).links)
            case .receipt: return .success(try UploadReceipt(objectBody: body).links())
            case .release, .torrent, .blob: return .success([])
            }
        } catch {
            return .failure(error)
        }
    }
}
