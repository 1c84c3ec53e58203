import Foundation
import MKTCrypto

/// The second line of defence against leaks (the first is never formatting a
/// secret into text): knows every stored secret in the forms it could take on
/// its way out (raw, URL-encoded, hex, base64 at any alignment, either case)
/// and replaces them before anything is printed, logged or stored.
public struct SecretRedactor: Sendable, ObjectWriteBarrier {
    public static let mask = "[redacted]"
    /// Forms shorter than this would match ordinary text.
    static let shortestForm = 6

    private let forms: [String]

    public init(secrets: [String]) {
        var forms = Set<String>()
        for secret in secrets where secret.utf8.count >= 4 {
            let bytes = Array(secret.utf8)
            forms.insert(secret)
            let urlEncoded = secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics.subtracting(.nonBaseCharacters)) ?? secret
            forms.insert(urlEncoded)
            forms.insert(urlEncoded.lowercased())
            let everyByte = bytes.map { String(format: "%%%02X", $0) }.joined()
            forms.insert(everyByte)
            forms.insert(everyByte.lowercased())
            forms.insert(Hex.encode(bytes))
            forms.insert(Hex.encode(bytes).uppercased())
            // In a longer base64 text the secret can start at any of three
            // offsets; the characters that depend only on the secret are the
            // ones between the first and last partial groups.
            for offset in 0..<3 {
                let encoded = Data([UInt8](repeating: 0, count: offset) + bytes).base64EncodedString()
                let start = encoded.index(encoded.startIndex, offsetBy: offset == 0 ? 0 : (offset * 4 + 2) / 3)
                let stableEnd = ((offset + bytes.count) / 3) * 4
                guard stableEnd > encoded.distance(from: encoded.startIndex, to: start) else { continue }
                let core = String(encoded[start..<encoded.index(encoded.startIndex, offsetBy: stableEnd)])
                forms.insert(core)
                forms.insert(core.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_"))
            }
        }
        // Longest first, so a form inside a longer one never leaves a tail behind.
        self.forms = forms.filter { $0.utf8.count >= Self.shortestForm }.sorted { $0.utf8.count > $1.utf8.count }
    }

    public func redact(_ text: String) -> String {
        forms.reduce(text) { $0.replacingOccurrences(of: $1, with: Self.mask) }
    }

    public func contains(_ bytes: Data) -> Bool {
        forms.contains { bytes.range(of: Data($0.utf8)) != nil }
    }

    /// The object-write barrier: no object holding a secret reaches the store.
    public func check(_ body: Data, type: ObjectType) throws(StoreError) {
        if contains(body) { throw .secretInObject(type) }
    }
}
