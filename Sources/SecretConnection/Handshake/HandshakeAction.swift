import SigilCrypto

/// What the handshake machine asks its shell to do.
enum HandshakeAction {
    /// Write these bytes to the peer.
    case send([UInt8])
    /// The peer proved its identity; carry on with `channel`.
    case established(EstablishedChannel, remotePublicKey: Ed25519.PublicKey)
}

/// The framing state after the handshake: codecs keyed with the session keys and already past the auth frames,
/// plus any bytes the peer sent after its AuthSigMessage.
struct EstablishedChannel: Sendable {
    var encoder: FrameEncoder
    var decoder: FrameDecoder
    /// Plaintext that followed the AuthSigMessage inside its frame.
    var pendingData: [UInt8]
}
