import Foundation
import MKTCrypto
import MKTStore

/// The encrypted credential file, format 1:
///
///     "MKTCRED" | version u8 = 1 | slot count u8
///     per slot:  kdf u8 (1 = PBKDF2-HMAC-SHA256) | iterations u32 BE | salt[16]
///                | nonce[12] | wrapped data key[32] | tag[16]
///     body:      nonce[12] | records (JSON) | tag[16]
///
/// A random 256-bit data key encrypts the records (AES-256-GCM, AAD = the whole
/// header and "mkt-credentials-v1"); each slot wraps that key under a key
/// derived from a password (AAD = the header up to the slot's salt). So a new
/// password rewraps one key, more passwords are more slots, and every header
/// byte, KDF parameters included, is authenticated. Each write uses fresh nonces.
enum CredentialFile {
    static let magic = Array("MKTCRED".utf8)
    static let version: UInt8 = 1
    static let pbkdf2: UInt8 = 1
    static let bodyContext = Array("mkt-credentials-v1".utf8)
    static let saltLength = 16
    /// Anything above this is refused before any work: a crafted file must
    /// not make mkt spin for minutes.
    static let maximumIterations = 10_000_000
    static let maximumSlots = 8
    static let slotLength = 1 + 4 + 16 + 12 + 32 + 16

    struct Slot {
        let iterations: Int
        let salt: [UInt8]
        let wrappedKey: [UInt8]
    }

    /// The header with one slot that wraps `dataKey` under `password`:
    /// fresh salt, fresh nonce, one key derivation.
    static func header(dataKey: [UInt8], password: [UInt8], iterations: Int) -> [UInt8] {
        let fixed = magic + [version, 1]
        let salt = SecureRandom.bytes(saltLength)
        let slotPrefix = [pbkdf2] + bigEndian(UInt32(iterations)) + salt
        var keyEncryptionKey = PBKDF2.sha256(password: password, salt: salt, iterations: iterations, length: 32)
        defer { SecureRandom.wipe(&keyEncryptionKey) }
        return fixed + slotPrefix + AES256GCM.seal(dataKey, key: keyEncryptionKey, associatedData: fixed + slotPrefix)
    }

    /// The whole file: `header` and the records sealed under a fresh nonce.
    /// Saving again keeps the header (no key derivation) and re-seals the body.
    static func encode(records: [UInt8], dataKey: [UInt8], header: [UInt8]) -> [UInt8] {
        header + AES256GCM.seal(records, key: dataKey, associatedData: header + bodyContext)
    }

    /// Opens the file's bytes; any failure, whatever its cause, is `cannotUnlock`.
    static func decode(_ bytes: [UInt8], password: [UInt8], path: String) throws(CredentialError) -> (records: [UInt8], dataKey: [UInt8], header: [UInt8]) {
        let locked = CredentialError.cannotUnlock(path: path)
        let (slotCount, headerLength) = try layout(bytes, path: path)
        let fixed = Array(bytes[0..<(magic.count + 2)])
        for index in 0..<slotCount {
            let start = fixed.count + index * slotLength
            let slot = Array(bytes[start..<(start + slotLength)])
            guard slot[0] == pbkdf2 else { continue }
            let iterations = Int(UInt32(slot[1]) << 24 | UInt32(slot[2]) << 16 | UInt32(slot[3]) << 8 | UInt32(slot[4]))
            guard iterations >= 1, iterations <= maximumIterations else { continue }
            let salt = Array(slot[5..<21])
            var keyEncryptionKey = PBKDF2.sha256(password: password, salt: salt, iterations: iterations, length: 32)
            defer { SecureRandom.wipe(&keyEncryptionKey) }
            guard let dataKey = AES256GCM.open(Array(slot[21...]), key: keyEncryptionKey, associatedData: fixed + Array(slot[0..<21])) else { continue }
            let header = Array(bytes[0..<headerLength])
            guard let records = AES256GCM.open(Array(bytes[headerLength...]), key: dataKey, associatedData: header + bodyContext) else { throw locked }
            return (records, dataKey, header)
        }
        throw locked
    }

    /// Opens the file's bytes with the data key itself (held by the credential
    /// cache), without a key derivation; any failure is `cannotUnlock`.
    static func decode(_ bytes: [UInt8], dataKey: [UInt8], path: String) throws(CredentialError) -> (records: [UInt8], header: [UInt8]) {
        let locked = CredentialError.cannotUnlock(path: path)
        let headerLength = try layout(bytes, path: path).headerLength
        let header = Array(bytes[0..<headerLength])
        guard let records = AES256GCM.open(Array(bytes[headerLength...]), key: dataKey, associatedData: header + bodyContext) else { throw locked }
        return (records, header)
    }

    /// The slot count and header length of a file of this format, checked against its size.
    private static func layout(_ bytes: [UInt8], path: String) throws(CredentialError) -> (slotCount: Int, headerLength: Int) {
        let locked = CredentialError.cannotUnlock(path: path)
        guard bytes.count >= magic.count + 2, Array(bytes[0..<magic.count]) == magic, bytes[magic.count] == version else { throw locked }
        let slotCount = Int(bytes[magic.count + 1])
        let headerLength = magic.count + 2 + slotCount * slotLength
        guard (1...maximumSlots).contains(slotCount), bytes.count >= headerLength + AES256GCM.nonceLength + AES256GCM.tagLength else { throw locked }
        return (slotCount, headerLength)
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
    }
}
