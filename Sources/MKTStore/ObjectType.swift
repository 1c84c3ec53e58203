/// The kinds of object the store holds; see Documentation/repository-layout.md.
public enum ObjectType: String, CaseIterable, Sendable {
    /// Small side files worth keeping: a cover image, a rip log, a cue sheet.
    case blob
    /// The file tree of a release folder.
    case release
    /// Piece length and the SHA-1 piece hashes of a release.
    case pieces
    /// A metadata snapshot of a release.
    case meta
    /// A bencoded torrent for one tracker, without announce URL or passkey.
    case torrent
    /// One upload attempt to one tracker.
    case receipt

    /// Parses a type name, naming the valid ones when it is not one of them.
    public init(parsing name: String) throws(StoreError) {
        guard let type = ObjectType(rawValue: name) else { throw .unknownObjectType(name) }
        self = type
    }
}
