import Testing
import Sockets
import TestSupport
@testable import WireGuard

struct UAPITests {
    static let k1 = WireGuardKey(raw: [UInt8](hex: "905cfd9a54b6f7304f9d5cd267c902d25a5b741483b8ab5de58d95ffd7013173"))
    static let k2 = WireGuardKey(raw: [UInt8](hex: "0b9f8eb02a0614316af17fd419aea38f618ef6bed0fec09b12b55a6fe8015a15"))
    static let k3 = WireGuardKey(raw: [UInt8](repeating: 0x11, count: 32))

    @Test func setRequestText() {
        let config = DeviceConfig(privateKey: Self.k1, listenPort: 51820, fwmark: 0, peers: [
            PeerConfig(publicKey: Self.k2, presharedKey: Self.k3,
                       endpoint: Endpoint(address: IPAddress("2001:db8::1")!, port: 51821),
                       persistentKeepalive: 25, allowedIPs: [CIDR("10.200.0.2/32")!, CIDR("fd00::/64")!],
                       replaceAllowedIPs: true),
            PeerConfig(publicKey: Self.k3, allowedIPs: [CIDR("10.0.0.0/8")!], remove: true),
        ])
        let expected = """
            set=1
            private_key=905cfd9a54b6f7304f9d5cd267c902d25a5b741483b8ab5de58d95ffd7013173
            listen_port=51820
            fwmark=0
            public_key=0b9f8eb02a0614316af17fd419aea38f618ef6bed0fec09b12b55a6fe8015a15
            preshared_key=\(String(repeating: "11", count: 32))
            endpoint=[2001:db8::1]:51821
            persistent_keepalive_interval=25
            replace_allowed_ips=true
            allowed_ip=10.200.0.2/32
            allowed_ip=fd00::/64
            public_key=\(String(repeating: "11", count: 32))
            remove=true


            """
        #expect(String(decoding: UAPI.setRequest(config), as: UTF8.self) == expected)
    }

    @Test func parsesGetResponse() throws {
        let text = """
            private_key=905cfd9a54b6f7304f9d5cd267c902d25a5b741483b8ab5de58d95ffd7013173
            listen_port=51820
            fwmark=7
            public_key=0b9f8eb02a0614316af17fd419aea38f618ef6bed0fec09b12b55a6fe8015a15
            preshared_key=0000000000000000000000000000000000000000000000000000000000000000
            protocol_version=1
            endpoint=192.0.2.7:51821
            last_handshake_time_sec=1700000000
            last_handshake_time_nsec=42
            tx_bytes=100
            rx_bytes=200
            persistent_keepalive_interval=25
            allowed_ip=10.200.0.2/32
            allowed_ip=fd00::2/128
            public_key=\(String(repeating: "11", count: 32))
            preshared_key=\(String(repeating: "11", count: 32))
            endpoint=[2001:db8::1]:9
            some_future_key=x
            errno=0


            """
        let d = try UAPI.parseGet(Array(text.utf8), name: "wgT")
        #expect(d.privateKey == Self.k1)
        #expect(d.publicKey?.raw == Self.k1.publicKey().raw)
        #expect(d.listenPort == 51820)
        #expect(d.fwmark == 7)
        #expect(d.peers.count == 2)
        let p = d.peers[0]
        #expect(p.publicKey == Self.k2)
        #expect(p.presharedKey == nil)
        #expect(p.endpoint?.description == "192.0.2.7:51821")
        #expect(p.lastHandshakeSeconds == 1_700_000_000)
        #expect(p.lastHandshakeNanoseconds == 42)
        #expect(p.txBytes == 100 && p.rxBytes == 200)
        #expect(p.persistentKeepalive == 25)
        #expect(p.allowedIPs.map(\.description) == ["10.200.0.2/32", "fd00::2/128"])
        #expect(d.peers[1].presharedKey == Self.k3)
        #expect(d.peers[1].endpoint?.description == "[2001:db8::1]:9")
    }

    @Test func errnoTrailer() throws {
        #expect(UAPI.errno(of: Array("errno=-22\n\n".utf8)) == -22)
        #expect(UAPI.errno(of: Array("errno=0\n\n".utf8)) == 0)
        #expect(UAPI.errno(of: Array("\n\n".utf8)) == nil)
        #expect(UAPI.describe(errno: -22) == "errno=-22 (Invalid argument)")
        // Int32.min has no positive twin: abs() would trap the signer on this reply.
        #expect(UAPI.describe(errno: Int32.min).hasPrefix("errno=-2147483648 (Unknown error"))
        #expect(UAPI.isComplete(Array("errno=0\n\n".utf8)))
        #expect(!UAPI.isComplete(Array("errno=0\n".utf8)))
        #expect(throws: WireGuardError(code: .uapi, reason: "")) {
            try UAPI.parseGet(Array("errno=-5\n\n".utf8), name: "x")
        }
        #expect(throws: WireGuardError(code: .uapi, reason: "")) {
            try UAPI.parseGet(Array("listen_port=1\n\n".utf8), name: "x")
        }
        #expect(throws: WireGuardError(code: .uapi, reason: "")) {
            try UAPI.parseGet(Array("listen_port=99999\nerrno=0\n\n".utf8), name: "x")
        }
    }

    /// The uapi fuzz harness's finds: a malformed line quoted in the error carried a private key (even after
    /// `peer `, or between runs of `=`); key-shaped runs are now hidden.
    @Test(arguments: ["errno=:2/128private_key=", "fwmark=peer ", "errno=======", "listen_port=x "])
    func malformedLinesDoNotPrintKeys(prefix: String) throws {
        let key = "905cfd9a54b6f7304f9d5cd267c902d25a5b741483b8ab5de58d95ffd7013173"
        let error = try #require(throws: WireGuardError.self) {
            try UAPI.parseGet(Array("\(prefix)\(key)====6\nerrno=0\n\n".utf8), name: "x")
        }
        #expect(!error.description.contains("905cfd9a54b6f730"), "\(error)")
        #expect(error.description.contains("64 characters, not shown"), "\(error)")
    }
}
