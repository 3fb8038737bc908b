import Netlink
import Sockets
import Testing

@testable import WireGuard

/// Splitting of large SET requests, checked structurally and by reassembly through the GET parser.
@Suite struct KernelSplitTests {
    /// 300 peers with 1…7 allowed IPs each (mixed v4/v6), PSKs, endpoints and keepalives; peer 17 has
    /// 700 allowed IPs so it must be continued across messages.
    static func bigConfig() -> DeviceConfig {
        var peers: [PeerConfig] = []
        for i in 0..<300 {
            var ips: [CIDR] = []
            let count = i == 17 ? 700 : i % 7 + 1
            for j in 0..<count {
                if j % 3 == 2 {
                    ips.append(CIDR(address: .v6([0xfd, 0, UInt8(i >> 8), UInt8(i & 0xff)]
                        + [UInt8](repeating: 0, count: 10)
                        + [UInt8(j >> 8), UInt8(j & 0xff)]), prefixLength: 128))
                } else {
                    ips.append(CIDR(address: .v4([10, UInt8(i >> 8), UInt8(i & 0xff), UInt8(j & 0xff)]),
                                    prefixLength: j % 2 == 0 ? 32 : 31))
                }
            }
            var key = [UInt8](repeating: 0, count: 32)
            key[0] = UInt8(i & 0xff)
            key[1] = UInt8(i >> 8)
            key[31] = 0x5a
            peers.append(PeerConfig(
                publicKey: WireGuardKey(raw: key), presharedKey: i % 2 == 0 ? kernelTestKey(UInt8(i & 0x7f) | 1) : nil,
                endpoint: i % 5 == 0
                    ? nil : Endpoint(address: .v4([198, 51, 100, UInt8(i % 250)]), port: UInt16(40000 + i)),
                persistentKeepalive: i % 3 == 0 ? 25 : nil, allowedIPs: ips, replaceAllowedIPs: true,
                updateOnly: i % 11 == 0))
        }
        return DeviceConfig(privateKey: kernelTestKey(0x11), listenPort: 51820, fwmark: 0x51820, replacePeers: true,
                            peers: peers)
    }

    @Test(arguments: [4096, 8192])
    func threeHundredPeersSplitAndReassemble(bufferSize: Int) throws {
        let config = Self.bigConfig()
        let messages = try WireGuardSetMessages.build(interface: "wg0", config: config, familyID: 0x1c,
                                                      bufferSize: bufferSize)
        #expect(messages.count > 1)
        var seenKeys = Set<WireGuardKey>()
        for (index, bytes) in messages.enumerated() {
            #expect(bytes.count <= bufferSize)
            let m = try NetlinkMessage(bytes)
            #expect(m.type == 0x1c && m.flags == [.request, .ack])
            let top = try m.attributes(after: 4)
            #expect(top.first?.type == WG.Device.ifname && top.first?.string() == "wg0")
            let deviceTypes = Set(top.map(\.type))
            if index == 0 {
                #expect(deviceTypes == [WG.Device.ifname, WG.Device.privateKey, WG.Device.listenPort,
                                        WG.Device.fwmark, WG.Device.flags, WG.Device.peers])
            } else {
                #expect(deviceTypes == [WG.Device.ifname, WG.Device.peers])  // no REPLACE_PEERS again
            }
            for element in try #require(top.first(WG.Device.peers)).nested() {
                #expect(element.isNested && element.type == 0)
                let attrs = try element.nested()
                let key = try WireGuardKey(raw: #require(attrs.first(WG.Peer.publicKey)).payload)
                let flags = try attrs.first(WG.Peer.flags)?.u32() ?? 0
                if seenKeys.contains(key) {
                    // Continuation: PUBLIC_KEY + ALLOWEDIPS (+ UPDATE_ONLY) only.
                    #expect(Set(attrs.map(\.type)).isSubset(of: [WG.Peer.publicKey, WG.Peer.flags, WG.Peer.allowedIPs]))
                    #expect(flags & WG.Peer.replaceAllowedIPs == 0)
                } else {
                    seenKeys.insert(key)
                    #expect(flags & WG.Peer.replaceAllowedIPs != 0)
                }
                if let ips = attrs.first(WG.Peer.allowedIPs) {
                    for ip in try ips.nested() {
                        #expect(ip.isNested && ip.type == 0)
                        #expect(Set(try ip.nested().map(\.type)) == [1, 2, 3])  // never WGALLOWEDIP_A_FLAGS
                    }
                }
            }
        }
        #expect(seenKeys.count == 300)

        // The same messages as a GET dump would carry them: the parser must give back the input.
        let asDump = try messages.map { bytes -> NetlinkMessage in
            var b = bytes
            b[16] = 0  // WG_CMD_GET_DEVICE
            return try NetlinkMessage(b)
        }
        let device = try WireGuardDeviceParser.parse(asDump)
        #expect(device.name == "wg0")
        #expect(device.privateKey == kernelTestKey(0x11))
        #expect(device.listenPort == 51820)
        #expect(device.fwmark == 0x51820)
        #expect(device.peers.count == 300)
        for (got, want) in zip(device.peers, config.peers) {
            #expect(got.publicKey == want.publicKey)
            #expect(got.presharedKey == want.presharedKey)
            #expect(got.endpoint == want.endpoint)
            #expect(got.persistentKeepalive == want.persistentKeepalive ?? 0)
            #expect(got.allowedIPs == want.allowedIPs)
        }
    }

    @Test func onePeerWithManyIPsContinuesInTheNextMessage() throws {
        let ips = (0..<300).map { CIDR(address: .v4([10, 1, UInt8($0 >> 8), UInt8($0 & 0xff)]), prefixLength: 32) }
        let config = DeviceConfig(peers: [PeerConfig(publicKey: kernelTestKey(0x22), presharedKey: kernelTestKey(0x33),
                                                     allowedIPs: ips, replaceAllowedIPs: true, updateOnly: true)])
        let messages = try WireGuardSetMessages.build(interface: "wg0", config: config, familyID: 0x1c,
                                                      bufferSize: 4096)
        // Each allowed IP costs 28 bytes: 4096 holds at most ~144 per message.
        #expect(messages.count == 3)
        let second = try NetlinkMessage(messages[1]).attributes(after: 4)
        let peer = try #require(second.first(WG.Device.peers)).nested()[0].nested()
        #expect(peer.map(\.type) == [WG.Peer.publicKey, WG.Peer.flags, WG.Peer.allowedIPs])
        #expect(try peer[1].u32() == WG.Peer.updateOnly)  // UPDATE_ONLY repeats, REPLACE_ALLOWEDIPS does not
        let total = try messages.map { try NetlinkMessage($0) }.reduce(0) { n, m in
            let peers = try m.attributes(after: 4).first(WG.Device.peers)!.nested()
            return n + (try peers[0].nested().first(WG.Peer.allowedIPs)?.nested().count ?? 0)
        }
        #expect(total == 300)
        // Packed as tightly as wg(8) packs: one more allowed IP (28 bytes) would not have fit.
        for m in messages.dropLast() { #expect(m.count + 28 > 4096) }
    }
}
