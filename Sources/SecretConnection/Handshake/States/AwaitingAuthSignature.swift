import SigilCrypto

extension HandshakeStateMachine {
    /// Our AuthSigMessage is sent; opening frames until the peer's AuthSigMessage is complete.
    struct AwaitingAuthSignature {
        let challenge: [UInt8]
        var encoder: FrameEncoder
        var decoder: FrameDecoder
        var plaintext: [UInt8] = []
        var frames = 0

        /// An ed25519 AuthSigMessage fits one frame; a peer that keeps sending frames without one is stalling.
        static let maxFrames = 8

        /// Once the peer's signature verifies: its key and the channel to continue on.
        mutating func receive(_ bytes: [UInt8]) throws -> (EstablishedChannel, Ed25519.PublicKey)? {
            decoder.append(bytes)
            while let data = try decoder.next() {
                plaintext += data
                frames += 1
                guard let (key, signature, consumed) = try AuthSigMessage.decode(plaintext) else {
                    guard frames < Self.maxFrames else {
                        throw SecretConnectionError.malformedAuthMessage("no complete message in \(frames) frames")
                    }
                    continue
                }
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
