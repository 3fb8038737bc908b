import Glibc
import Netlink
import Sockets
import TestSupport
import Testing

@testable import WireGuard

func kernelHex(_ parts: String...) -> [UInt8] { [UInt8](hex: parts.joined().filter { $0.isHexDigit }) }

func kernelTestKey(_ byte: UInt8) -> WireGuardKey { WireGuardKey(raw: [UInt8](repeating: byte, count: 32)) }

@Suite struct KernelSetMessageTests {
    /// One full-featured peer: compared byte for byte with the layout wg(8)'s `kernel_set_device` produces
    /// (attribute order IFNAME, PRIVATE_KEY, LISTEN_PORT, FWMARK, FLAGS; peer PUBLIC_KEY, PRESHARED_KEY,
    /// ENDPOINT, PERSISTENT_KEEPALIVE_INTERVAL, FLAGS, ALLOWEDIPS{FAMILY, IPADDR, CIDR_MASK}).
    @Test func singlePeerGolden() throws {
        let config = DeviceConfig(
            privateKey: kernelTestKey(0x11), listenPort: 51820, replacePeers: true,
            peers: [PeerConfig(
                publicKey: kernelTestKey(0x22), presharedKey: kernelTestKey(0x33),
                endpoint: Endpoint(address: IPAddress("192.0.2.1")!, port: 51820), persistentKeepalive: 25,
                allowedIPs: [CIDR("10.200.0.2/32")!, CIDR("fd00::2/128")!], replaceAllowedIPs: true)])
        let k11 = String(repeating: "11", count: 32)
        let k22 = String(repeating: "22", count: 32)
        let k33 = String(repeating: "33", count: 32)
        let expected = kernelHex(
            "0c010000 1c00 0500 00000000 00000000",  // len 268, family 0x1c, REQUEST|ACK
            "01 01 0000",  // genlmsghdr: WG_CMD_SET_DEVICE, version 1
            "0800 0200 77673000",  // WGDEVICE_A_IFNAME "wg0\0"
            "2400 0300", k11,  // WGDEVICE_A_PRIVATE_KEY
            "0600 0600 6cca 0000",  // WGDEVICE_A_LISTEN_PORT 51820, host order
            "0800 0500 01000000",  // WGDEVICE_A_FLAGS = WGDEVICE_F_REPLACE_PEERS
            "bc00 0880",  // WGDEVICE_A_PEERS | NLA_F_NESTED, 188 bytes
            "b800 0080",  // peer element: type 0 | NLA_F_NESTED, 184 bytes
            "2400 0100", k22,  // WGPEER_A_PUBLIC_KEY
            "2400 0200", k33,  // WGPEER_A_PRESHARED_KEY
            "1400 0400 0200 ca6c c0000201 0000000000000000",  // WGPEER_A_ENDPOINT sockaddr_in, port big-endian
            "0600 0500 1900 0000",  // WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL 25
            "0800 0300 02000000",  // WGPEER_A_FLAGS = WGPEER_F_REPLACE_ALLOWEDIPS
            "4800 0980",  // WGPEER_A_ALLOWEDIPS nest, 72 bytes
            "1c00 0080",  // allowed IP element, 28 bytes
            "0600 0100 0200 0000",  // WGALLOWEDIP_A_FAMILY AF_INET
            "0800 0200 0ac80002",  // WGALLOWEDIP_A_IPADDR 10.200.0.2
            "0500 0300 20 000000",  // WGALLOWEDIP_A_CIDR_MASK 32
            "2800 0080",  // allowed IP element, 40 bytes
            "0600 0100 0a00 0000",  // AF_INET6
            "1400 0200 fd000000000000000000000000000002",
            "0500 0300 80 000000")  // /128 (no WGALLOWEDIP_A_FLAGS, ever)
        let messages = try WireGuardSetMessages.build(interface: "wg0", config: config, familyID: 0x1c)
        #expect(messages == [expected])
    }

    @Test func ipv6EndpointIsSockaddrIn6() throws {
        let config = DeviceConfig(peers: [PeerConfig(
            publicKey: kernelTestKey(0x22), endpoint: Endpoint(address: IPAddress("2001:db8::1")!, port: 443))])
        let m = try #require(try WireGuardSetMessages.build(interface: "wg0", config: config, familyID: 0x1c).first)
        // header 16 + genl 4 + IFNAME 8 + PEERS 4 + peer 4 + PUBLIC_KEY 36 = 72, then the endpoint.
        #expect(Array(m[72...]) == kernelHex(
            "2000 0400",  // 28-byte payload
            "0a00 01bb 00000000 20010db8000000000000000000000001 00000000"))  // AF_INET6, port 443, flowinfo, scope
    }

    @Test func removeAndUpdateOnlyFlags() throws {
        let config = DeviceConfig(peers: [
            PeerConfig(publicKey: kernelTestKey(0x22), remove: true),
            PeerConfig(publicKey: kernelTestKey(0x44), updateOnly: true),
        ])
        let m = try #require(try WireGuardSetMessages.build(interface: "wg0", config: config, familyID: 0x1c).first)
        #expect(Array(m[28..<32]) == kernelHex("6400 0880"))  // PEERS: 4 + 2 x 48
        #expect(Array(m[32..<80]) == kernelHex("3000 0080 2400 0100", String(repeating: "22", count: 32),
                                               "0800 0300 01000000"))  // REMOVE_ME
        #expect(Array(m[80..<128]) == kernelHex("3000 0080 2400 0100", String(repeating: "44", count: 32),
                                                "0800 0300 04000000"))  // UPDATE_ONLY
        #expect(m.count == 128)
    }

    @Test func getRequestGolden() throws {
        #expect(try WireGuardSetMessages.get(interface: "wg0", familyID: 0x1c) == kernelHex(
            "1c000000 1c00 0503 00000000 00000000",  // len 28, REQUEST|ACK|DUMP
            "00 01 0000",  // WG_CMD_GET_DEVICE, version 1
            "0800 0200 77673000"))
    }

    @Test func emptyConfigIsOneMessageWithoutPeersNest() throws {
        let messages = try WireGuardSetMessages.build(interface: "wg0", config: DeviceConfig(), familyID: 0x1c)
        #expect(messages == [kernelHex("1c000000 1c00 0500 00000000 00000000 01 01 0000 0800 0200 77673000")])
    }

    @Test func invalidInterfaceNameIsRejected() {
        #expect(throws: NetlinkError(.invalidName, "")) {
            try WireGuardSetMessages.build(interface: "this-name-is-too-long", config: DeviceConfig(), familyID: 0x1c)
        }
    }

    @Test func bufferTooSmallForOnePeerThrowsInsteadOfLooping() {
        let config = DeviceConfig(peers: [PeerConfig(publicKey: kernelTestKey(1), allowedIPs: [CIDR("10.0.0.1/32")!])])
        #expect(throws: NetlinkError(.messageTooLarge, "")) {
            try WireGuardSetMessages.build(interface: "wg0", config: config, familyID: 0x1c, bufferSize: 64)
        }
    }
}
