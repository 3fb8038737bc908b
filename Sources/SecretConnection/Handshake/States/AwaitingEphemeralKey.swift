import SigilCrypto

extension HandshakeStateMachine {
    /// Our ephemeral key is sent; buffering the peer's `22 0a 20 <32>` message.
    struct AwaitingEphemeralKey {
        let ephemeral: X25519.PrivateKey
        let identity: Ed25519.PrivateKey
        var buffer: [UInt8] = []

        /// Once the peer's key is complete: the next state, the auth frame to send, and the bytes left over.
        mutating func receive(_ bytes: [UInt8]) throws -> (AwaitingAuthSignature, send: [UInt8])? {
            buffer += bytes
            guard let (remote, consumed) = try EphemeralKeyMessage.decode(buffer) else { return nil }
            guard remote != ephemeral.publicKey else {
                throw SecretConnectionError.malformedEphemeralKey("peer echoed our own ephemeral key", buffer)
            }
            let secrets = try HandshakeSecrets(local: ephemeral, remoteEphemeral: remote)
            var encoder = FrameEncoder(key: secrets.keys.sendKey)
            let auth = AuthSigMessage.encode(publicKey: identity.publicKey,
                                             signature: identity.signature(for: secrets.challenge))
            let frames = try encoder.seal(auth)
            var next = AwaitingAuthSignature(challenge: secrets.challenge, encoder: encoder,
                                             decoder: FrameDecoder(key: secrets.keys.receiveKey))
            next.decoder.append(buffer[consumed...])
            return (next, frames)
        }
    }
}
