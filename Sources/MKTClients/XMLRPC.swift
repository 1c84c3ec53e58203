import Foundation

/// An XML-RPC value (the types of the XML-RPC specification, xmlrpc.com/spec,
/// plus `i8`, the 64-bit integer rTorrent answers with).
public indirect enum XMLRPCValue: Equatable, Sendable {
    case int(Int64)
    case bool(Bool)
    case string(String)
    case double(Double)
    case base64([UInt8])
    case array([XMLRPCValue])
    case structure([String: XMLRPCValue])
    case `nil`

    public var integer: Int64? {
        switch self {
        case .int(let number): number
        case .bool(let flag): flag ? 1 : 0
        case .string(let text): Int64(text)
        default: nil
        }
    }

    public var text: String? {
        if case .string(let text) = self { return text }
        return nil
    }
}

/// What a server answered: a value, or a fault.
public enum XMLRPCResponse: Equatable, Sendable {
    case value(XMLRPCValue)
    case fault(code: Int64, message: String)
}

public struct XMLRPCError: Error, Equatable, CustomStringConvertible {
    public let description: String

    public init(description: String) { self.description = description }
}

/// Writes method calls and reads method responses: pure, no I/O.
public enum XMLRPC {
    public static func call(_ method: String, _ params: [XMLRPCValue]) -> [UInt8] {
        var xml = "<?xml version=\"1.0\"?><methodCall><methodName>\(escape(method))</methodName><params>"
        for param in params { xml += "<param>\(encode(param))</param>" }
        xml += "</params></methodCall>"
        return Array(xml.utf8)
    }

    static func encode(_ value: XMLRPCValue) -> String {
        let inner: String
        switch value {
        case .int(let number): inner = Int32(exactly: number) != nil ? "<i4>\(number)</i4>" : "<i8>\(number)</i8>"
        case .bool(let flag): inner = "<boolean>\(flag ? 1 : 0)</boolean>"
        case .string(let text): inner = "<string>\(escape(text))</string>"
        case .double(let number): inner = "<double>\(number)</double>"
        case .base64(let bytes): inner = "<base64>\(Data(bytes).base64EncodedString())</base64>"
        case .array(let items): inner = "<array><data>" + items.map(encode).joined() + "</data></array>"
        case .structure(let members):
            inner = "<struct>" + members.sorted { $0.key < $1.key }.map { "<member><name>\(escape($0.key))</name>\(encode($0.value))</member>" }.joined() + "</struct>"
        case .nil: inner = "<nil/>"
        }
        return "<value>\(inner)</value>"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(character)
            }
        }
        return out
    }

    /// Reads a `methodResponse`: its one parameter, or its fault.
    public static func response(_ bytes: [UInt8]) throws(XMLRPCError) -> XMLRPCResponse {
        var reader = Reader(bytes: bytes)
        try reader.skipProlog()
        try reader.open("methodResponse")
        let response: XMLRPCResponse
        if try reader.peekOpen("fault") {
            try reader.open("fault")
            let value = try reader.value()
            try reader.close("fault")
            guard case .structure(let members) = value, let code = members["faultCode"]?.integer else {
                throw XMLRPCError(description: "XML-RPC fault without faultCode")
            }
            response = .fault(code: code, message: members["faultString"]?.text ?? "")
        } else {
            try reader.open("params")
            try reader.open("param")
            response = .value(try reader.value())
            try reader.close("param")
            try reader.close("params")
        }
        try reader.close("methodResponse")
        return response
    }

    /// A small reader for the XML that XML-RPC uses: elements, text, the five
    /// named entities and numeric character references; no attributes matter.
    struct Reader {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        func fail(_ what: String) -> XMLRPCError { XMLRPCError(description: "XML-RPC answer: \(what) at byte \(index)") }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        /// `<?xml …?>` and comments.
        mutating func skipProlog() throws(XMLRPCError) {
            while true {
                skipSpace()
                if starts(with: "<?") {
                    try skip(past: "?>")
                } else if starts(with: "<!--") {
                    try skip(past: "-->")
                } else {
                    return
                }
            }
        }

        func starts(with text: String) -> Bool {
            let pattern = Array(text.utf8)
            return bytes.count - index >= pattern.count && Array(bytes[index..<index + pattern.count]) == pattern
        }

        mutating func skip(past text: String) throws(XMLRPCError) {
            while index < bytes.count {
                if starts(with: text) {
                    index += text.utf8.count
                    return
                }
                index += 1
            }
            throw fail("'\(text)' missing")
        }

        /// The next tag: its name, whether it closes (`</x>`) and whether it is empty (`<x/>`).
        mutating func tag() throws(XMLRPCError) -> (name: String, closing: Bool, empty: Bool) {
            try skipProlog()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "<") else { throw fail("a tag expected") }
            index += 1
            let closing = index < bytes.count && bytes[index] == UInt8(ascii: "/")
            if closing { index += 1 }
            let start = index
            while index < bytes.count, !"> /\t\r\n".utf8.contains(bytes[index]) { index += 1 }
            let name = String(decoding: bytes[start..<index], as: UTF8.self)
            while index < bytes.count, bytes[index] != UInt8(ascii: ">") { index += 1 }
            guard index < bytes.count else { throw fail("an unclosed tag") }
            let empty = bytes[index - 1] == UInt8(ascii: "/")
            index += 1
            return (name, closing, empty)
        }

        mutating func peekTag() throws(XMLRPCError) -> (name: String, closing: Bool, empty: Bool) {
            let saved = index
            defer { index = saved }
            return try tag()
        }

        mutating func peekOpen(_ name: String) throws(XMLRPCError) -> Bool {
            let next = try peekTag()
            return next.name == name && !next.closing
        }

        mutating func open(_ name: String) throws(XMLRPCError) {
            let found = try tag()
            guard found.name == name, !found.closing, !found.empty else { throw fail("<\(name)> expected, <\(found.closing ? "/" : "")\(found.name)> found") }
        }

        mutating func close(_ name: String) throws(XMLRPCError) {
            let found = try tag()
            guard found.name == name, found.closing else { throw fail("</\(name)> expected, <\(found.closing ? "/" : "")\(found.name)> found") }
        }

        /// Character data up to the next tag, entities decoded.
        mutating func text() throws(XMLRPCError) -> String {
            let start = index
            while index < bytes.count, bytes[index] != UInt8(ascii: "<") { index += 1 }
            return try Self.decodeEntities(String(decoding: bytes[start..<index], as: UTF8.self), at: start)
        }

        static func decodeEntities(_ raw: String, at offset: Int) throws(XMLRPCError) -> String {
            guard raw.contains("&") else { return raw }
            var out = ""
            var rest = Substring(raw)
            while let amp = rest.firstIndex(of: "&") {
                out += rest[..<amp]
                guard let semicolon = rest[amp...].firstIndex(of: ";") else { throw XMLRPCError(description: "XML-RPC answer: an unterminated entity near byte \(offset)") }
                let name = rest[rest.index(after: amp)..<semicolon]
                switch name {
                case "amp": out += "&"
                case "lt": out += "<"
                case "gt": out += ">"
                case "quot": out += "\""
                case "apos": out += "'"
                default:
                    let number = name.hasPrefix("#x") ? UInt32(name.dropFirst(2), radix: 16) : name.hasPrefix("#") ? UInt32(name.dropFirst(), radix: 10) : nil
                    guard let scalar = number.flatMap(Unicode.Scalar.init) else {
                        throw XMLRPCError(description: "XML-RPC answer: unknown entity &\(name); near byte \(offset)")
                    }
                    out.unicodeScalars.append(scalar)
                }
                rest = rest[rest.index(after: semicolon)...]
            }
            return out + rest
        }

        /// `<value>…</value>`; text without a type tag is a string.
        mutating func value() throws(XMLRPCError) -> XMLRPCValue {
            let opened = try tag()
            guard opened.name == "value", !opened.closing else { throw fail("<value> expected, <\(opened.name)> found") }
            if opened.empty { return .string("") }
            let saved = index
            let leading = try text()
            if starts(with: "</value") {
                try close("value")
                return .string(leading)
            }
            index = saved
            let type = try tag()
            let value: XMLRPCValue
            if type.empty {
                switch type.name {
                case "string": value = .string("")
                case "nil": value = .nil
                case "array": value = .array([])
                case "struct": value = .structure([:])
                case "base64": value = .base64([])
                default: throw fail("an empty <\(type.name)/>")
                }
            } else {
                value = try typed(type.name)
            }
            try close("value")
            return value
        }

        mutating func typed(_ type: String) throws(XMLRPCError) -> XMLRPCValue {
            switch type {
            case "i4", "i8", "int":
                let text = try text().trimmingCharacters(in: .whitespaces)
                guard let number = Int64(text) else { throw fail("'\(text)' is not an integer") }
                try close(type)
                return .int(number)
            case "boolean":
                let text = try text().trimmingCharacters(in: .whitespaces)
                guard text == "0" || text == "1" else { throw fail("'\(text)' is not a boolean") }
                try close(type)
                return .bool(text == "1")
            case "string":
                let text = try text()
                try close(type)
                return .string(text)
            case "double":
                let text = try text().trimmingCharacters(in: .whitespaces)
                guard let number = Double(text) else { throw fail("'\(text)' is not a double") }
                try close(type)
                return .double(number)
            case "base64":
                let text = try text().filter { !$0.isWhitespace }
                guard let data = Data(base64Encoded: text) else { throw fail("bad base64") }
                try close(type)
                return .base64(Array(data))
            case "nil":
                try close(type)
                return .nil
            case "array":
                var items: [XMLRPCValue] = []
                let data = try tag()
                guard data.name == "data", !data.closing else { throw fail("<data> expected") }
                if !data.empty {
                    while try peekOpen("value") { items.append(try value()) }
                    try close("data")
                }
                try close("array")
                return .array(items)
            case "struct":
                var members: [String: XMLRPCValue] = [:]
                while try peekOpen("member") {
                    try open("member")
                    try open("name")
                    let name = try text()
                    try close("name")
                    members[name] = try value()
                    try close("member")
                }
                try close("struct")
                return .structure(members)
            default:
                throw fail("unknown type <\(type)>")
            }
        }
    }
}
