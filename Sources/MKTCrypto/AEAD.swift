import CMKTOpenSSL

/// AES-256-GCM: authenticated encryption with associated data.
public enum AES256GCM {
    public static let keyLength = 32
    public static let nonceLength = 12
    public static let tagLength = 16

    /// Encrypts `plaintext` under a fresh random nonce.
    /// - Returns: nonce ‖ ciphertext ‖ tag.
    public static func seal(_ plaintext: [UInt8], key: [UInt8], associatedData: [UInt8]) -> [UInt8] {
        precondition(key.count == keyLength, "AES-256-GCM needs a 32-byte key")
        let nonce = SecureRandom.bytes(nonceLength)
        let context = CipherContext()
        var out = nonce + [UInt8](repeating: 0, count: plaintext.count + tagLength)
        var length: Int32 = 0
        precondition(EVP_EncryptInit_ex2(context.pointer, EVP_aes_256_gcm(), key, nonce, nil) == 1, "AES-GCM init failed")
        if !associatedData.isEmpty {
            precondition(EVP_EncryptUpdate(context.pointer, nil, &length, associatedData, Int32(associatedData.count)) == 1, "AES-GCM AAD failed")
        }
        out.withUnsafeMutableBufferPointer { buffer in
            let body = buffer.baseAddress! + nonceLength
            if !plaintext.isEmpty {
                precondition(EVP_EncryptUpdate(context.pointer, body, &length, plaintext, Int32(plaintext.count)) == 1, "AES-GCM encrypt failed")
            }
            precondition(EVP_EncryptFinal_ex(context.pointer, body + plaintext.count, &length) == 1, "AES-GCM final failed")
            precondition(
                EVP_CIPHER_CTX_ctrl(context.pointer, EVP_CTRL_GCM_GET_TAG, Int32(tagLength), body + plaintext.count) == 1,
                "AES-GCM tag failed")
        }
        return out
    }

    /// Decrypts nonce ‖ ciphertext ‖ tag; nil if anything (key, data, tag,
    /// associated data) is not what was sealed.
    public static func open(_ sealed: [UInt8], key: [UInt8], associatedData: [UInt8]) -> [UInt8]? {
        guard key.count == keyLength, sealed.count >= nonceLength + tagLength else { return nil }
        let nonce = Array(sealed[0..<nonceLength])
        let ciphertext = Array(sealed[nonceLength..<(sealed.count - tagLength)])
        var tag = Array(sealed[(sealed.count - tagLength)...])
        let context = CipherContext()
        var plaintext = [UInt8](repeating: 0, count: ciphertext.count + 16)
        var length: Int32 = 0
        guard EVP_DecryptInit_ex2(context.pointer, EVP_aes_256_gcm(), key, nonce, nil) == 1 else { return nil }
        if !associatedData.isEmpty {
            guard EVP_DecryptUpdate(context.pointer, nil, &length, associatedData, Int32(associatedData.count)) == 1 else { return nil }
        }
        var written = 0
        if !ciphertext.isEmpty {
            guard EVP_DecryptUpdate(context.pointer, &plaintext, &length, ciphertext, Int32(ciphertext.count)) == 1 else { return nil }
            written = Int(length)
        }
        guard EVP_CIPHER_CTX_ctrl(context.pointer, EVP_CTRL_GCM_SET_TAG, Int32(tagLength), &tag) == 1 else { return nil }
        let verified = plaintext.withUnsafeMutableBufferPointer { buffer in
            EVP_DecryptFinal_ex(context.pointer, buffer.baseAddress! + written, &length) > 0
        }
        guard verified else {
            SecureRandom.wipe(&plaintext)
            return nil
        }
        return Array(plaintext[0..<written])
    }
}

private final class CipherContext {
    let pointer: OpaquePointer

    init() {
        guard let pointer = EVP_CIPHER_CTX_new() else { preconditionFailure("OpenSSL could not allocate a cipher context") }
        self.pointer = pointer
    }

    deinit { EVP_CIPHER_CTX_free(pointer) }
}

/// PBKDF2-HMAC-SHA256 (RFC 8018).
public enum PBKDF2 {
    public static func sha256(password: [UInt8], salt: [UInt8], iterations: Int, length: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: length)
        let ok = password.withUnsafeBufferPointer { passwordBuffer in
            passwordBuffer.withMemoryRebound(to: CChar.self) { chars in
                PKCS5_PBKDF2_HMAC(chars.baseAddress, Int32(password.count), salt, Int32(salt.count), Int32(iterations), EVP_sha256(), Int32(length), &out)
            }
        }
        precondition(ok == 1, "OpenSSL PBKDF2 failed")
        return out
    }
}

/// Random bytes from OpenSSL's CSPRNG, and wiping of secrets.
public enum SecureRandom {
    public static func bytes(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        precondition(count == 0 || RAND_bytes(&out, Int32(count)) == 1, "OpenSSL has no randomness")
        return out
    }

    /// Overwrites a buffer holding a secret (the compiler may not optimise it away).
    public static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, $0.count) }
    }

    /// Compares in time independent of where the first difference is.
    public static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        lhs.count == rhs.count && CRYPTO_memcmp(lhs, rhs, lhs.count) == 0
    }
}
