import CSodium

public enum SHA256 {
    public static let length = 32
    public static func hash<C: Collection>(_ data: C) -> [UInt8] where C.Element == UInt8 {
        _ = Sodium.ready
        let input = Array(data)
        var out = [UInt8](repeating: 0, count: 32)
        crypto_hash_sha256(&out, input, UInt64(input.count))
        return out
    }
}

public enum SHA512 {
    public static func hash<C: Collection>(_ data: C) -> [UInt8] where C.Element == UInt8 {
        _ = Sodium.ready
        let input = Array(data)
        var out = [UInt8](repeating: 0, count: 64)
        crypto_hash_sha512(&out, input, UInt64(input.count))
        return out
    }
}

/// HMAC-SHA256 with keys of any length (libsodium's init/update/final API hashes long keys as RFC 2104 says).
public enum HMACSHA256 {
    public static func authenticate(key: [UInt8], message: [UInt8]) -> [UInt8] {
        _ = Sodium.ready
        var state = crypto_auth_hmacsha256_state()
        var out = [UInt8](repeating: 0, count: 32)
        crypto_auth_hmacsha256_init(&state, key, key.count)
        crypto_auth_hmacsha256_update(&state, message, UInt64(message.count))
        crypto_auth_hmacsha256_final(&state, &out)
        withUnsafeMutableBytes(of: &state) { sodium_memzero($0.baseAddress, $0.count) }
        return out
    }
}

/// HKDF-SHA256 (RFC 5869) over libsodium's HMAC, since libsodium 1.0.18 has no HKDF.
public enum HKDFSHA256 {
    public static func deriveKey(ikm: [UInt8], salt: [UInt8] = [], info: [UInt8], length: Int) -> SecureBytes {
        precondition(length <= 255 * 32, "HKDF-SHA256 output is limited to 8160 bytes")
        let s = salt.isEmpty ? [UInt8](repeating: 0, count: 32) : salt
        var prk = HMACSHA256.authenticate(key: s, message: ikm)
        defer { wipe(&prk) }
        var okm = [UInt8]()
        var block = [UInt8]()
        var counter: UInt8 = 1
        while okm.count < length {
            var msg = block + info + [counter]
            block = HMACSHA256.authenticate(key: prk, message: msg)
            wipe(&msg)
            okm += block
            counter &+= 1
        }
        wipe(&block)
        var trimmed = Array(okm.prefix(length))
        wipe(&okm)
        return SecureBytes(consuming: &trimmed)
    }
}
