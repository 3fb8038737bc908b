import KeyFormats
import SigilCrypto

extension ChainConfig {
    /// The consensus public key as this chain's `key_format` prints it (tmkms keyring log line, `sigil softsign`).
    public func format(_ publicKey: Ed25519.PublicKey) -> String {
        let key = ConsensusPubKey(publicKey)
        switch keyFormat {
        case .bech32(_, let consensusKeyPrefix): return key.bech32(hrp: consensusKeyPrefix)
        case .hex: return key.hex
        case .cosmosJSON: return key.cosmosJSON
        }
    }
}
