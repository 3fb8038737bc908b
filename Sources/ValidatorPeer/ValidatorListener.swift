import Foundation
import Privval
import SecretConnection
import SigilCrypto
import Sockets

/// The node's side of the remote-signer link, as CometBFT runs it: it listens on
/// `priv_validator_laddr` and the signer dials in. TCP connections use Secret Connection with a
/// fresh identity per listener (CometBFT generates an ephemeral key per start); Unix sockets are plaintext.
public final class ValidatorListener: @unchecked Sendable {
    private let listener: Listener
    private let identity = Ed25519.PrivateKey.generate()
    private let isTCP: Bool
    public let address: String

    public init(tcpHost host: String = "127.0.0.1", port: UInt16 = 0) throws {
        listener = try Listener.tcp(host: host, port: port)
        isTCP = true
        address = host.contains(":") ? "tcp://[\(host)]:\(listener.port)" : "tcp://\(host):\(listener.port)"
    }

    public init(unixPath path: String) throws {
        listener = try Listener.unix(path: path)
        isTCP = false
        address = "unix://\(path)"
    }

    /// The peer ID a signer would see for this listener.
    public var peerID: String { SecretConnection.peerID(of: identity.publicKey) }

    /// Waits for the signer to dial in and completes the handshake. `dialect` is the node's decoder:
    /// `.v1` plays a CometBFT v1 node. Reads and writes on the connection then time out after `ioTimeout`
    /// (default: `timeout`).
    public func accept(timeout: Double = 10, ioTimeout: Double? = nil,
                       dialect: PrivvalMessage.Dialect = .legacy) throws -> ValidatorConnection {
        let socket = try listener.accept(timeout: timeout)
        socket.setTimeouts(read: ioTimeout ?? timeout, write: ioTimeout ?? timeout)
        if isTCP {
            let started = ContinuousClock.now
            let secure = try SecretConnection.handshake(over: socket, identity: identity, timeout: ioTimeout ?? timeout)
            return ValidatorConnection(stream: secure, signerPeerID: secure.remotePeerID, dialect: dialect,
                                       handshake: ContinuousClock.now - started)
        }
        return ValidatorConnection(stream: socket, signerPeerID: nil, dialect: dialect, handshake: .zero)
    }

    public func close() { listener.close() }
}

/// One accepted signer connection: strict request/response, as the node's SignerClient does it.
public final class ValidatorConnection: @unchecked Sendable {
    private let stream: ByteStream
    private var decoder = DelimitedDecoder()
    /// Set for TCP: the signer's Secret Connection peer ID.
    public let signerPeerID: String?
    /// How replies are decoded, as the node would.
    public let dialect: PrivvalMessage.Dialect
    /// How long the Secret Connection handshake took after the TCP accept (zero on Unix sockets).
    public let handshake: Duration

    init(stream: ByteStream, signerPeerID: String?, dialect: PrivvalMessage.Dialect, handshake: Duration) {
        self.stream = stream
        self.signerPeerID = signerPeerID
        self.dialect = dialect
        self.handshake = handshake
    }

    public func send(_ message: PrivvalMessage) throws {
        try stream.write(Delimited.frame(message.encoded()))
    }

    public func receive() throws -> PrivvalMessage {
        while true {
            if let bytes = try decoder.next() { return try PrivvalMessage(decoding: bytes, dialect: dialect) }
            decoder.append(try stream.read(maxLength: 4096))
        }
    }

    public func request(_ message: PrivvalMessage) throws -> PrivvalMessage {
        try send(message)
        return try receive()
    }

    public func close() { stream.close() }
}
