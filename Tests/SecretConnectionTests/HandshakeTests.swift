import SigilCrypto
import TestSupport
import Testing
@testable import SecretConnection

/// One side of an in-memory handshake: its machine, the bytes it has sent, and what it ended with.
struct Side {
    var machine: HandshakeStateMachine
    let ephemeral: X25519.PrivateKey
    let identity: Ed25519.PrivateKey
    var outbox: [UInt8] = []
    var channel: EstablishedChannel?
    var remote: Ed25519.PublicKey?

    init(ephemeral: X25519.PrivateKey = .generate(), identity: Ed25519.PrivateKey = .generate()) {
        self.ephemeral = ephemeral
        self.identity = identity
        machine = HandshakeStateMachine(ephemeral: ephemeral, identity: identity)
    }

    mutating func apply(_ actions: [HandshakeAction]) {
        for action in actions {
            switch action {
            case .send(let bytes): outbox += bytes
            case .established(let channel, let key): (self.channel, remote) = (channel, key)
            }
        }
    }
}

/// Moves bytes between two machines in `chunk`-sized pieces until neither has anything left to send.
func pump(_ a: inout Side, _ b: inout Side, chunk: Int = .max, bStartsLate: Bool = false) throws {
    a.apply(a.machine.start())
    if !bStartsLate { b.apply(b.machine.start()) }
    var bStarted = !bStartsLate
    while !a.outbox.isEmpty || !b.outbox.isEmpty {
        if !a.outbox.isEmpty {
            let piece = Array(a.outbox.prefix(chunk))
            a.outbox.removeFirst(piece.count)
            if !bStarted { b.apply(b.machine.start()); bStarted = true }
            if b.channel == nil { b.apply(try b.machine.receive(piece)) } else { b.channel!.decoder.append(piece) }
        }
        if !b.outbox.isEmpty {
            let piece = Array(b.outbox.prefix(chunk))
            b.outbox.removeFirst(piece.count)
            if a.channel == nil { a.apply(try a.machine.receive(piece)) } else { a.channel!.decoder.append(piece) }
        }
    }
}

/// A peer that follows the protocol up to the AuthSigMessage and then sends whatever `auth` builds.
func evilPeer(against honest: inout HandshakeStateMachine, auth: (_ challenge: [UInt8]) -> [UInt8]) throws {
    guard case .send(let hello) = honest.start()[0],
          let (honestKey, _) = try EphemeralKeyMessage.decode(hello) else {
        Issue.record("no ephemeral key message")
        return
    }
    let evil = X25519.PrivateKey.generate()
    let secrets = try HandshakeSecrets(local: evil, remoteEphemeral: honestKey)
    var encoder = FrameEncoder(key: secrets.keys.sendKey)
    _ = try honest.receive(EphemeralKeyMessage.encode(evil.publicKey) + encoder.seal(auth(secrets.challenge)))
}

@Suite struct HandshakeTests {
    /// Two fixed ephemeral keys so both orderings of the sorted pair are exercised deliberately.
    static func orderedEphemerals() throws -> (low: X25519.PrivateKey, high: X25519.PrivateKey) {
        let a = try X25519.PrivateKey(rawRepresentation: [UInt8](repeating: 1, count: 32))
        let b = try X25519.PrivateKey(rawRepresentation: [UInt8](repeating: 2, count: 32))
        return a.publicKey.lexicographicallyPrecedes(b.publicKey) ? (a, b) : (b, a)
    }

    @Test(arguments: [true, false], [Int.max, 1, 7, 1000])
    func pairedMachinesAgree(initiatorHasLowerKey: Bool, chunk: Int) throws {
        let (low, high) = try Self.orderedEphemerals()
        var initiator = Side(ephemeral: initiatorHasLowerKey ? low : high)
        var responder = Side(ephemeral: initiatorHasLowerKey ? high : low)
        try pump(&initiator, &responder, chunk: chunk, bStartsLate: true)

        #expect(initiator.remote == responder.identity.publicKey)
        #expect(responder.remote == initiator.identity.publicKey)
        var i = try #require(initiator.channel)
        var r = try #require(responder.channel)

        // Each side's send key is the golden-tested split of the DH secret for its position in the sort.
        let dh = try initiator.ephemeral.sharedSecret(with: responder.ephemeral.publicKey)
        let expected = SessionKeys(dhSecret: dh, locIsLeast: initiatorHasLowerKey)
        var check = FrameDecoder(key: expected.sendKey, nonce: FrameNonce(counter: 1))
        var probe = i.encoder
        check.append(try probe.seal([1, 2, 3]))
        #expect(try check.next() == [1, 2, 3])

        // And the channel works both ways, after the one auth frame each.
        let big = (0..<5000).map { UInt8(truncatingIfNeeded: $0) }
        r.decoder.append(try i.encoder.seal(big))
        var got: [UInt8] = []
        while let d = try r.decoder.next() { got += d }
        #expect(got == big)
        i.decoder.append(try r.encoder.seal([9]))
        #expect(try i.decoder.next() == [9])
        #expect(i.pendingData.isEmpty && r.pendingData.isEmpty)
    }

    @Test func wireShapesMatchCometBFT() throws {
        var machine = HandshakeStateMachine(ephemeral: .generate(), identity: .generate())
        guard case .send(let hello) = machine.start()[0] else { Issue.record("no hello"); return }
        #expect(hello.count == 35)
        #expect(Array(hello.prefix(3)) == [0x22, 0x0A, 0x20])
        let identity = Ed25519.PrivateKey.generate()
        let auth = AuthSigMessage.encode(publicKey: identity.publicKey, signature: [UInt8](repeating: 5, count: 64))
        #expect(auth.count == 103)
        #expect(Array(auth.prefix(5)) == [0x66, 0x0A, 0x22, 0x0A, 0x20])
        #expect(Array(auth[37..<39]) == [0x12, 0x40])
    }

    @Test func peerSendsFrameBytesTogetherWithItsKey() throws {
        // The whole of one side's output arrives in one read, including the ephemeral message and the auth frame.
        var a = Side()
        var b = Side()
        a.apply(a.machine.start())
        b.apply(b.machine.start())
        a.apply(try a.machine.receive(b.outbox))
        b.outbox = []
        #expect(a.outbox.count == 35 + 1044)
        // a's hello and auth frame reach b in one piece: b finishes in one step and answers with its auth frame.
        b.apply(try b.machine.receive(a.outbox))
        a.outbox = []
        #expect(b.remote == a.identity.publicKey)
        #expect(b.outbox.count == 1044)
        #expect(a.channel == nil)
        a.apply(try a.machine.receive(b.outbox))
        #expect(a.remote == b.identity.publicKey)
    }

    @Test func nonEd25519KeyIsRefused() throws {
        var honest = HandshakeStateMachine(ephemeral: .generate(), identity: .generate())
        do {
            try evilPeer(against: &honest) { _ in
                // PublicKey{secp256k1 = 2: 33 bytes}
                let key = Protobuf.bytesField(2, [0x02] + [UInt8](repeating: 0x11, count: 32))
                let body = Protobuf.bytesField(1, key) + Protobuf.bytesField(2, [UInt8](repeating: 0, count: 64))
                return Protobuf.uvarint(UInt64(body.count)) + body
            }
            Issue.record("secp256k1 identity accepted")
        } catch let error as SecretConnectionError {
            #expect(error.code == .nonEd25519Key)
            #expect(error.reason.contains("secp256k1"))
        }
    }

    @Test func badAuthSignatureIsRefused() throws {
        var honest = HandshakeStateMachine(ephemeral: .generate(), identity: .generate())
        let identity = Ed25519.PrivateKey.generate()
        #expect(throws: SecretConnectionError(code: .badAuthSignature, reason: "")) {
            try evilPeer(against: &honest) { challenge in
                var wrong = challenge
                wrong[0] ^= 1
                return AuthSigMessage.encode(publicKey: identity.publicKey, signature: identity.signature(for: wrong))
            }
        }
        // The failure sticks: feeding more bytes reports the same error.
        #expect(throws: SecretConnectionError(code: .badAuthSignature, reason: "")) { try honest.receive([0]) }
    }

    @Test func correctEvilPeerIsAccepted() throws {
        // The evil-peer harness itself must be able to succeed, or the two refusals above prove nothing.
        var honest = HandshakeStateMachine(ephemeral: .generate(), identity: .generate())
        let identity = Ed25519.PrivateKey.generate()
        try evilPeer(against: &honest) { challenge in
            AuthSigMessage.encode(publicKey: identity.publicKey, signature: identity.signature(for: challenge))
        }
    }

    @Test func garbageAuthMessageIsMalformed() throws {
        var honest = HandshakeStateMachine(ephemeral: .generate(), identity: .generate())
        #expect(throws: SecretConnectionError(code: .malformedAuthMessage, reason: "")) {
            try evilPeer(against: &honest) { _ in [0x05, 0x0A, 0x7F, 0x01, 0x02, 0x03] }
        }
    }

    @Test func stallingWithEmptyFramesIsRefused() throws {
        // Empty frames are legal on the channel, but a handshake that never gets an AuthSigMessage must end.
        var honest = HandshakeStateMachine(ephemeral: .generate(), identity: .generate())
        guard case .send(let hello) = honest.start()[0],
              let (honestKey, _) = try EphemeralKeyMessage.decode(hello) else { return }
        let evil = X25519.PrivateKey.generate()
        let secrets = try HandshakeSecrets(local: evil, remoteEphemeral: honestKey)
        var encoder = FrameEncoder(key: secrets.keys.sendKey)
        _ = try honest.receive(EphemeralKeyMessage.encode(evil.publicKey))
        for _ in 1..<HandshakeStateMachine.AwaitingAuthSignature.maxFrames {
            #expect(try honest.receive(try encoder.sealFrame([])).isEmpty)
        }
        #expect(throws: SecretConnectionError(code: .malformedAuthMessage, reason: "")) {
            try honest.receive(try encoder.sealFrame([]))
        }
    }

    @Test func authMessageSplitAcrossFramesIsAccepted() throws {
        var honest = HandshakeStateMachine(ephemeral: .generate(), identity: .generate())
        guard case .send(let hello) = honest.start()[0],
              let (honestKey, _) = try EphemeralKeyMessage.decode(hello) else { return }
        let evil = X25519.PrivateKey.generate()
        let identity = Ed25519.PrivateKey.generate()
        let secrets = try HandshakeSecrets(local: evil, remoteEphemeral: honestKey)
        var encoder = FrameEncoder(key: secrets.keys.sendKey)
        let auth = AuthSigMessage.encode(publicKey: identity.publicKey,
                                         signature: identity.signature(for: secrets.challenge))
        var actions = try honest.receive(EphemeralKeyMessage.encode(evil.publicKey) + encoder.sealFrame(auth[..<50]))
        #expect(actions.count == 1)  // only our own auth frame so far
        actions = try honest.receive(try encoder.sealFrame(auth[50...] + [7, 7]))
        guard case .established(let channel, let key) = actions.first else {
            Issue.record("not established: \(actions)")
            return
        }
        #expect(key == identity.publicKey)
        #expect(channel.pendingData == [7, 7])
    }

    @Test(arguments: [
        "230a20" + String(repeating: "09", count: 32),  // length 35
        "220a21" + String(repeating: "09", count: 32),  // inner length 33
        "2212" + "20" + String(repeating: "09", count: 32),  // field 2
        "ffffffffffffffffffff01",  // uvarint overflow
    ])
    func malformedEphemeralKeyMessage(_ wire: String) throws {
        var machine = HandshakeStateMachine(ephemeral: .generate(), identity: .generate())
        _ = machine.start()
        #expect(throws: SecretConnectionError(code: .malformedEphemeralKey, reason: "")) {
            try machine.receive([UInt8](hex: wire))
        }
    }

    @Test func reflectedEphemeralKeyIsRefused() throws {
        var machine = HandshakeStateMachine(ephemeral: .generate(), identity: .generate())
        guard case .send(let hello) = machine.start()[0] else { return }
        #expect(throws: SecretConnectionError(code: .malformedEphemeralKey, reason: "")) {
            try machine.receive(hello)
        }
    }

    @Test func truncationIsNamed() throws {
        var machine = HandshakeStateMachine(ephemeral: .generate(), identity: .generate())
        _ = machine.start()
        #expect(try machine.receive([0x22, 0x0A]).isEmpty)
        let error = machine.truncationError()
        #expect(error.code == .truncated)
        #expect(error.reason.contains("2 of 35"))
    }
}
