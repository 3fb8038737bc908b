import Testing
import Sockets
@testable import WireGuard

struct DeviceDiffTests {
    static let me = WireGuardKey(raw: .init(repeating: 1, count: 32))
    static let a = WireGuardKey(raw: .init(repeating: 2, count: 32))
    static let b = WireGuardKey(raw: .init(repeating: 3, count: 32))
    static let psk = WireGuardKey(raw: .init(repeating: 4, count: 32))
    static let zero = WireGuardKey(raw: .init(repeating: 0, count: 32))
    static let ep = Endpoint(address: IPAddress("192.0.2.1")!, port: 51820)

    static var live: Device {
        Device(name: "wg0", privateKey: me, listenPort: 51820, fwmark: 0, peers: [
            Peer(publicKey: a, presharedKey: psk, endpoint: ep, persistentKeepalive: 25, lastHandshakeSeconds: 99,
                 allowedIPs: [CIDR("10.200.0.2/32")!, CIDR("10.9.0.0/16")!]),
            Peer(publicKey: b, allowedIPs: [CIDR("10.200.0.3/32")!]),
        ])
    }

    static var desired: DeviceConfig {
        DeviceConfig(privateKey: me, listenPort: 51820, fwmark: 0, peers: [
            PeerConfig(publicKey: a, presharedKey: psk, endpoint: ep, persistentKeepalive: 25,
                       allowedIPs: [CIDR("10.9.1.2/16")!, CIDR("10.200.0.2/32")!]),
            PeerConfig(publicKey: b, presharedKey: zero, persistentKeepalive: 0, allowedIPs: [CIDR("10.200.0.3/32")!]),
        ])
    }

    @Test func sameStateNeedsNothing() {
        // Reordered allowed IPs and host bits (10.9.1.2/16) are the same prefixes.
        let c = Self.desired.changes(from: Self.live)
        #expect(c.isEmpty, "\(c)")
    }

    @Test func vanishedPeerIsRemovedOthersUntouched() {
        var d = Self.desired
        d.peers.removeLast()
        let c = d.changes(from: Self.live)
        #expect(c.peers == [PeerConfig(publicKey: Self.b, remove: true)])
        #expect(!c.replacePeers)
        #expect(c.privateKey == nil && c.listenPort == nil && c.fwmark == nil)
    }

    @Test func onlyChangedFieldsAreSent() {
        var d = Self.desired
        let newEp = Endpoint(address: IPAddress("198.51.100.9")!, port: 1)
        d.peers[0].endpoint = newEp
        d.peers[1].presharedKey = Self.psk
        let c = d.changes(from: Self.live)
        #expect(c.peers == [
            PeerConfig(publicKey: Self.a, endpoint: newEp),
            PeerConfig(publicKey: Self.b, presharedKey: Self.psk),
        ])
    }

    @Test func removingPskAndKeepaliveSendsZero() {
        var d = Self.desired
        d.peers[0].presharedKey = Self.zero
        d.peers[0].persistentKeepalive = 0
        let c = d.changes(from: Self.live)
        #expect(c.peers == [PeerConfig(publicKey: Self.a, presharedKey: Self.zero, persistentKeepalive: 0)])
    }

    @Test func allowedIPsChangeReplacesThatPeersList() {
        var d = Self.desired
        d.peers[1].allowedIPs.append(CIDR("fd00::3/128")!)
        let c = d.changes(from: Self.live)
        #expect(c.peers == [PeerConfig(publicKey: Self.b, allowedIPs: [CIDR("10.200.0.3/32")!, CIDR("fd00::3/128")!],
                                       replaceAllowedIPs: true)])
    }

    @Test func newPeerAndDeviceFields() {
        var d = Self.desired
        let c3 = WireGuardKey(raw: .init(repeating: 5, count: 32))
        d.peers.append(PeerConfig(publicKey: c3, presharedKey: Self.zero, persistentKeepalive: 0,
                                  allowedIPs: [CIDR("10.200.0.4/32")!]))
        d.listenPort = 51821
        d.fwmark = 9
        d.privateKey = c3
        let c = d.changes(from: Self.live)
        #expect(c.privateKey == c3 && c.listenPort == 51821 && c.fwmark == 9)
        #expect(c.peers == [PeerConfig(publicKey: c3, allowedIPs: [CIDR("10.200.0.4/32")!])])
    }

    @Test func emptyLiveDeviceGetsEverything() {
        let c = Self.desired.changes(from: Device(name: "wg0"))
        #expect(c.privateKey == Self.me)
        #expect(c.listenPort == 51820)
        #expect(c.fwmark == nil, "fwmark 0 is already live")
        #expect(c.peers.map(\.publicKey) == [Self.a, Self.b])
        #expect(c.peers[1].presharedKey == nil && c.peers[1].persistentKeepalive == nil)
    }

    @Test func randomListenPortAcceptsLivePort() {
        var d = Self.desired
        d.listenPort = 0
        #expect(d.changes(from: Self.live).isEmpty)
    }

    @Test func peerWithOwnKeyIsIgnoredLikeWireGuardDoes() {
        var d = Self.desired
        d.peers.append(PeerConfig(publicKey: Self.me.publicKey(), allowedIPs: [CIDR("10.0.0.9/32")!]))
        #expect(d.changes(from: Self.live).isEmpty)
    }
}
