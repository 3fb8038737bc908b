import SigilCrypto

// Secret Connection handshake messages (compiled into the SecretConnection module to reach the state machine).
// Our side runs the real HandshakeStateMachine with fixed keys; the harness plays the peer. Three readings of
// each input:
// - the raw bytes as everything the peer sends: the machine asks for more, or fails with a SecretConnectionError,
//   and never completes (nobody signed its challenge);
// - a correct ephemeral key, then the input as the plaintext of the peer's encrypted auth frames: the same;
// - a correct ephemeral key and a correctly signed AuthSigMessage, then the input as the first application data:
//   the handshake completes with the peer's identity, and the data follows unchanged.
// The two message decoders on their own: what decodes encodes back to the same bytes.

private let ourEphemeral = try! X25519.PrivateKey(rawRepresentation: [UInt8](repeating: 0x41, count: 32))
private let ourIdentity = try! Ed25519.PrivateKey(seed: [UInt8](repeating: 0x42, count: 32))
private let peerEphemeral = try! X25519.PrivateKey(rawRepresentation: [UInt8](repeating: 0x43, count: 32))
private let peerIdentity = try! Ed25519.PrivateKey(seed: [UInt8](repeating: 0x44, count: 32))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Fuzz.bytes(data, size)
    rawPeer(input)
    authPlaintext(input, signed: false)
    authPlaintext(input, signed: true)
    decoders(input)
    return 0
}

private func machine() -> HandshakeStateMachine {
    var m = HandshakeStateMachine(ephemeral: ourEphemeral, identity: ourIdentity)
    _ = m.start()
    return m
}

/// Feeds `bytes` in two reads; returns the established channel, if any.
private func feed(_ m: inout HandshakeStateMachine, _ bytes: [UInt8], split: Int)
    -> (EstablishedChannel, Ed25519.PublicKey)? {
    let cut = bytes.isEmpty ? 0 : split % (bytes.count + 1)
    for piece in [Array(bytes[..<cut]), Array(bytes[cut...])] {
        do {
            for case .established(let channel, let key) in try m.receive(piece) { return (channel, key) }
        } catch is SecretConnectionError {
            return nil
        } catch {
            Fuzz.fail("handshake threw \(type(of: error)): \(error)")
        }
    }
    return nil
}

private func rawPeer(_ input: [UInt8]) {
    var m = machine()
    Fuzz.check(feed(&m, input, split: input.first.map(Int.init) ?? 0) == nil, "handshake completed with raw bytes")
    _ = m.truncationError()
}

// The peer's side of the key exchange is the same for every input: computed once.
private let peerSecrets = try! HandshakeSecrets(local: peerEphemeral, remoteEphemeral: ourEphemeral.publicKey)
private let peerAuth = AuthSigMessage.encode(publicKey: peerIdentity.publicKey,
                                             signature: peerIdentity.signature(for: peerSecrets.challenge))

private func authPlaintext(_ input: [UInt8], signed: Bool) {
    var encoder = FrameEncoder(key: peerSecrets.keys.sendKey)
    let auth = peerAuth
    let plaintext = signed ? auth + input : input
    let stream = EphemeralKeyMessage.encode(peerEphemeral.publicKey) + (try! encoder.seal(plaintext))
    var m = machine()
    let result = feed(&m, stream, split: input.count)
    guard signed else {
        Fuzz.check(result == nil, "handshake completed without a valid signature")
        return
    }
    guard let (channel, key) = result else { Fuzz.fail("a correctly signed handshake failed") }
    Fuzz.check(key == peerIdentity.publicKey, "established with the wrong identity")
    var decoder = channel.decoder
    var data = channel.pendingData
    do {
        while let more = try decoder.next() { data += more }
    } catch {
        Fuzz.fail("data after the handshake does not open: \(error)")
    }
    Fuzz.check(data == input, "data after the handshake changed: \(data.count) bytes, sent \(input.count)")
}

private func decoders(_ input: [UInt8]) {
    if let (key, consumed) = try? EphemeralKeyMessage.decode(input) {
        Fuzz.check(EphemeralKeyMessage.encode(key) == Array(input[..<consumed]), "ephemeral key message re-encodes differently")
    }
    if let (key, signature, consumed) = try? AuthSigMessage.decode(input) {
        let again = AuthSigMessage.encode(publicKey: key, signature: signature)
        guard let (k2, s2, c2) = try? AuthSigMessage.decode(again) else { Fuzz.fail("re-encoded auth message fails") }
        Fuzz.check(k2 == key && s2 == signature && c2 == again.count && consumed <= input.count,
                   "auth message round trip differs")
    }
}
