import Foundation

/// One id an object (or a queue job) names, in a field that must lead to an
/// object of one type: a meta's `release`, a receipt's `torrent`.
public struct ObjectLink: Hashable, Sendable {
    public let field: String
    public let target: ObjectID
    public let type: ObjectType

    public init(_ field: String, _ target: ObjectID, _ type: ObjectType) {
        self.field = field
        self.target = target
        self.type = type
    }
}

/// The links in an object's body, or why the body is not one of its type.
/// The store does not know the body formats (MKTObjects does), so fsck is
/// handed this from above.
public typealias ObjectLinkReader = (_ type: ObjectType, _ body: Data) -> Result<[ObjectLink], any Error>

/// A file outside `objects/` that names objects by field: a queue job.
public struct LinkingFile: Sendable {
    /// Relative to the store (`queue/red/album.json`).
    public let path: String
    /// The links it holds, or why it does not parse, and what drops it.
    public let links: Result<[ObjectLink], Damage>

    public struct Damage: Error, Sendable, CustomStringConvertible {
        public let reason: String
        public let remedy: String

        public var description: String { "\(reason); \(remedy)" }

        public init(reason: String, remedy: String) {
            self.reason = reason
            self.remedy = remedy
        }
    }

    public init(path: String, links: Result<[ObjectLink], Damage>) {
        self.path = path
        self.links = links
    }
}
