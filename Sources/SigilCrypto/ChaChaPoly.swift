import CSodium

/// ChaCha20-Poly1305 IETF (RFC 8439): 32-byte key, 12-byte nonce, 16-byte tag appended to the ciphertext.
public enum ChaChaPoly {
    public static let keyLength = 32
    public static let nonceLength = 12
    public static let tagLength = 16

    public static func seal(key: SecureBytes, nonce: [UInt8], plaintext: [UInt8], aad: [UInt8] = []) throws -> [UInt8] {
        _ = Sodium.ready
        guard key.count == keyLength else { throw CryptoError.invalidKeyLength("ChaCha20-Poly1305 key", got: key.count, want: 32) }
        guard nonce.count == nonceLength else {
            throw CryptoError(code: .invalidNonceLength, reason: "ChaCha20-Poly1305 nonce must be 12 bytes, got \(nonce.count)")
        }
        var out = [UInt8](repeating: 0, count: plaintext.count + tagLength)
        var outLen: UInt64 = 0
        key.withUnsafeBytes { k in
            _ = crypto_aead_chacha20poly1305_ietf_encrypt(
                &out, &outLen, plaintext, UInt64(plaintext.count), aad, UInt64(aad.count), nil, nonce,
                k.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        return out
    }

    public static func open(key: SecureBytes, nonce: [UInt8], sealed: [UInt8], aad: [UInt8] = []) throws -> [UInt8] {
        _ = Sodium.ready
        guard key.count == keyLength else { throw CryptoError.invalidKeyLength("ChaCha20-Poly1305 key", got: key.count, want: 32) }
        guard nonce.count == nonceLength else {
            throw CryptoError(code: .invalidNonceLength, reason: "ChaCha20-Poly1305 nonce must be 12 bytes, got \(nonce.count)")
        }
        guard sealed.count >= tagLength else { throw CryptoError(code: .authenticationFailure, reason: "sealed data shorter than the tag") }
        var out = [UInt8](repeating: 0, count: sealed.count - tagLength)
        var outLen: UInt64 = 0
        let rc = key.withUnsafeBytes { k in
            crypto_aead_chacha20poly1305_ietf_decrypt(
                &out, &outLen, nil, sealed, UInt64(sealed.count), aad, UInt64(aad.count), nonce,
                k.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        guard rc == 0 else { throw CryptoError(code: .authenticationFailure, reason: "ChaCha20-Poly1305 authentication failed") }
        return out
    }
}
