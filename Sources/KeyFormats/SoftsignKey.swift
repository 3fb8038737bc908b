import SigilCrypto

/// TMKMS softsign key files: standard base64 of a 32-byte Ed25519 seed, 44 characters, written without
/// a trailing newline; trailing whitespace is ignored on load (tmkms `key_utils.rs`).
public enum SoftsignKey {
    /// Reads and checks a key file (mode 0600 or stricter) and returns the key it holds.
    public static func load(_ path: String) throws -> Ed25519.PrivateKey {
        var text = try SecretFile.readChecked(path)
        defer { wipe(&text) }
        return try decode(text, path: path)
    }

    /// Decodes the file contents; `path` is only used in error messages.
    public static func decode(_ contents: [UInt8], path: String) throws -> Ed25519.PrivateKey {
        var end = contents.endIndex
        while end > contents.startIndex, [9, 10, 13, 32].contains(contents[end - 1]) { end -= 1 }
        let trimmed = contents[..<end]
        guard !trimmed.isEmpty else {
            throw KeyFormatError.invalidKeyLength(path, "the key file is empty; expected 44 base64 characters")
        }
        // The contents are secret, so errors describe them by length only.
        var raw: [UInt8]
        do {
            raw = try Base64.decode(String(decoding: trimmed, as: UTF8.self))
        } catch {
            throw KeyFormatError.invalidEncoding(
                path, "not valid standard base64 (\(trimmed.count) characters; a softsign key is 44 characters "
                    + "of base64 holding a 32-byte seed). Is the file truncated or is it another format?")
        }
        defer { wipe(&raw) }
        switch raw.count {
        case Ed25519.seedLength:
            return try Ed25519.PrivateKey(seed: SecureBytes(copying: raw))
        case 64:
            throw KeyFormatError.invalidKeyLength(
                path, "holds 64 bytes, not a 32-byte seed. This looks like the `priv_key.value` of a "
                    + "priv_validator_key.json (seed followed by public key), which TMKMS would turn into a different "
                    + "key. Import the JSON file instead: sigil softsign import <priv_validator_key.json> \(path)")
        default:
            throw KeyFormatError.invalidKeyLength(path, "holds \(raw.count) bytes; a softsign key is a 32-byte seed")
        }
    }

    /// The file contents for `seed`: 44 base64 characters, no newline (as tmkms writes them).
    public static func encode(seed: SecureBytes) throws -> [UInt8] {
        guard seed.count == Ed25519.seedLength else {
            throw KeyFormatError.invalidKeyLength("<seed>", "a softsign key is a 32-byte seed, got \(seed.count) bytes")
        }
        var raw = seed.unsafeCopy
        defer { wipe(&raw) }
        return Array(Base64.encode(raw).utf8)
    }

    /// Creates `path` (mode 0600, never overwriting) holding `seed`.
    public static func write(seed: SecureBytes, path: String) throws {
        var contents = try encode(seed: seed)
        defer { wipe(&contents) }
        try SecretFile.createExclusive(path: path, contents: contents)
    }

    public static func write(_ key: Ed25519.PrivateKey, path: String) throws {
        try write(seed: key.seed, path: path)
    }
}
