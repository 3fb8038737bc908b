import Foundation
import Testing
@testable import Sockets

@Suite struct AddressTests {
    @Test(arguments: [
        ("127.0.0.1:26658", "127.0.0.1", UInt16(26658)),
        ("[::1]:0", "::1", UInt16(0)),
        ("validator.example:65535", "validator.example", UInt16(65535)),
    ])
    func parsesHostAndPort(_ text: String, _ host: String, _ port: UInt16) throws {
        let parsed = try Address.parse(text)
        #expect(parsed.host == host)
        #expect(parsed.port == port)
    }

    @Test(arguments: ["127.0.0.1", "::1:80", "[::1]80", ":80", "host:65536", "host:-1", "host:"])
    func rejectsBadAddresses(_ text: String) {
        #expect(throws: SocketError(code: .invalidAddress, reason: "")) { try Address.parse(text) }
        do { _ = try Address.parse(text) } catch { #expect("\(error)".contains(text)) }
    }

    @Test func formatsIPv6InBrackets() {
        #expect(Address.format(host: "::1", port: 80) == "[::1]:80")
        #expect(Address.format(host: "10.0.0.1", port: 80) == "10.0.0.1:80")
    }
}

@Suite struct SocketTests {
    @Test func tcpRoundTripAndEOF() throws {
        let listener = try Listener.tcp(host: "127.0.0.1", port: 0)
        #expect(listener.port != 0)
        let server = Background { () throws -> [UInt8] in
            let conn = try listener.accept(timeout: 10)
            let got = try conn.readExactly(5)
            try conn.write(Array(got.reversed()))
            return got
        }
        let client = try Socket.connect(host: "127.0.0.1", port: listener.port, timeout: 5)
        #expect(client.peerDescription == "127.0.0.1:\(listener.port)")
        try client.write([1, 2, 3, 4, 5])
        #expect(try client.readExactly(5) == [5, 4, 3, 2, 1])
        #expect(try server.value() == [1, 2, 3, 4, 5])
        // The server's socket was released when its closure returned, so the client sees end of stream.
        #expect(throws: SocketError(code: .closed, reason: "")) { try client.read(maxLength: 1) }
    }

    @Test func acceptTimesOut() throws {
        let listener = try Listener.tcp(host: "127.0.0.1", port: 0)
        let start = Date()
        #expect(throws: SocketError(code: .timedOut, reason: "")) { try listener.accept(timeout: 0.1) }
        #expect(Date().timeIntervalSince(start) >= 0.09)
    }

    @Test func connectRefusedNamesTheAddress() throws {
        let (fd, port) = try #require(reservedPort())
        defer { close(fd) }
        do {
            _ = try Socket.connect(host: "127.0.0.1", port: port, timeout: 5)
            Issue.record("connect to a closed port succeeded")
        } catch let error as SocketError {
            #expect(error.code == .connectFailed)
            #expect(error.reason.contains("127.0.0.1:\(port)"))
            #expect(error.reason.contains("refused"))
        }
    }

    @Test func secondListenerOnSamePortIsAddressInUse() throws {
        let first = try Listener.tcp(host: "127.0.0.1", port: 0)
        #expect(throws: SocketError(code: .addressInUse, reason: "")) {
            try Listener.tcp(host: "127.0.0.1", port: first.port)
        }
    }

    @Test func readTimeout() throws {
        let listener = try Listener.tcp(host: "127.0.0.1", port: 0)
        let client = try Socket.connect(host: "127.0.0.1", port: listener.port, timeout: 5)
        let server = try listener.accept(timeout: 5)
        client.setTimeouts(read: 0.1, write: 1)
        #expect(throws: SocketError(code: .timedOut, reason: "")) { try client.read(maxLength: 10) }
        _ = server
    }

    @Test func closeWakesABlockedReader() throws {
        let listener = try Listener.tcp(host: "127.0.0.1", port: 0)
        let client = try Socket.connect(host: "127.0.0.1", port: listener.port, timeout: 5)
        let server = try listener.accept(timeout: 5)
        let reader = Background { () throws -> [UInt8] in try client.read(maxLength: 10) }
        // The reader may or may not have entered recv yet; either way it must end with `.closed`.
        client.close()
        #expect(throws: SocketError(code: .closed, reason: "")) { try reader.value(timeout: 10) }
        _ = server
    }

    @Test func unixSocketRoundTrip() throws {
        let path = NSTemporaryDirectory() + "sigil-sock-\(UUID().uuidString.prefix(8)).sock"
        let listener = try Listener.unix(path: path)
        #expect(FileManager.default.fileExists(atPath: path))
        let client = try Socket.connect(unixPath: path)
        let server = try listener.accept(timeout: 5)
        try client.write(Array("ping".utf8))
        #expect(try server.readExactly(4) == Array("ping".utf8))
        listener.close()
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func unknownBindDeviceIsNamed() throws {
        let listener = try Listener.tcp(host: "127.0.0.1", port: 0)
        do {
            _ = try Socket.connect(host: "127.0.0.1", port: listener.port, timeout: 5, bindDevice: "nosuchdev0")
            Issue.record("binding to a missing device succeeded")
        } catch let error as SocketError {
            #expect(error.code == .optionFailed)
            #expect(error.reason.contains("nosuchdev0"))
        }
    }

    @Test func bindAddressSetsTheSource() throws {
        let listener = try Listener.tcp(host: "127.0.0.1", port: 0)
        let client = try Socket.connect(host: "127.0.0.1", port: listener.port, timeout: 5,
                                        bindAddress: IPAddress("127.0.0.2"))
        let server = try listener.accept(timeout: 5)
        #expect(server.peerDescription.hasPrefix("127.0.0.2:"))
        _ = client
    }
}

/// A loopback port that is bound but not listening, so connecting to it is refused and no other test can take it.
func reservedPort() -> (Int32, UInt16)? {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = SocketAddress(IPAddress("127.0.0.1")!, port: 0)
    guard fd >= 0, address.withSockaddr({ bind(fd, $0, $1) }) == 0 else { return nil }
    address.length = socklen_t(MemoryLayout<sockaddr_storage>.size)
    _ = withUnsafeMutableBytes(of: &address.storage) {
        getsockname(fd, $0.baseAddress!.assumingMemoryBound(to: sockaddr.self), &address.length)
    }
    return (fd, address.port)
}
