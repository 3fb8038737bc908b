import SigilCrypto
import WireGuard

/// The keys of one validator–signer link. A private key is nil for the machine whose bundle is not being
/// written (split mode: each machine generates its own and only public keys travel).
public struct LinkKeys: Sendable {
    public var validatorPrivate: WireGuardKey?
    public var validatorPublic: WireGuardKey
    public var signerPrivate: WireGuardKey?
    public var signerPublic: WireGuardKey
    public var presharedKey: WireGuardKey?
    /// Seed of the signer's Secret Connection identity (`kms-identity.key`); nil when not writing the signer bundle.
    public var kmsIdentitySeed: [UInt8]?

    public init(validatorPrivate: WireGuardKey?, validatorPublic: WireGuardKey, signerPrivate: WireGuardKey?,
                signerPublic: WireGuardKey, presharedKey: WireGuardKey?, kmsIdentitySeed: [UInt8]?) {
        self.validatorPrivate = validatorPrivate
        self.validatorPublic = validatorPublic
        self.signerPrivate = signerPrivate
        self.signerPublic = signerPublic
        self.presharedKey = presharedKey
        self.kmsIdentitySeed = kmsIdentitySeed
    }

    /// Both bundles from one run: every key fresh from libsodium, a per-link PSK.
    public static func generateBoth() -> LinkKeys {
        let v = WireGuardKey.generatePrivate()
        let s = WireGuardKey.generatePrivate()
        return LinkKeys(validatorPrivate: v, validatorPublic: v.publicKey(), signerPrivate: s, signerPublic: s.publicKey(),
                        presharedKey: .generatePreshared(), kmsIdentitySeed: Random.bytes(32))
    }
}
