import SigilCrypto

extension WireGuardKey {
    /// A fresh private key exactly as `wg genkey` makes it: 32 random bytes, clamped.
    public static func generatePrivate() -> WireGuardKey {
        var k = Random.bytes(32)
        defer { wipe(&k) }
        return WireGuardKey(raw: clamped(k))
    }

    /// A fresh preshared key as `wg genpsk` makes it: 32 random bytes, not clamped.
    public static func generatePreshared() -> WireGuardKey {
        var k = Random.bytes(32)
        defer { wipe(&k) }
        return WireGuardKey(raw: k)
    }

    /// Curve25519 secret clamping (`curve25519_clamp_secret` in wireguard-tools).
    static func clamped(_ k: [UInt8]) -> [UInt8] {
        var c = k
        c[0] &= 248
        c[31] = (c[31] & 127) | 64
        return c
    }

    /// The public key `wg pubkey` prints for this private key (X25519 with the base point).
    public func publicKey() -> WireGuardKey {
        // raw is always 32 bytes, the only failure X25519 can report here.
        WireGuardKey(raw: (try? X25519.publicKey(forScalar: raw)) ?? [UInt8](repeating: 0, count: 32))
    }

    /// Standard base64 with padding: the 44-character form of wg(8) and wg-quick configs.
    public var base64: String { Base64.encode(raw) }

    /// Lowercase hex: the form of the wireguard-go UAPI socket.
    public var hex: String { Hex.encode(raw) }

    /// Parses the 44-character base64 form as strictly as wg's `key_from_base64`.
    /// `what` names the input in errors; a secret's text is never quoted.
    public init(base64 text: String, what: String = "key", secret: Bool = false) throws {
        let shown = secret ? "(\(text.utf8.count) characters, not shown)" : "`\(text.prefix(60))'"
        guard text.utf8.count == 44, text.hasSuffix("="), !text.hasSuffix("==") else {
            throw WireGuardError.invalidKey(what, "\(shown) must be 44 base64 characters ending in one `='")
        }
        guard var bytes = try? Base64.decode(text), bytes.count == 32 else {
            throw WireGuardError.invalidKey(what, "\(shown) is not canonical base64 of 32 bytes")
        }
        defer { wipe(&bytes) }
        self.init(raw: bytes)
    }

    /// Parses the 64-character hex form of the UAPI socket.
    init(hex text: String, what: String) throws {
        guard text.utf8.count == 64, var bytes = try? Hex.decode(text) else {
            throw WireGuardError.invalidKey(what, "expected 64 hex digits, got \(text.utf8.count) characters")
        }
        defer { wipe(&bytes) }
        self.init(raw: bytes)
    }

    /// Checks a raw key length without trapping (the model initialiser preconditions on it).
    public static func from(raw bytes: [UInt8], what: String = "key") throws -> WireGuardKey {
        guard bytes.count == 32 else { throw WireGuardError.invalidKey(what, "expected 32 bytes, got \(bytes.count)") }
        return WireGuardKey(raw: bytes)
    }
}
