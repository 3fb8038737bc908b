import Foundation
import SecretConnection
import SigilCrypto
import TestSupport
import Testing

/// Two real `sigil sc` processes talking Secret Connection over 127.0.0.1.
@Suite struct SecretConnectionProcessTests {
    /// The value after `prefix ` on the first line that starts with it.
    static func field(_ prefix: String, in output: String) -> String? {
        let line = output.split(separator: "\n").first { $0.hasPrefix(prefix + " ") }
        return line.map { String($0.dropFirst(prefix.count + 1)) }
    }

    static func startListener(_ extra: [String] = []) throws -> (Child, port: String) {
        let listener = try Child(Built.sigil, ["sc", "listen", "--addr", "127.0.0.1:0"] + extra)
        let up = listener.waitForOutput(timeout: 30) { field("listening on", in: $0) != nil }
        try #require(up, "listener did not start: \(listener.output)")
        let address = try #require(field("listening on", in: listener.stdout))
        #expect(address.hasPrefix("127.0.0.1:"))
        return (listener, String(address.split(separator: ":").last!))
    }

    @Test func handshakeAndMultiFrameEchoBothWays() throws {
        let (listener, port) = try Self.startListener()
        let dialer = try Child(Built.sigil, ["sc", "dial", "--addr", "127.0.0.1:\(port)", "--size", "5000",
                                             "--count", "3"])
        #expect(dialer.wait(timeout: 60) == 0, "dialer: \(dialer.output)")
        #expect(listener.wait(timeout: 30) == 0, "listener: \(listener.output)")

        #expect(dialer.stdout.components(separatedBy: "ok 5000\n").count - 1 == 3)
        #expect(listener.stdout.components(separatedBy: "echoed 5000\n").count - 1 == 3)
        let listenerLocal = try #require(Self.field("local", in: listener.stdout))
        let dialerLocal = try #require(Self.field("local", in: dialer.stdout))
        #expect(listenerLocal.count == 40 && dialerLocal.count == 40)
        #expect(listenerLocal != dialerLocal)
        #expect(Self.field("peer", in: dialer.stdout) == listenerLocal)
        #expect(Self.field("peer", in: listener.stdout) == dialerLocal)
    }

    @Test func identityFileSetsThePeerID() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let seed = (0..<32).map { UInt8($0) }
        let path = dir.path("secret_connection.key")
        #expect(FileManager.default.createFile(atPath: path, contents: Data((Base64.encode(seed) + "\n").utf8),
                                               attributes: [.posixPermissions: 0o600]))
        let expected = SecretConnection.peerID(of: try Ed25519.PrivateKey(seed: seed).publicKey)

        let (listener, port) = try Self.startListener(["--identity", path])
        let dialer = try Child(Built.sigil, ["sc", "dial", "--addr", "127.0.0.1:\(port)", "--size", "1025"])
        #expect(dialer.wait(timeout: 60) == 0, "dialer: \(dialer.output)")
        #expect(listener.wait(timeout: 30) == 0, "listener: \(listener.output)")
        #expect(Self.field("local", in: listener.stdout) == expected)
        #expect(Self.field("peer", in: dialer.stdout) == expected)
        #expect(dialer.stdout.contains("ok 1025\n"))
    }

    @Test func groupReadableIdentityFileIsRefused() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = dir.path("open.key")
        let text = Base64.encode([UInt8](repeating: 1, count: 32))
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o644])
        let (status, output) = try run(Built.sigil.path, ["sc", "listen", "--addr", "127.0.0.1:0", "--identity", path])
        #expect(status == 1)
        #expect(output.contains("error: key file `\(path)' has mode 0644"), "\(output)")
        #expect(output.contains("chmod 600 \(path)"))
        #expect(!output.contains("listening on"))
    }

    @Test func dialingNothingIsAOneLineError() throws {
        // A port bound but not listening: connections are refused, and no other test can take it meanwhile.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var sin = sockaddr_in()
        sin.sin_family = sa_family_t(AF_INET)
        sin.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &sin) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        try #require(bound)
        let port = UInt16(bigEndian: sin.sin_port)
        let (status, output) = try run(Built.sigil.path, ["sc", "dial", "--addr", "127.0.0.1:\(port)"])
        #expect(status == 1)
        #expect(output.contains("error: cannot connect to 127.0.0.1:\(port): Connection refused"))
    }
}
