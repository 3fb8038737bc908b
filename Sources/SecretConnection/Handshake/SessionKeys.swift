import SigilCrypto

/// The two ChaCha20-Poly1305 keys of a Secret Connection, from HKDF-SHA256 over the DH secret
/// (CometBFT `deriveSecrets`).
struct SessionKeys: Sendable {
    static let hkdfInfo = Array("TENDERMINT_SECRET_CONNECTION_KEY_AND_CHALLENGE_GEN".utf8)
    static let hkdfLength = 96

    let sendKey: SecureBytes
    let receiveKey: SecureBytes

    /// The side whose ephemeral key sorts lower receives with okm[0:32] and sends with okm[32:64];
    /// okm[64:96] was the pre-Merlin challenge and is unused.
    init(dhSecret: SecureBytes, locIsLeast: Bool) {
        var ikm = dhSecret.unsafeCopy
        defer { wipe(&ikm) }
        let okm = HKDFSHA256.deriveKey(ikm: ikm, info: Self.hkdfInfo, length: Self.hkdfLength)
        let first = okm.slice(0..<32)
        let second = okm.slice(32..<64)
        sendKey = locIsLeast ? second : first
        receiveKey = locIsLeast ? first : second
    }
}
