import Foundation
import MKTCrypto

/// The bytes of a loose object: `"<type> <size>\0<body>"`, uncompressed, so
/// that `sha256sum` of the file prints the file's own name.
public enum LooseObject {
    /// The longest header mkt writes or reads: the longest type name, a space,
    /// 20 decimal digits and the NUL.
    static let maximumHeaderLength = 32

    public static func header(type: ObjectType, size: Int) -> [UInt8] {
        Array("\(type.rawValue) \(size)".utf8) + [0]
    }

    /// The id an object of this type and body gets, without writing it.
    public static func id(type: ObjectType, body: some ContiguousBytes) -> ObjectID {
        let context = DigestContext(.sha256)
        body.withUnsafeBytes { bytes in
            context.update(header(type: type, size: bytes.count))
            context.update(bytes)
        }
        return ObjectID(digest: context.finish())
    }

    public static func encode(type: ObjectType, body: Data) -> Data {
        var data = Data(header(type: type, size: body.count))
        data.append(body)
        return data
    }

    /// What is wrong with a stored object's bytes.
    public enum Defect: Error, Equatable, Sendable, CustomStringConvertible {
        case empty
        case badHeader
        case unknownType(String)
        case truncated(expected: Int, actual: Int)
        case trailingGarbage(expected: Int, actual: Int)
        case hashMismatch(actual: ObjectID)

        public var description: String {
            switch self {
            case .empty: "empty file"
            case .badHeader: "bad object header"
            case .unknownType(let name): "unknown object type '\(name)'"
            case .truncated(let expected, let actual):
                "truncated: header says \(expected) bytes of body, file has \(actual)"
            case .trailingGarbage(let expected, let actual):
                "garbage at end: header says \(expected) bytes of body, file has \(actual)"
            case .hashMismatch(let actual): "hash mismatch: contents hash to \(actual)"
            }
        }
    }

    /// Splits stored bytes into type and body, checking the header and,
    /// when `expected` is given, that the bytes hash to that id.
    public static func decode(_ data: Data, expected: ObjectID?) -> Result<StoredObject, Defect> {
        guard !data.isEmpty else { return .failure(.empty) }
        let headerWindow = data.prefix(maximumHeaderLength)
        guard let nul = headerWindow.firstIndex(of: 0),
            let space = headerWindow[..<nul].firstIndex(of: UInt8(ascii: " "))
        else { return .failure(.badHeader) }
        let typeName = String(decoding: data[data.startIndex..<space], as: UTF8.self)
        let sizeText = data[(space + 1)..<nul]
        guard let size = parseSize(sizeText) else { return .failure(.badHeader) }
        guard let type = ObjectType(rawValue: typeName) else { return .failure(.unknownType(typeName)) }
        let bodyStart = nul + 1
        let actualSize = data.endIndex - bodyStart
        if actualSize < size { return .failure(.truncated(expected: size, actual: actualSize)) }
        if actualSize > size { return .failure(.trailingGarbage(expected: size, actual: actualSize)) }
        if let expected {
            let actual = ObjectID(digest: DigestAlgorithm.sha256.digest(data))
            if actual != expected { return .failure(.hashMismatch(actual: actual)) }
        }
        return .success(StoredObject(type: type, body: Data(data[bodyStart...])))
    }

    /// Decimal without sign or leading zeros, as the writer produces it.
    private static func parseSize(_ digits: Data) -> Int? {
        guard !digits.isEmpty, digits.count <= 18 else { return nil }
        if digits.count > 1 && digits.first == UInt8(ascii: "0") { return nil }
        var value = 0
        for char in digits {
            guard char >= UInt8(ascii: "0"), char <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(char - UInt8(ascii: "0"))
        }
        return value
    }
}

/// An object read back from the store.
public struct StoredObject: Equatable, Sendable {
    public let type: ObjectType
    public let body: Data

    public init(type: ObjectType, body: Data) {
        self.type = type
        self.body = body
    }
}
