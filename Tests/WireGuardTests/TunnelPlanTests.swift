import Testing
import Sockets
@testable import WireGuard

struct TunnelPlanTests {
    @Test func connectedPrefixCoversPeerAddress() {
        let r = TunnelPlan.routes(allowed: [CIDR("10.200.0.2/32")!], connected: [CIDR("10.200.0.1/24")!])
        #expect(r.isEmpty)
    }

    @Test func uncoveredPrefixesLongestFirstDeduplicated() {
        let r = TunnelPlan.routes(allowed: [CIDR("10.9.0.0/16")!, CIDR("10.200.0.1/32")!, CIDR("10.9.3.4/16")!,
                                            CIDR("fd00::1/128")!],
                                  connected: [CIDR("10.200.0.2/32")!, CIDR("fd00::/120")!])
        #expect(r == [CIDR("10.200.0.1/32")!, CIDR("10.9.0.0/16")!])
    }

    @Test func widerConnectedOnlyCoversNarrower() {
        let r = TunnelPlan.routes(allowed: [CIDR("10.0.0.0/8")!], connected: [CIDR("10.200.0.1/24")!])
        #expect(r == [CIDR("10.0.0.0/8")!])
    }

    static func config(_ extra: String) throws -> TunnelConfig {
        try TunnelConfig.parse("[Interface]\nPrivateKey = kFz9mlS29zBPnVzSZ8kC0lpbdBSDuKtd5Y2V/9cBMXM=\n\(extra)",
                               name: "wg0")
    }

    @Test(arguments: ["DNS = 1.1.1.1", "PostUp = echo hi", "SaveConfig = true", "Table = 1234",
                      "[Peer]\nPublicKey = C5+OsCoGFDFq8X/UGa6jj2GO9r7Q/sCbErVab+gBWhU=\nAllowedIPs = 0.0.0.0/0"])
    func refusesWhatSigilDoesNotDo(_ extra: String) throws {
        let e = TunnelPlan.unsupported(try Self.config(extra))
        #expect(e?.code == .unsupported)
        #expect(e?.reason.contains("not supported by sigil tunnel") == true)
    }

    @Test func acceptsTableOffAndPlainConfigs() throws {
        #expect(TunnelPlan.unsupported(try Self.config("Table = off\nSaveConfig = false")) == nil)
        let fullTunnel = "[Peer]\nPublicKey = C5+OsCoGFDFq8X/UGa6jj2GO9r7Q/sCbErVab+gBWhU=\nAllowedIPs = 0.0.0.0/0"
        #expect(TunnelPlan.unsupported(try Self.config("Table = off\n" + fullTunnel)) == nil)
        #expect(TunnelPlan.unsupported(try TunnelConfig.parse("[Interface]\n", name: "wg0"))?.reason
            .contains("PrivateKey") == true)
    }

    @Test func showLooksLikeWg() {
        let k = WireGuardKey(raw: .init(repeating: 9, count: 32))
        let d = Device(name: "wg0", privateKey: k, publicKey: k.publicKey(), listenPort: 51820, peers: [
            Peer(publicKey: k, presharedKey: k, endpoint: Endpoint(address: IPAddress("192.0.2.1")!, port: 51820),
                 persistentKeepalive: 25, lastHandshakeSeconds: 1000 - 65, rxBytes: 1536, txBytes: 92,
                 allowedIPs: [CIDR("10.200.0.1/32")!]),
        ])
        let text = ShowRenderer.render(d, backend: "userspace (wireguard-go)", now: 1000)
        #expect(text == """
            interface: wg0
              backend: userspace (wireguard-go)
              public key: \(k.publicKey().base64)
              private key: (hidden)
              listening port: 51820

            peer: \(k.base64)
              preshared key: (hidden)
              endpoint: 192.0.2.1:51820
              allowed ips: 10.200.0.1/32
              latest handshake: 1 minute, 5 seconds ago
              transfer: 1.50 KiB received, 92 B sent
              persistent keepalive: every 25 seconds

            """)
        #expect(ShowRenderer.duration(3 * 86400 + 1) == "3 days, 1 second")
        #expect(ShowRenderer.bytes(5 * 1024 * 1024 + 10 * 1024) == "5.01 MiB")
    }

    @Test func mtuFollowsWgQuick() {
        #expect(TunnelPlan.mtu(explicit: 1300, endpointLinkMTUs: [1500]) == 1300, "an explicit MTU wins")
        #expect(TunnelPlan.mtu(explicit: nil, endpointLinkMTUs: [1500, 1450]) == 1370, "smallest egress link - 80")
        #expect(TunnelPlan.mtu(explicit: nil, endpointLinkMTUs: []) == 1420, "no endpoint: the WireGuard default")
    }
}
