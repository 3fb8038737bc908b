import CSodium

/// Deterministic Ed25519 (RFC 8032) on libsodium.
public enum Ed25519 {
    public static let seedLength = 32
    public static let publicKeyLength = 32
    public static let signatureLength = 64

    public struct PublicKey: Hashable, Sendable {
        public let rawRepresentation: [UInt8]

        public init(rawRepresentation: [UInt8]) throws {
            guard rawRepresentation.count == Ed25519.publicKeyLength else {
                throw CryptoError.invalidKeyLength("Ed25519 public key", got: rawRepresentation.count, want: 32)
            }
            self.rawRepresentation = rawRepresentation
        }

        /// Strict verification: libsodium rejects non-canonical S and small-order R/A.
        public func isValidSignature<M: Collection>(_ signature: [UInt8], for message: M) -> Bool where M.Element == UInt8 {
            _ = Sodium.ready
            guard signature.count == Ed25519.signatureLength else { return false }
            let msg = Array(message)
            return crypto_sign_verify_detached(signature, msg, UInt64(msg.count), rawRepresentation) == 0
        }
    }

    public final class PrivateKey: @unchecked Sendable {
        /// libsodium's 64-byte secret key (seed ‖ public key), in guarded memory.
        private let secret: SecureBytes
        public let publicKey: PublicKey

        /// From a 32-byte RFC 8032 seed.
        public init(seed: SecureBytes) throws {
            _ = Sodium.ready
            guard seed.count == Ed25519.seedLength else {
                throw CryptoError.invalidKeyLength("Ed25519 seed", got: seed.count, want: 32)
            }
            let sk = SecureBytes(count: 64)
            var pk = [UInt8](repeating: 0, count: 32)
            seed.withUnsafeBytes { s in
                sk.withUnsafeMutableBytes { k in
                    _ = crypto_sign_seed_keypair(&pk, k.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                                 s.baseAddress!.assumingMemoryBound(to: UInt8.self))
                }
            }
            secret = sk
            publicKey = try PublicKey(rawRepresentation: pk)
        }

        public convenience init(seed bytes: [UInt8]) throws {
            try self.init(seed: SecureBytes(copying: bytes))
        }

        public static func generate() -> PrivateKey {
            var seed = Random.bytes(32)
            return try! PrivateKey(seed: SecureBytes(consuming: &seed))
        }

        /// The 32-byte seed, still in guarded memory.
        public var seed: SecureBytes { secret.slice(0..<32) }

        public func signature<M: Collection>(for message: M) -> [UInt8] where M.Element == UInt8 {
            var sig = [UInt8](repeating: 0, count: 64)
            let msg = Array(message)
            secret.withUnsafeBytes { sk in
                _ = crypto_sign_detached(&sig, nil, msg, UInt64(msg.count), sk.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
            return sig
        }
    }
}
