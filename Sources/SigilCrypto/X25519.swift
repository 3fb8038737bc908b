import CSodium

/// X25519 Diffie-Hellman on libsodium.
public enum X25519 {
    public static let keyLength = 32

    public final class PrivateKey: @unchecked Sendable {
        private let scalar: SecureBytes
        public let publicKey: [UInt8]

        public init(scalar: SecureBytes) throws {
            _ = Sodium.ready
            guard scalar.count == 32 else { throw CryptoError.invalidKeyLength("X25519 private key", got: scalar.count, want: 32) }
            self.scalar = scalar
            var pk = [UInt8](repeating: 0, count: 32)
            scalar.withUnsafeBytes { s in
                _ = crypto_scalarmult_curve25519_base(&pk, s.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
            publicKey = pk
        }

        public convenience init(rawRepresentation bytes: [UInt8]) throws {
            try self.init(scalar: SecureBytes(copying: bytes))
        }

        public static func generate() -> PrivateKey {
            var raw = Random.bytes(32)
            return try! PrivateKey(scalar: SecureBytes(consuming: &raw))
        }

        public var rawRepresentation: SecureBytes { scalar.slice(0..<32) }

        /// X25519(k, peer). Fails on a low-order peer point (libsodium returns -1 for an all-zero result).
        public func sharedSecret(with peer: [UInt8]) throws -> SecureBytes {
            guard peer.count == 32 else { throw CryptoError.invalidKeyLength("X25519 public key", got: peer.count, want: 32) }
            let out = SecureBytes(count: 32)
            let rc = out.withUnsafeMutableBytes { o in
                scalar.withUnsafeBytes { s in
                    crypto_scalarmult_curve25519(o.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                                 s.baseAddress!.assumingMemoryBound(to: UInt8.self), peer)
                }
            }
            guard rc == 0 else { throw CryptoError(code: .lowOrderPoint, reason: "X25519 shared secret is all zero (low-order public key)") }
            return out
        }
    }

    /// X25519(scalar, basepoint) for raw scalars, as `wg pubkey` does (libsodium clamps internally).
    public static func publicKey(forScalar scalar: [UInt8]) throws -> [UInt8] {
        try PrivateKey(rawRepresentation: scalar).publicKey
    }
}
