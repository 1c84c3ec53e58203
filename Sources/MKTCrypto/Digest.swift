import CMKTOpenSSL
import Foundation

/// A message digest computed by OpenSSL's EVP interface.
public enum DigestAlgorithm: String, Sendable, CaseIterable {
    /// SHA-1: BitTorrent v1 piece hashes and infohashes.
    case sha1
    /// SHA-256: mkt object ids and BitTorrent v2 merkle trees.
    case sha256

    /// Length of one digest in bytes.
    public var byteCount: Int {
        switch self {
        case .sha1: 20
        case .sha256: 32
        }
    }

    /// The digest of `bytes` in one call.
    public func digest(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: byteCount)
        var length: UInt32 = 0
        let ok = out.withUnsafeMutableBufferPointer { outBuffer in
            EVP_Digest(bytes.baseAddress, bytes.count, outBuffer.baseAddress, &length, evpMD, nil)
        }
        precondition(ok == 1 && Int(length) == byteCount, "OpenSSL \(rawValue) digest failed")
        return out
    }

    /// The digest of `data` in one call.
    public func digest<Bytes: ContiguousBytes>(_ data: Bytes) -> [UInt8] {
        data.withUnsafeBytes { digest($0) }
    }

    /// The fetched implementation. Fetching once avoids OpenSSL 3's implicit
    /// per-call provider lookup, which costs more than hashing a small object.
    var evpMD: OpaquePointer {
        switch self {
        case .sha1: fetchedSHA1
        case .sha256: fetchedSHA256
        }
    }
}

// EVP_MD objects are immutable and reference-counted by OpenSSL, which makes
// them safe to share across threads once fetched.
nonisolated(unsafe) private let fetchedSHA1: OpaquePointer = fetchDigest("SHA1")
nonisolated(unsafe) private let fetchedSHA256: OpaquePointer = fetchDigest("SHA256")

private func fetchDigest(_ name: String) -> OpaquePointer {
    guard let md = EVP_MD_fetch(nil, name, nil) else {
        preconditionFailure("OpenSSL has no \(name) implementation; is libcrypto 3 installed?")
    }
    return md
}

/// An incremental digest: feed bytes with `update`, then call `finish` once.
public final class DigestContext {
    private let context: OpaquePointer
    public let algorithm: DigestAlgorithm

    public init(_ algorithm: DigestAlgorithm) {
        guard let context = EVP_MD_CTX_new() else {
            preconditionFailure("OpenSSL could not allocate a digest context")
        }
        precondition(EVP_DigestInit_ex2(context, algorithm.evpMD, nil) == 1, "OpenSSL digest init failed")
        self.context = context
        self.algorithm = algorithm
    }

    deinit { EVP_MD_CTX_free(context) }

    public func update(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        precondition(EVP_DigestUpdate(context, bytes.baseAddress, bytes.count) == 1, "OpenSSL digest update failed")
    }

    public func update<Bytes: ContiguousBytes>(_ data: Bytes) {
        data.withUnsafeBytes { update($0) }
    }

    /// Starts over, as if newly made; cheaper than a new context per piece.
    public func reset() {
        precondition(EVP_DigestInit_ex2(context, algorithm.evpMD, nil) == 1, "OpenSSL digest init failed")
    }

    /// Writes the digest to `out` (which must hold `algorithm.byteCount` bytes) and resets.
    public func finish(into out: UnsafeMutableRawPointer) {
        var length: UInt32 = 0
        let ok = EVP_DigestFinal_ex(context, out.assumingMemoryBound(to: UInt8.self), &length)
        precondition(ok == 1 && Int(length) == algorithm.byteCount, "OpenSSL digest final failed")
        reset()
    }

    /// Returns the digest; call `reset` before using the context again.
    public func finish() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: algorithm.byteCount)
        var length: UInt32 = 0
        let ok = out.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(context, $0.baseAddress, &length) }
        precondition(ok == 1 && Int(length) == algorithm.byteCount, "OpenSSL digest final failed")
        return out
    }
}
