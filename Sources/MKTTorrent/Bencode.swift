/// A bencoded value (BEP 3). Dictionaries keep their keys sorted by raw
/// bytes, so encoding is canonical: equal values always give equal bytes.
public indirect enum Bencode: Equatable, Sendable {
    case integer(Int64)
    case bytes([UInt8])
    case list([Bencode])
    case dictionary(BencodeDictionary)

    public static func string(_ text: String) -> Bencode { .bytes(Array(text.utf8)) }

    /// The canonical encoding.
    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        encode(into: &out)
        return out
    }

    func encode(into out: inout [UInt8]) {
        switch self {
        case .integer(let value):
            out.append(UInt8(ascii: "i"))
            out += Array(String(value).utf8)
            out.append(UInt8(ascii: "e"))
        case .bytes(let bytes):
            out += Array(String(bytes.count).utf8)
            out.append(UInt8(ascii: ":"))
            out += bytes
        case .list(let items):
            out.append(UInt8(ascii: "l"))
            for item in items { item.encode(into: &out) }
            out.append(UInt8(ascii: "e"))
        case .dictionary(let dictionary):
            out.append(UInt8(ascii: "d"))
            for (key, value) in dictionary.entries {
                Bencode.bytes(key).encode(into: &out)
                value.encode(into: &out)
            }
            out.append(UInt8(ascii: "e"))
        }
    }

    public var integerValue: Int64? { if case .integer(let value) = self { value } else { nil } }
    public var bytesValue: [UInt8]? { if case .bytes(let bytes) = self { bytes } else { nil } }
    public var listValue: [Bencode]? { if case .list(let items) = self { items } else { nil } }
    public var dictionaryValue: BencodeDictionary? { if case .dictionary(let dictionary) = self { dictionary } else { nil } }

    /// The byte string as UTF-8 text, if it is valid UTF-8.
    public var stringValue: String? {
        bytesValue.flatMap { String(validating: $0, as: UTF8.self) }
    }
}

/// A bencode dictionary: keys are raw byte strings, kept sorted and unique.
public struct BencodeDictionary: Equatable, Sendable, ExpressibleByDictionaryLiteral {
    public private(set) var entries: [(key: [UInt8], value: Bencode)] = []

    public init() {}

    public init(dictionaryLiteral elements: (String, Bencode)...) {
        for (key, value) in elements { self[key] = value }
    }

    public subscript(key: String) -> Bencode? {
        get { self[Array(key.utf8)] }
        set { self[Array(key.utf8)] = newValue }
    }

    public subscript(key: [UInt8]) -> Bencode? {
        get {
            let index = insertionIndex(of: key)
            return index < entries.count && entries[index].key == key ? entries[index].value : nil
        }
        set {
            let index = insertionIndex(of: key)
            let exists = index < entries.count && entries[index].key == key
            switch (exists, newValue) {
            case (true, let value?): entries[index].value = value
            case (true, nil): entries.remove(at: index)
            case (false, let value?): entries.insert((key, value), at: index)
            case (false, nil): break
            }
        }
    }

    public var keys: [[UInt8]] { entries.map(\.key) }

    /// Appends a key known to sort after every key present (the decoder's fast path).
    mutating func appendSorted(_ key: [UInt8], _ value: Bencode) {
        entries.append((key, value))
    }

    private func insertionIndex(of key: [UInt8]) -> Int {
        var low = 0
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].key.lexicographicallyPrecedes(key) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    public static func == (lhs: BencodeDictionary, rhs: BencodeDictionary) -> Bool {
        lhs.entries.count == rhs.entries.count && zip(lhs.entries, rhs.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}
