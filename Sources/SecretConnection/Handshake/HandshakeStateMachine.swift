import SigilCrypto

/// The Secret Connection handshake as a pure machine: bytes in, actions out, no I/O.
/// The protocol is symmetric, so dialer and listener run the same machine.
///
///     var machine = HandshakeStateMachine(ephemeral: .generate(), identity: key)
///     for action in machine.start() + machine.receive(bytesFromPeer) { ... }
struct HandshakeStateMachine {
    private enum State {
        case initial(ephemeral: X25519.PrivateKey, identity: Ed25519.PrivateKey)
        case awaitingEphemeralKey(AwaitingEphemeralKey)
        case awaitingAuthSignature(AwaitingAuthSignature)
        case established
        case failed(SecretConnectionError)
    }

    private var state: State

    init(ephemeral: X25519.PrivateKey, identity: Ed25519.PrivateKey) {
        state = .initial(ephemeral: ephemeral, identity: identity)
    }

    /// The first message, our ephemeral public key. Call once, before `receive`.
    mutating func start() -> [HandshakeAction] {
        guard case .initial(let ephemeral, let identity) = state else {
            preconditionFailure("HandshakeStateMachine.start() called twice")
        }
        state = .awaitingEphemeralKey(AwaitingEphemeralKey(ephemeral: ephemeral, identity: identity))
        return [.send(EphemeralKeyMessage.encode(ephemeral.publicKey))]
    }

    /// Feeds bytes from the peer, of any size. After a throw the machine stays failed.
    mutating func receive(_ bytes: [UInt8]) throws -> [HandshakeAction] {
        do {
            return try step(bytes)
        } catch let error as SecretConnectionError {
            state = .failed(error)
            throw error
        }
    }

    private mutating func step(_ bytes: [UInt8]) throws -> [HandshakeAction] {
        switch state {
        case .initial:
            preconditionFailure("HandshakeStateMachine.receive(_:) called before start()")
        case .awaitingEphemeralKey(var waiting):
            guard let (next, frames) = try waiting.receive(bytes) else {
                state = .awaitingEphemeralKey(waiting)
                return []
            }
            state = .awaitingAuthSignature(next)
            return [.send(frames)] + (try step([]))
        case .awaitingAuthSignature(var waiting):
            guard let (channel, key) = try waiting.receive(bytes) else {
                state = .awaitingAuthSignature(waiting)
                return []
            }
            state = .established
            return [.established(channel, remotePublicKey: key)]
        case .established:
            preconditionFailure("HandshakeStateMachine.receive(_:) called after the handshake finished")
        case .failed(let error):
            throw error
        }
    }

    /// At end of stream: the error naming what was cut short.
    func truncationError() -> SecretConnectionError {
        switch state {
        case .awaitingEphemeralKey(let waiting):
            return .truncated("the ephemeral key message", have: waiting.buffer.count,
                              need: EphemeralKeyMessage.wireLength)
        case .awaitingAuthSignature(let waiting):
            return .truncated("the auth signature frame", have: waiting.decoder.bufferedByteCount,
                              need: FrameFormat.sealedFrameSize)
        case .failed(let error):
            return error
        case .initial, .established:
            return .truncated("the handshake", have: 0, need: 0)
        }
    }
}
