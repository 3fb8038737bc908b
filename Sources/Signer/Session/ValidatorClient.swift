import Foundation
import Logging
import SecretConnection
import SigilCrypto
import SignerConfig
import Sockets
import TunnelGuard

/// Dials one `[[validator]]` and serves it, reconnecting after failures as the config asks.
final class ValidatorClient: @unchecked Sendable {
    let config: ValidatorConfig
    let handler: RequestHandler
    let identity: Ed25519.PrivateKey?
    let logger: Logger
    let prefix: String
    let link: LinkInfo
    let recorder: any SignerRecorder
    private let stopped = Atomic(false)

    init(config: ValidatorConfig, handler: RequestHandler, identity: Ed25519.PrivateKey?, logger: Logger,
         recorder: any SignerRecorder = NoRecorder()) {
        self.config = config
        self.handler = handler
        self.identity = identity
        self.logger = logger
        self.prefix = "[\(config.chainID)@\(config.addr)]"
        self.link = LinkInfo(chainID: config.chainID, validator: "\(config.addr)")
        self.recorder = recorder
    }

    func stop() { stopped.store(true) }

    /// Runs until `stop()` or, with `reconnect = false`, until the first session ends. Returns the last error.
    @discardableResult
    func run() -> Error? {
        var backoff = Backoff()
        var failures = FailureLog()
        var lastError: Error?
        while !stopped.load() {
            var isConnected = false
            do {
                let started = DispatchTime.now().uptimeNanoseconds
                let stream: ByteStream
                do { stream = try connect() } catch {
                    recorder.connectFailed(link)
                    throw error
                }
                recorder.connected(link, handshakeSeconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
                isConnected = true
                backoff.reset()
                var session = Session(stream: stream, handler: handler, link: link, recorder: recorder)
                try session.run()
            } catch {
                if isConnected { recorder.disconnected(link) }
                if stopped.load() { break }
                lastError = error
                let now = Double(DispatchTime.now().uptimeNanoseconds) / 1e9
                if let line = failures.record(Self.describe(error), afterSession: isConnected, now: now) {
                    logger.error("\(prefix) \(line)")
                }
            }
            guard config.reconnect, !stopped.load() else { break }
            Thread.sleep(forTimeInterval: backoff.next())
        }
        return lastError
    }

    static func describe(_ error: Error) -> String {
        if let e = error as? SocketError, e.code == .closed { return "validator closed the connection; reconnecting" }
        return "\(error)"
    }

    private func connect() throws -> ByteStream {
        let timeout = config.timeout ?? 10
        switch config.addr {
        case .unix(let path):
            let socket = try Socket.connect(unixPath: path)
            socket.setTimeouts(read: timeout, write: timeout)
            logger.info("\(prefix) connected to validator successfully")
            return socket
        case .tcp(let expectedPeer, let host, let port):
            var bindAddress: IPAddress?
            var bindDevice: String?
            if let tunnel = config.tunnel {
                guard let destination = IPAddress(host) else {
                    throw SignerError(code: .tunnelAddress, reason: "tunnel = \"\(tunnel)\" needs an IP address in addr, got `\(host)`")
                }
                let route = try TunnelGuard.check(interface: tunnel, destination: destination)
                bindAddress = route.sourceAddress
                bindDevice = route.device
            }
            let socket = try Socket.connect(
                host: host, port: port, timeout: timeout, bindAddress: bindAddress, bindDevice: bindDevice)
            socket.setTimeouts(read: timeout, write: timeout)
            guard let identity else { throw SignerError(code: .missingIdentity, reason: "secret_key is required for tcp validators") }
            let secure = try SecretConnection.handshake(over: socket, identity: identity, timeout: timeout)
            if let expectedPeer {
                guard constantTimeEqual(Array(expectedPeer.lowercased().utf8), Array(secure.remotePeerID.utf8)) else {
                    secure.close()
                    throw SignerError(code: .peerMismatch, reason: "validator peer ID mismatch: expected \(expectedPeer), got \(secure.remotePeerID)")
                }
            } else {
                logger.warning("\(prefix) unverified validator peer ID! (\(secure.remotePeerID))")
            }
            logger.info("\(prefix) connected to validator successfully")
            return secure
        }
    }
}

/// A tiny lock-protected flag, enough for a stop signal shared between threads.
final class Atomic<T: Sendable>: @unchecked Sendable {
    private var value: T
    private let lock = NSLock()
    init(_ value: T) { self.value = value }
    func load() -> T { lock.lock(); defer { lock.unlock() }; return value }
    func store(_ v: T) { lock.lock(); value = v; lock.unlock() }
}
