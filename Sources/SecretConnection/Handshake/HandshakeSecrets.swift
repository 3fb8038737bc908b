import Merlin
import SigilCrypto

/// What both sides compute once the ephemeral keys are exchanged: the session keys and the 32-byte challenge
/// each side signs with its identity key (CometBFT `MakeSecretConnection`).
struct HandshakeSecrets {
    static let transcriptLabel = "TENDERMINT_SECRET_CONNECTION_TRANSCRIPT_HASH"
    static let lowerKeyLabel = "EPHEMERAL_LOWER_PUBLIC_KEY"
    static let upperKeyLabel = "EPHEMERAL_UPPER_PUBLIC_KEY"
    static let dhSecretLabel = "DH_SECRET"
    static let challengeLabel = "SECRET_CONNECTION_MAC"

    let keys: SessionKeys
    let challenge: [UInt8]

    init(local: X25519.PrivateKey, remoteEphemeral remote: [UInt8]) throws {
        guard !LowOrderPoints.contains(remote) else { throw SecretConnectionError.lowOrderPoint(remote) }
        let dh: SecureBytes
        do {
            dh = try local.sharedSecret(with: remote)
        } catch {
            throw SecretConnectionError.lowOrderPoint(remote)
        }
        let localKey = local.publicKey
        let locIsLeast = localKey.lexicographicallyPrecedes(remote)
        let (lo, hi) = locIsLeast ? (localKey, remote) : (remote, localKey)

        var transcript = Transcript(label: Self.transcriptLabel)
        transcript.append(label: Self.lowerKeyLabel, message: lo)
        transcript.append(label: Self.upperKeyLabel, message: hi)
        var secret = dh.unsafeCopy
        transcript.append(label: Self.dhSecretLabel, message: secret)
        wipe(&secret)
        challenge = transcript.challengeBytes(label: Self.challengeLabel, count: 32)
        keys = SessionKeys(dhSecret: dh, locIsLeast: locIsLeast)
    }
}
