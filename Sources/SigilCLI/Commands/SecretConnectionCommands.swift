import ArgumentParser
import Foundation
import KeyFormats
import SecretConnection
import SigilCrypto
import Sockets

/// `sigil sc`: hidden debug tools that run a Secret Connection between two processes.
/// Echo protocol: each message is a 4-byte big-endian length and that many bytes; the reply is the bytes reversed.
struct SecretConnectionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sc", abstract: "Secret Connection debug tools (listen / dial with an echo check).",
        shouldDisplay: false, subcommands: [Listen.self, Dial.self])

    struct Common: ParsableArguments {
        @Option(help: "host:port to listen on or dial; port 0 listens on a free port.")
        var addr: String
        @Option(help: "File with a base64 Ed25519 seed (tmkms secret_key format, mode 0600); random if absent.")
        var identity: String?
        @Option(help: "Seconds to wait for connect, handshake and each read.")
        var timeout: Double = 10

        func identityKey() throws -> Ed25519.PrivateKey {
            guard let identity else {
                let key = Ed25519.PrivateKey.generate()
                say("local \(SecretConnection.peerID(of: key.publicKey))")
                return key
            }
            let key = try SoftsignKey.load(identity)
            say("local \(SecretConnection.peerID(of: key.publicKey))")
            return key
        }
    }

    struct Listen: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Accept one connection and echo messages reversed.")
        @OptionGroup var common: Common

        func run() throws {
            let key = try common.identityKey()
            let (host, port) = try Address.parse(common.addr)
            let listener = try Listener.tcp(host: host, port: port)
            say("listening on \(Address.format(host: host, port: listener.port))")
            let socket = try listener.accept(timeout: common.timeout)
            socket.setTimeouts(read: common.timeout, write: common.timeout)
            let conn = try SecretConnection.handshake(over: socket, identity: key, timeout: common.timeout)
            say("peer \(conn.remotePeerID)")
            while let message = try readMessage(conn) {
                try writeMessage(conn, Array(message.reversed()))
                say("echoed \(message.count)")
            }
        }
    }

    struct Dial: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send random messages and check the echo.")
        @OptionGroup var common: Common
        @Option(help: "Bytes per message.")
        var size: Int = 5000
        @Option(help: "Number of messages.")
        var count: Int = 1

        func validate() throws {
            guard size > 0, size <= 1 << 24 else { throw ValidationError("--size must be 1 to 16777216, got \(size)") }
            guard count >= 1 else { throw ValidationError("--count must be 1 or more, got \(count)") }
        }

        func run() throws {
            let key = try common.identityKey()
            let (host, port) = try Address.parse(common.addr)
            let socket = try Socket.connect(host: host, port: port, timeout: common.timeout)
            socket.setTimeouts(read: common.timeout, write: common.timeout)
            let conn = try SecretConnection.handshake(over: socket, identity: key, timeout: common.timeout)
            say("peer \(conn.remotePeerID)")
            for _ in 0..<count {
                let message = Random.bytes(size)
                try writeMessage(conn, message)
                guard try readMessage(conn) == Array(message.reversed()) else {
                    throw CommandError("echo from \(conn.remotePeerID) did not match the \(size) bytes sent")
                }
                say("ok \(size)")
            }
            conn.close()
        }
    }
}

private func say(_ line: String) {
    print(line)
    fflush(nil)
}

private func writeMessage(_ conn: SecretConnection, _ bytes: [UInt8]) throws {
    let n = UInt32(bytes.count)
    try conn.write([UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)] + bytes)
}

/// The next message, or nil when the peer closed between messages.
private func readMessage(_ conn: SecretConnection) throws -> [UInt8]? {
    let header: [UInt8]
    do {
        header = try conn.readExactly(4)
    } catch let error as SocketError where error.code == .closed {
        return nil
    }
    let n = header.reduce(0) { $0 << 8 | Int($1) }
    guard n <= 1 << 24 else { throw CommandError("peer announced a \(n)-byte message; the limit is 16 MiB") }
    return try conn.readExactly(n)
}
