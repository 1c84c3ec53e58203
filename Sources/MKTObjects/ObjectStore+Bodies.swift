import Foundation
import MKTStore

/// Typed reads: the object's body decoded, a bad one named by its id.
extension ObjectStore {
    public func readRelease(_ id: ObjectID) throws -> ReleaseObject {
        try decode(id, as: .release, ReleaseObject.init(objectBody:))
    }

    public func readPieces(_ id: ObjectID) throws -> PiecesRecord {
        try decode(id, as: .pieces, PiecesRecord.init(objectBody:))
    }

    public func readMeta(_ id: ObjectID) throws -> MetaSnapshot {
        try decode(id, as: .meta, MetaSnapshot.init(objectBody:))
    }

    public func readReceipt(_ id: ObjectID) throws -> UploadReceipt {
        try decode(id, as: .receipt, UploadReceipt.init(objectBody:))
    }

    private func decode<Value>(_ id: ObjectID, as type: ObjectType, _ decode: (Data) throws(ObjectFormatError) -> Value) throws -> Value {
        let body = try read(id, as: type)
        do {
            return try decode(body)
        } catch {
            throw error.naming(id.hex)
        }
    }
}
