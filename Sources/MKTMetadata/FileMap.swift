/// Values by a file's relative path, keyed by the path's bytes: a
/// `[String: …]` takes `Café` in NFC and in NFD for one key (Swift's `==` is
/// canonical equivalence), and two files of a folder would share one entry.
/// Iterates, and lists its keys, in byte order of the paths.
public struct FileMap<Value> {
    private var byBytes: [[UInt8]: (path: String, value: Value)] = [:]

    public init() {}

    public subscript(path: String) -> Value? {
        get { byBytes[Array(path.utf8)]?.value }
        set { byBytes[Array(path.utf8)] = newValue.map { (path, $0) } }
    }

    public var count: Int { byBytes.count }
    public var isEmpty: Bool { byBytes.isEmpty }
    /// In byte order of the paths.
    public var keys: [String] { sorted.map(\.path) }
    public var values: [Value] { sorted.map(\.value) }

    private var sorted: [(path: String, value: Value)] {
        byBytes.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map(\.value)
    }
}

extension FileMap: Sequence {
    public func makeIterator() -> IndexingIterator<[(key: String, value: Value)]> {
        sorted.map { (key: $0.path, value: $0.value) }.makeIterator()
    }
}

extension FileMap: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, Value)...) {
        for (path, value) in elements { self[path] = value }
    }
}

extension FileMap: Sendable where Value: Sendable {}

extension FileMap: Equatable where Value: Equatable {
    public static func == (lhs: FileMap, rhs: FileMap) -> Bool {
        lhs.count == rhs.count && lhs.byBytes.allSatisfy { key, entry in rhs.byBytes[key].map { $0.value == entry.value } ?? false }
    }
}
