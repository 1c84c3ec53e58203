import Foundation
import MKTMetadata
import MKTStore

/// A `meta` object: a release's description, the `release` and `pieces`
/// objects it describes, and the snapshot it replaces, if any.
///
/// Canonical JSON: `{"description":{…},"parent":"<id>","pieces":"<id>","release":"<id>"}`,
/// `parent` left out for a release's first snapshot.
public struct MetaSnapshot: Equatable, Sendable {
    public var description: ReleaseDescription
    public var release: ObjectID
    public var pieces: ObjectID
    public var parent: ObjectID?

    public init(description: ReleaseDescription, release: ObjectID, pieces: ObjectID, parent: ObjectID? = nil) {
        self.description = description
        self.release = release
        self.pieces = pieces
        self.parent = parent
    }

    private struct Body: Codable {
        let description: ReleaseDescription
        let release: String
        let pieces: String
        let parent: String?
    }

    public func objectBody() -> Data {
        ObjectJSON.encode(Body(description: description, release: release.hex, pieces: pieces.hex, parent: parent?.hex))
    }

    /// Parses and checks a `meta` body: the layout above, with object ids where ids go.
    public init(objectBody: Data) throws(ObjectFormatError) {
        let body = try ObjectJSON.decode(Body.self, from: objectBody, object: .meta)
        self.init(
            description: body.description,
            release: try ObjectJSON.id(body.release, key: "release", in: .meta),
            pieces: try ObjectJSON.id(body.pieces, key: "pieces", in: .meta),
            parent: try body.parent.map { (text) throws(ObjectFormatError) in try ObjectJSON.id(text, key: "parent", in: .meta) })
    }
}
