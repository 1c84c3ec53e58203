import Foundation
import MKTMetadata
import MKTStore

/// A `meta` object: a release's description, the `release` and `pieces`
/// objects it describes, and the snapshot it replaces, if any.
///
/// Canonical JSON: `{"derived":{…},"description":{…},"parent":"<id>","pieces":"<id>","release":"<id>"}`,
/// `parent` left out for a release's first snapshot, `derived` for a
/// release that is not a transcode of another (so older bodies still read,
/// and read back to the same bytes).
public struct MetaSnapshot: Equatable, Sendable {
    public var description: ReleaseDescription
    public var release: ObjectID
    public var pieces: ObjectID
    /// The snapshot this one replaces (the same release's history).
    public var parent: ObjectID?
    /// Set when the release was transcoded from another one: its lineage.
    public var derived: Lineage?

    public init(description: ReleaseDescription, release: ObjectID, pieces: ObjectID, parent: ObjectID? = nil, derived: Lineage? = nil) {
        self.description = description
        self.release = release
        self.pieces = pieces
        self.parent = parent
        self.derived = derived
    }

    /// Where a transcoded release comes from and how it was made:
    /// `{"commands":[…],"encoders":[…],"format":"V0","meta":"<id>","source":"<release name>"}`.
    public struct Lineage: Equatable, Sendable {
        /// The source release's name (`refs/releases/<source>`).
        public var source: String
        /// The source's snapshot the audio was made from.
        public var sourceMeta: ObjectID
        /// `V0`, `320`, `FLAC16`.
        public var format: String
        /// Each program and its version, as it names itself (`LAME 3.100`).
        public var encoders: [String]
        /// The command lines run, one per track, in track order.
        public var commands: [String]

        public init(source: String, sourceMeta: ObjectID, format: String, encoders: [String], commands: [String]) {
            self.source = source
            self.sourceMeta = sourceMeta
            self.format = format
            self.encoders = encoders
            self.commands = commands
        }
    }

    private struct LineageBody: Codable {
        let source: String
        let meta: String
        let format: String
        let encoders: [String]
        let commands: [String]
    }

    private struct Body: Codable {
        let description: ReleaseDescription
        let release: String
        let pieces: String
        let parent: String?
        let derived: LineageBody?
    }

    public func objectBody() -> Data {
        let lineage = derived.map { LineageBody(source: $0.source, meta: $0.sourceMeta.hex, format: $0.format, encoders: $0.encoders, commands: $0.commands) }
        return ObjectJSON.encode(Body(description: description, release: release.hex, pieces: pieces.hex, parent: parent?.hex, derived: lineage))
    }

    /// Parses and checks a `meta` body: the layout above, with object ids where ids go.
    public init(objectBody: Data) throws(ObjectFormatError) {
        let body = try ObjectJSON.decode(Body.self, from: objectBody, object: .meta)
        self.init(
            description: body.description,
            release: try ObjectJSON.id(body.release, key: "release", in: .meta),
            pieces: try ObjectJSON.id(body.pieces, key: "pieces", in: .meta),
            parent: try body.parent.map { (text) throws(ObjectFormatError) in try ObjectJSON.id(text, key: "parent", in: .meta) },
            derived: try body.derived.map { (lineage) throws(ObjectFormatError) in
                Lineage(
                    source: lineage.source, sourceMeta: try ObjectJSON.id(lineage.meta, key: "derived.meta", in: .meta), format: lineage.format,
                    encoders: lineage.encoders, commands: lineage.commands)
            })
    }
}
