import Foundation
import Synchronization
import SigilCrypto
import Sockets
import TestSupport
import Testing
@testable import SecretConnection

/// The connection shell over real loopback TCP sockets, one side on a background thread.
@Suite struct SecretConnectionTests {
    struct Pair {
        let listener: Listener
        let dialer: SecretConnection
        let accepted: SecretConnection
        let dialerKey: Ed25519.PrivateKey
        let listenerKey: Ed25519.PrivateKey
    }

    static func connectedPair() throws -> Pair {
        let listener = try Listener.tcp(host: "127.0.0.1", port: 0)
        let listenerKey = Ed25519.PrivateKey.generate()
        let dialerKey = Ed25519.PrivateKey.generate()
        let server = Background { () throws -> SecretConnection in
            let socket = try listener.accept(timeout: 10)
            socket.setTimeouts(read: 10, write: 10)
            return try SecretConnection.handshake(over: socket, identity: listenerKey)
        }
        let socket = try Socket.connect(host: "127.0.0.1", port: listener.port, timeout: 5)
        socket.setTimeouts(read: 10, write: 10)
        let dialer = try SecretConnection.handshake(over: socket, identity: dialerKey)
        return Pair(listener: listener, dialer: dialer, accepted: try server.value(),
                    dialerKey: dialerKey, listenerKey: listenerKey)
    }

    @Test func handshakeAuthenticatesBothSides() throws {
        let pair = try Self.connectedPair()
        #expect(pair.dialer.remotePublicKey == pair.listenerKey.publicKey)
        #expect(pair.accepted.remotePublicKey == pair.dialerKey.publicKey)
        #expect(pair.dialer.remotePeerID == SecretConnection.peerID(of: pair.listenerKey.publicKey))
        #expect(pair.dialer.remotePeerID.count == 40)
    }

    @Test(arguments: [1, 1024, 1025, 5000, 70_000])
    func messagesBothWays(size: Int) throws {
        let pair = try Self.connectedPair()
        let message = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        // Write from a thread so a large message cannot deadlock against our own read.
        let writer = Background { try pair.dialer.write(message) }
        #expect(try pair.accepted.readExactly(size) == message)
        try writer.value()
        try pair.accepted.write(Array(message.reversed()))
        #expect(try pair.dialer.readExactly(size) == Array(message.reversed()))
    }

    @Test func eachReadReturnsAtMostOneFrame() throws {
        let pair = try Self.connectedPair()
        try pair.dialer.write([UInt8](repeating: 1, count: 1500))
        #expect(try pair.accepted.read(maxLength: 4096).count == 1024)
        #expect(try pair.accepted.read(maxLength: 4096).count == 476)
    }

    @Test func aShortReadLeavesTheRestOfTheFrameForTheNext() throws {
        let pair = try Self.connectedPair()
        let message = (0..<100).map { UInt8($0) }
        try pair.dialer.write(message)
        #expect(try pair.accepted.read(maxLength: 30) == Array(message[0..<30]))
        #expect(try pair.accepted.read(maxLength: 70) == Array(message[30..<100]))
        try pair.dialer.write([7, 8, 9])
        #expect(try pair.accepted.read(maxLength: 4096) == [7, 8, 9])
    }

    @Test func closeIsSeenAsClosed() throws {
        let pair = try Self.connectedPair()
        pair.dialer.close()
        #expect(throws: SocketError(code: .closed, reason: "")) { try pair.accepted.read(maxLength: 10) }
    }

    @Test func peerThatHangsUpMidHandshakeIsTruncated() throws {
        let listener = try Listener.tcp(host: "127.0.0.1", port: 0)
        let peer = Background { () throws -> Void in
            let socket = try listener.accept(timeout: 10)
            try socket.write([0x22, 0x0A, 0x20, 1, 2, 3])
            socket.close()
        }
        let socket = try Socket.connect(host: "127.0.0.1", port: listener.port, timeout: 5)
        socket.setTimeouts(read: 10, write: 10)
        do {
            _ = try SecretConnection.handshake(over: socket, identity: .generate())
            Issue.record("handshake with a half message succeeded")
        } catch let error as SecretConnectionError {
            #expect(error.code == .truncated)
            #expect(error.reason.contains("ephemeral key"))
        }
        try peer.value()
    }

    @Test func tricklingPeerHitsTheHandshakeTimeout() throws {
        let listener = try Listener.tcp(host: "127.0.0.1", port: 0)
        let stop = Mutex(false)
        // The peer sends one byte of its ephemeral key every 50 ms: each read succeeds, the whole never finishes.
        let peer = Background { () throws -> Void in
            let socket = try listener.accept(timeout: 10)
            let hello = EphemeralKeyMessage.encode(X25519.PrivateKey.generate().publicKey)
            for byte in hello where !stop.withLock({ $0 }) {
                try socket.write([byte])
                usleep(50_000)
            }
        }
        let socket = try Socket.connect(host: "127.0.0.1", port: listener.port, timeout: 5)
        socket.setTimeouts(read: 1, write: 1)
        let start = Date()
        #expect(throws: SocketError(code: .timedOut, reason: "")) {
            try SecretConnection.handshake(over: socket, identity: .generate(), timeout: 0.3)
        }
        #expect(Date().timeIntervalSince(start) < 1.2)
        stop.withLock { $0 = true }
        socket.close()
        _ = try? peer.value()
    }

    @Test func peerThatHangsUpMidFrameIsTruncated() throws {
        let listener = try Listener.tcp(host: "127.0.0.1", port: 0)
        // The peer runs the handshake machine by hand, then sends only part of a data frame.
        let peer = Background { () throws -> Void in
            let socket = try listener.accept(timeout: 10)
            socket.setTimeouts(read: 10, write: 10)
            var machine = HandshakeStateMachine(ephemeral: .generate(), identity: .generate())
            var actions = machine.start()
            while true {
                for action in actions {
                    switch action {
                    case .send(let bytes):
                        try socket.write(bytes)
                    case .established(var channel, _):
                        let frame = try channel.encoder.seal([1, 2, 3])
                        try socket.write(Array(frame.prefix(700)))
                        socket.close()
                        return
                    }
                }
                actions = try machine.receive(try socket.read(maxLength: 4096))
            }
        }
        let socket = try Socket.connect(host: "127.0.0.1", port: listener.port, timeout: 5)
        socket.setTimeouts(read: 10, write: 10)
        let conn = try SecretConnection.handshake(over: socket, identity: .generate())
        try peer.value()
        #expect(throws: SecretConnectionError(code: .truncated, reason: "")) { try conn.read(maxLength: 10) }
        // The failure is sticky.
        #expect(throws: SecretConnectionError(code: .truncated, reason: "")) { try conn.read(maxLength: 10) }
    }

    @Test func tamperedFrameOnTheWireIsAMACFailure() throws {
        // A man in the middle that flips one ciphertext bit after the handshake.
        let listener = try Listener.tcp(host: "127.0.0.1", port: 0)
        let relayListener = try Listener.tcp(host: "127.0.0.1", port: 0)
        let serverKey = Ed25519.PrivateKey.generate()
        let server = Background { () throws -> SecretConnection in
            let s = try listener.accept(timeout: 10)
            s.setTimeouts(read: 10, write: 10)
            return try SecretConnection.handshake(over: s, identity: serverKey)
        }
        let relay = Background { () throws -> Void in
            let fromClient = try relayListener.accept(timeout: 10)
            let toServer = try Socket.connect(host: "127.0.0.1", port: listener.port, timeout: 5)
            fromClient.setTimeouts(read: 10, write: 10)
            toServer.setTimeouts(read: 10, write: 10)
            // Handshake bytes pass through untouched: the ephemeral keys, then one auth frame each way.
            for size in [35, 1044] {
                try toServer.write(try fromClient.readExactly(size))
                try fromClient.write(try toServer.readExactly(size))
            }
            var frame = try fromClient.readExactly(1044)
            frame[100] ^= 0x80
            try toServer.write(frame)
            _ = try? toServer.read(maxLength: 1)  // hold both sockets open until the server gives up
        }
        let socket = try Socket.connect(host: "127.0.0.1", port: relayListener.port, timeout: 5)
        socket.setTimeouts(read: 10, write: 10)
        let client = try SecretConnection.handshake(over: socket, identity: .generate())
        #expect(client.remotePublicKey == serverKey.publicKey)
        try client.write([1, 2, 3])
        let accepted = try server.value()
        #expect(throws: SecretConnectionError(code: .macFailure, reason: "")) { try accepted.read(maxLength: 10) }
        accepted.close()
        try relay.value()
    }
}
