import Glibc
import SigilCrypto
import Sockets
import Synchronization

/// An authenticated, encrypted CometBFT Secret Connection over any byte stream.
///
/// Writes are split into 1024-byte frames; each `read` returns data from at most one frame.
/// Reads and writes may run on different threads.
public final class SecretConnection: ByteStream {
    /// The peer's Ed25519 identity, proven during the handshake.
    public let remotePublicKey: Ed25519.PublicKey
    private let stream: ByteStream
    private let sending: Mutex<FrameEncoder>
    private let receiving: Mutex<Receiver>

    private struct Receiver {
        var decoder: FrameDecoder
        var pending: [UInt8]
        var failure: SecretConnectionError?
    }

    /// How much to ask the underlying stream for at once: a few sealed frames.
    private static let readChunk = 4 * FrameFormat.sealedFrameSize

    private init(stream: ByteStream, channel: EstablishedChannel, remotePublicKey: Ed25519.PublicKey) {
        self.stream = stream
        self.remotePublicKey = remotePublicKey
        sending = Mutex(channel.encoder)
        receiving = Mutex(Receiver(decoder: channel.decoder, pending: channel.pendingData, failure: nil))
    }

    /// Runs the handshake over `stream` and returns the established connection. Dialer and listener call the
    /// same function: the protocol is symmetric. Set socket timeouts first to bound a stalled peer; `timeout`
    /// additionally bounds a peer that trickles bytes (checked between reads, so add one read timeout).
    /// Throws `SecretConnectionError` for protocol failures and the stream's own errors for I/O failures.
    public static func handshake(over stream: ByteStream, identity: Ed25519.PrivateKey,
                                 timeout: Double? = nil) throws -> SecretConnection {
        var machine = HandshakeStateMachine(ephemeral: .generate(), identity: identity)
        var actions = machine.start()
        let deadline = timeout.map { monotonicSeconds() + $0 }
        while true {
            for action in actions {
                switch action {
                case .send(let bytes):
                    try stream.write(bytes)
                case .established(let channel, let key):
                    return SecretConnection(stream: stream, channel: channel, remotePublicKey: key)
                }
            }
            if let deadline, monotonicSeconds() > deadline {
                throw SocketError(code: .timedOut, reason: "timed out after \(timeout!)s in the secret connection "
                                  + "handshake with a peer that sends too slowly")
            }
            let bytes: [UInt8]
            do {
                bytes = try stream.read(maxLength: readChunk)
            } catch let error as SocketError where error.code == .closed {
                throw machine.truncationError()
            }
            actions = try machine.receive(bytes)
        }
    }

    /// The peer's ID: lower-case hex of the first 20 bytes of SHA-256 of the remote public key.
    public var remotePeerID: String { Self.peerID(of: remotePublicKey) }

    /// A node or signer ID as CometBFT prints it: hex(SHA-256(pubkey)[:20]).
    public static func peerID(of key: Ed25519.PublicKey) -> String {
        Hex.encode(Array(SHA256.hash(key.rawRepresentation).prefix(20)))
    }

    public func read(maxLength: Int) throws -> [UInt8] {
        precondition(maxLength > 0, "read(maxLength:) needs room for at least one byte")
        return try receiving.withLock { r in
            if let failure = r.failure { throw failure }
            do {
                while r.pending.isEmpty {
                    if let data = try r.decoder.next() {
                        r.pending = data
                        continue
                    }
                    do {
                        r.decoder.append(try stream.read(maxLength: Self.readChunk))
                    } catch let error as SocketError where error.code == .closed {
                        try r.decoder.finish()
                        throw error
                    }
                }
            } catch let error as SecretConnectionError {
                r.failure = error
                throw error
            }
            // A privval message fits one frame, so the whole frame is usually taken: hand it over without a copy.
            guard maxLength < r.pending.count else {
                defer { r.pending = [] }
                return r.pending
            }
            defer { r.pending.removeFirst(maxLength) }
            return Array(r.pending.prefix(maxLength))
        }
    }

    public func write(_ bytes: [UInt8]) throws {
        try sending.withLock { encoder in
            try stream.write(try encoder.seal(bytes))
        }
    }

    public func close() {
        stream.close()
    }
}

private func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
