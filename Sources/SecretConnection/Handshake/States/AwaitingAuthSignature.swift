import SigilCrypto

extension HandshakeStateMachine {
    /// Our AuthSigMessage is sent; opening frames until the peer's AuthSigMessage is complete.
    struct AwaitingAuthSignature {
        let challenge: [UInt8]
        var encoder: FrameEncoder
        var decoder: FrameDecoder
        var plaintext: [UInt8] = []

        /// Once the peer's signature verifies: its key and the channel to continue on.
        mutating func receive(_ bytes: [UInt8]) throws -> (EstablishedChannel, Ed25519.PublicKey)? {
            decoder.append(bytes)
            while let data = try decoder.next() {
                plaintext += data
                guard let (key, signature, consumed) = try AuthSigMessage.decode(plaintext) else { continue }
                guard key.isValidSignature(signature, for: challenge) else {
                    throw SecretConnectionError.badAuthSignature(peerID: SecretConnection.peerID(of: key))
                }
                let channel = EstablishedChannel(encoder: encoder, decoder: decoder,
                                                 pendingData: Array(plaintext[consumed...]))
                return (channel, key)
            }
            return nil
        }
    }
}
