import Sockets
import Testing

@testable import Netlink

// Expected bytes are written out from the header layouts in linux/netlink.h, rtnetlink.h, if_link.h and
// if_addr.h (x86-64, little-endian host order; sequence/port left 0 for the transport to stamp).
// nlmsghdr = len u32 | type u16 | flags u16 | seq u32 | pid u32
// nlattr   = len u16 | type u16 | payload, padded to 4 (nest type has NLA_F_NESTED 0x8000)
@Suite struct RouteGoldenTests {
    @Test func createWireGuardLink() throws {
        let expected = hex(
            "3c000000 1000 0506 00000000 00000000",  // len 60, RTM_NEWLINK, REQUEST|ACK|EXCL|CREATE
            "00 00 0000 00000000 00000000 00000000",  // ifinfomsg: AF_UNSPEC, no index/flags/change
            "0800 0300 77673000",  // IFLA_IFNAME "wg0\0"
            "1400 1280",  // IFLA_LINKINFO | NLA_F_NESTED, 20 bytes
            "0e00 0100 77697265677561726400 0000")  // IFLA_INFO_KIND "wireguard\0" + 2 pad
        #expect(try RouteMessages.createLink(name: "wg0", kind: "wireguard") == expected)
    }

    @Test func createVethPair() throws {
        let expected = hex(
            "58000000 1000 0506 00000000 00000000",  // len 88
            "00000000 00000000 00000000 00000000",  // ifinfomsg
            "0700 0300 76300000",  // IFLA_IFNAME "v0\0" (len 7) + pad
            "3000 1280",  // IFLA_LINKINFO nest, 48 bytes
            "0900 0100 7665746800 000000",  // IFLA_INFO_KIND "veth\0" + pad
            "2000 0280",  // IFLA_INFO_DATA nest, 32 bytes
            "1c00 0180",  // VETH_INFO_PEER nest, 28 bytes
            "00000000 00000000 00000000 00000000",  // peer's ifinfomsg
            "0700 0300 76310000")  // peer IFLA_IFNAME "v1\0"
        #expect(try RouteMessages.createVethPair(name: "v0", peer: "v1") == expected)
    }

    @Test func deleteLink() throws {
        let expected = hex(
            "28000000 1100 0500 00000000 00000000",  // len 40, RTM_DELLINK, REQUEST|ACK
            "00000000 00000000 00000000 00000000",
            "0800 0300 77673000")
        #expect(try RouteMessages.deleteLink(name: "wg0") == expected)
    }

    @Test func setMTUAndUp() throws {
        let expected = hex(
            "30000000 1000 0500 00000000 00000000",  // len 48, RTM_NEWLINK, REQUEST|ACK (no CREATE)
            "00 00 0000 00000000 01000000 01000000",  // ifi_flags IFF_UP, ifi_change IFF_UP
            "0800 0300 77673000",  // IFLA_IFNAME
            "0800 0400 8c050000")  // IFLA_MTU 1420
        #expect(try RouteMessages.setLink(name: "wg0", mtu: 1420, up: true) == expected)
        // Down: change mask IFF_UP, flags 0; no MTU attribute.
        let down = try RouteMessages.setLink(name: "wg0", mtu: nil, up: false)
        #expect(down == hex("28000000 1000 0500 00000000 00000000",
                            "00 00 0000 00000000 00000000 01000000", "0800 0300 77673000"))
    }

    @Test func moveLinkToNamespace() throws {
        #expect(try RouteMessages.moveLink(name: "wg0", to: .fileDescriptor(9)) == hex(
            "30000000 1000 0500 00000000 00000000",  // len 48, RTM_NEWLINK, REQUEST|ACK
            "00000000 00000000 00000000 00000000",
            "0800 0300 77673000",
            "0800 1c00 09000000"))  // IFLA_NET_NS_FD 9
        #expect(try RouteMessages.moveLink(name: "wg0", to: .process(4242)).suffix(8) == hex(
            "0800 1300 92100000"))  // IFLA_NET_NS_PID 4242
    }

    @Test func addIPv4Address() {
        let cidr = CIDR("10.200.0.1/24")!
        let expected = hex(
            "28000000 1400 0506 00000000 00000000",  // len 40, RTM_NEWADDR, REQUEST|ACK|EXCL|CREATE
            "02 18 00 00 07000000",  // ifaddrmsg: AF_INET, /24, flags 0, scope universe, ifindex 7
            "0800 0200 0ac80001",  // IFA_LOCAL 10.200.0.1
            "0800 0100 0ac80001")  // IFA_ADDRESS 10.200.0.1
        #expect(RouteMessages.address(cidr, interfaceIndex: 7, add: true) == expected)
    }

    @Test func deleteIPv6Address() {
        let cidr = CIDR("fd00::1/64")!
        let expected = hex(
            "2c000000 1500 0500 00000000 00000000",  // len 44, RTM_DELADDR, REQUEST|ACK
            "0a 40 00 00 03000000",  // AF_INET6, /64, ifindex 3
            "1400 0100 fd000000000000000000000000000001")  // IFA_ADDRESS only
        #expect(RouteMessages.address(cidr, interfaceIndex: 3, add: false) == expected)
    }

    @Test func addDeviceRoute() {
        let expected = hex(
            "2c000000 1800 0506 00000000 00000000",  // len 44, RTM_NEWROUTE, REQUEST|ACK|EXCL|CREATE
            "02 20 00 00 fe 03 fd 01 00000000",  // AF_INET /32, table main, proto boot, scope link, unicast
            "0800 0100 0ac80002",  // RTA_DST 10.200.0.2
            "0800 0400 07000000")  // RTA_OIF 7
        #expect(RouteMessages.route(CIDR("10.200.0.2/32")!, interfaceIndex: 7, add: true) == expected)
    }

    @Test func deleteRouteUsesWildcardScope() {
        let expected = hex(
            "2c000000 1900 0500 00000000 00000000",  // RTM_DELROUTE, REQUEST|ACK
            "02 10 00 00 fe 00 ff 00 00000000",  // /16, table main, no protocol, scope nowhere, no type
            "0800 0100 0a580000",  // RTA_DST = network address 10.88.0.0
            "0800 0400 02000000")
        #expect(RouteMessages.route(CIDR("10.88.3.4/16")!, interfaceIndex: 2, add: false) == expected)
    }

    @Test func ipv6RouteIsScopeUniverse() {
        let bytes = RouteMessages.route(CIDR("fd00:1::/48")!, interfaceIndex: 2, add: true)
        #expect(Array(bytes[16..<28]) == hex("0a 30 00 00 fe 03 00 01 00000000"))
        #expect(Array(bytes[28..<48]) == hex("1400 0100 fd000001000000000000000000000000"))
    }

    @Test func defaultRouteHasNoDestination() {
        let bytes = RouteMessages.route(CIDR("0.0.0.0/0")!, interfaceIndex: 2, add: true)
        #expect(bytes.count == 16 + 12 + 8)  // only RTA_OIF
    }

    @Test func getRoute() {
        let expected = hex(
            "24000000 1a00 0500 00000000 00000000",  // len 36, RTM_GETROUTE, REQUEST|ACK
            "02 20 00 00 00 00 00 00 00000000",  // AF_INET, dst_len 32, everything else 0 (strict-check safe)
            "0800 0100 0ac80001")
        #expect(RouteMessages.getRoute(to: IPAddress("10.200.0.1")!) == expected)
    }

    @Test func dumps() {
        #expect(RouteMessages.dumpLinks() == hex(
            "20000000 1200 0103 00000000 00000000",  // RTM_GETLINK, REQUEST|DUMP (0x300)
            "00000000 00000000 00000000 00000000"))
        #expect(RouteMessages.dumpAddresses() == hex(
            "18000000 1600 0103 00000000 00000000",  // RTM_GETADDR, REQUEST|DUMP
            "00000000 00000000"))
    }

    @Test func getLinkByNameAndIndex() throws {
        #expect(try RouteMessages.getLink(name: "eth0") == hex(
            "2c000000 1200 0500 00000000 00000000",  // RTM_GETLINK, REQUEST|ACK
            "00000000 00000000 00000000 00000000",
            "0900 0300 6574683000 000000"))  // "eth0\0"
        #expect(RouteMessages.getLink(index: 5) == hex(
            "20000000 1200 0500 00000000 00000000", "00000000 05000000 00000000 00000000"))
    }

    @Test func genlFamilyLookup() {
        let expected = hex(
            "24000000 1000 0500 00000000 00000000",  // len 36, GENL_ID_CTRL, REQUEST|ACK
            "03 01 0000",  // genlmsghdr: CTRL_CMD_GETFAMILY, version 1
            "0e00 0200 77697265677561726400 0000")  // CTRL_ATTR_FAMILY_NAME "wireguard\0"
        #expect(GenericMessages.getFamily("wireguard") == expected)
    }

    @Test(arguments: [
        "", "sixteen-chars-xx", "a/b", "a b", "..", "wg\u{0}0", "tab\t",
    ])
    func invalidNamesAreRejectedBeforeBuilding(_ name: String) {
        #expect(throws: NetlinkError(.invalidName, "")) { try RouteMessages.createLink(name: name, kind: "veth") }
        #expect(throws: NetlinkError(.invalidName, "")) { try RouteMessages.setLink(name: name, mtu: 1, up: nil) }
    }

    @Test func fifteenByteNameIsAccepted() throws {
        let msg = try RouteMessages.deleteLink(name: "fifteen-chars-x")
        #expect(msg.count == 16 + 16 + 20)
    }
}

/// The builder's capacity checks, against the numbers libmnl 1.0.4 itself gives (`mnl_attr_put_check`
/// refuses when len + 4 + ALIGN(payload) > buflen; `mnl_attr_nest_start_check` when len + 4 > buflen).
@Suite struct BuilderCapacityTests {
    @Test func checkedPutsRefuseExactlyAtTheLimit() {
        var b = NetlinkMessageBuilder(type: 0x1c, flags: .request, capacity: 56)
        b.putExtraHeader([1, 1, 0, 0])  // 20 bytes
        let fits = b.putChecked(1, [UInt8](repeating: 0, count: 32))  // 20 + 4 + 32 = 56: fits
        #expect(fits)
        #expect(b.length == 56)
        var c = NetlinkMessageBuilder(type: 0x1c, flags: .request, capacity: 61)
        c.putExtraHeader([UInt8](repeating: 0, count: 40))  // 56 bytes
        let u8 = c.putU8Checked(1, 1)  // 56 + 4 + ALIGN(1) = 64 > 61
        #expect(!u8)
        #expect(c.length == 56)  // nothing written
        let u64 = c.putU64Checked(1, 1)
        #expect(!u64)
        let nest1 = c.beginNestChecked(2)  // 56 + 4 <= 61
        let nest2 = c.beginNestChecked(2)  // 60 + 4 > 61
        #expect(nest1 == 56 && nest2 == nil)
    }

    @Test func cancelledNestLeavesNoTrace() {
        var b = NetlinkMessageBuilder(type: 16, flags: .request)
        b.putU32(1, 7)
        let before = b.bytes
        let n = b.beginNest(2)
        b.putStringZ(3, "gone")
        b.cancelNest(n)
        #expect(b.bytes == before)
        let m = b.beginNest(2)
        b.endNest(m)
        #expect(Array(b.bytes.suffix(4)) == hex("0400 0280"))  // empty nest, NLA_F_NESTED set
    }
}
