import Foundation
import MKTStore

/// A body that is not a well-formed object of its type: which object, and
/// what is wrong with it, on one line.
public struct ObjectFormatError: Error, Equatable, CustomStringConvertible {
    public let type: ObjectType
    /// The object's id, or where its body came from (the file `hash-object`
    /// was given); nil when the decoder was handed bare bytes.
    public var object: String?
    public let reason: String

    public init(_ type: ObjectType, _ reason: String, object: String? = nil) {
        self.type = type
        self.reason = reason
        self.object = object
    }

    public var description: String { "bad \(type.rawValue) object\(object.map { " \($0)" } ?? ""): \(reason)" }

    /// The same error, naming the object it is about.
    public func naming(_ object: String) -> ObjectFormatError {
        ObjectFormatError(type, reason, object: object)
    }
}

/// Decoding of the JSON bodies (`release`, `meta`, `receipt`), with errors
/// that name the key at fault.
enum ObjectJSON {
    /// Canonical JSON: keys sorted, no insignificant white space, `/` not escaped.
    static func encode(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // The bodies hold strings, integers, booleans, lists and objects only: encoding cannot fail.
        return try! encoder.encode(value)
    }

    static func decode<Value: Decodable>(_ type: Value.Type, from body: Data, object: ObjectType) throws(ObjectFormatError) -> Value {
        do {
            return try JSONDecoder().decode(type, from: body)
        } catch {
            throw ObjectFormatError(object, reason(error))
        }
    }

    /// `files[2].size: missing`, `description.year: expected an integer`, `not JSON`.
    static func reason(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "not JSON" }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])): missing"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(name(of: type))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): null where \(name(of: type)) belongs"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not JSON" : "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "not the JSON layout"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        guard !keys.isEmpty else { return "the body" }
        return keys.reduce(into: "") { text, key in
            if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
        }
    }

    private static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Int64.Type, is UInt64.Type: "an integer"
        case is [Any].Type: "a list"
        default: "an object"
        }
    }

    /// A full, lower-case object id where the body names another object.
    static func id(_ text: String, key: String, in object: ObjectType) throws(ObjectFormatError) -> ObjectID {
        guard text.utf8.count == ObjectID.hexLength, ObjectID.isLowerHex(text), let id = ObjectID(hex: text) else {
            throw ObjectFormatError(object, "\(key): '\(text.prefix(80))' is not an object id")
        }
        return id
    }
}
