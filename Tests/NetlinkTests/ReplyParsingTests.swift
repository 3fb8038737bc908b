import Glibc
import Sockets
import Testing

@testable import Netlink

/// Canned kernel replies built field by field; they run through the same reader as the real socket.
@Suite struct ReplyParsingTests {
    /// An RTM_NEWLINK as a dump part: ifinfomsg(index, flags), IFLA_IFNAME, IFLA_MTU, LINKINFO{KIND}.
    static func linkMessage(index: Int32, name: String, kind: String?, mtu: UInt32 = 1500,
                            flags: NetlinkFlags = .multi) -> [UInt8] {
        var b = NetlinkMessageBuilder(type: 16, flags: flags)
        b.putExtraHeader(RouteMessages.ifinfomsg(index: index, flags: 0x41))
        b.putStringZ(3, name)
        b.putU32(4, mtu)
        if let kind {
            let n = b.beginNest(18)
            b.putStringZ(1, kind)
            b.endNest(n)
        }
        return b.bytes
    }

    @Test func multiPartLinkDumpAcrossDatagrams() throws {
        let t = RecordingTransport(replies: [[
            Self.linkMessage(index: 1, name: "lo", kind: nil, mtu: 65536)
                + Self.linkMessage(index: 4, name: "wg0", kind: "wireguard", mtu: 1420),
            Self.linkMessage(index: 5, name: "v0", kind: "veth"),
            RecordingTransport.done(),
        ]])
        let links = try RouteNetlink(transport: t).links()
        #expect(links == [
            Link(index: 1, name: "lo", kind: nil, flags: 0x41, mtu: 65536),
            Link(index: 4, name: "wg0", kind: "wireguard", flags: 0x41, mtu: 1420),
            Link(index: 5, name: "v0", kind: "veth", flags: 0x41, mtu: 1500),
        ])
        #expect(t.requests == [RouteMessages.dumpLinks()])
    }

    @Test func dumpInterruptedIsRetriedFromScratch() throws {
        let t = RecordingTransport(replies: [
            [Self.linkMessage(index: 1, name: "stale", kind: nil, flags: [.multi, .dumpInterrupted]),
             RecordingTransport.done()],
            [Self.linkMessage(index: 2, name: "fresh", kind: nil), RecordingTransport.done()],
        ])
        let links = try RouteNetlink(transport: t).links()
        #expect(links.map(\.name) == ["fresh"])
        #expect(t.requests.count == 2)
    }

    @Test func dumpInterruptedEveryTimeFails() {
        let interrupted = [Self.linkMessage(index: 1, name: "x", kind: nil, flags: [.multi, .dumpInterrupted]),
                           RecordingTransport.done()]
        let t = RecordingTransport(replies: Array(repeating: interrupted, count: 5))
        #expect(throws: NetlinkError(.dumpInterrupted, "")) { try RouteNetlink(transport: t).links() }
        #expect(t.requests.count == 5)
    }

    @Test func doneCarryingAnErrorFailsTheDump() {
        let t = RecordingTransport(replies: [[
            Self.linkMessage(index: 1, name: "lo", kind: nil),
            RecordingTransport.done(error: -ENODEV),
        ]])
        #expect(throws: NetlinkError(.noSuchInterface, "")) { try RouteNetlink(transport: t).links() }
    }

    @Test func cappedErrorWithExtAckString() throws {
        // What the kernel sends for `ip link add wg0 type wireguard` without the module:
        // nlmsgerr{error -EOPNOTSUPP, echoed header}, flags CAPPED|ACK_TLVS, NLMSGERR_ATTR_MSG.
        let request = try RouteMessages.createLink(name: "wg0", kind: "wireguard")
        let reply = hex(
            "3c000000 0200 0003 00000000 00000000",  // len 60, NLMSG_ERROR, CAPPED|ACK_TLVS
            "a1ffffff",  // error = -95 (EOPNOTSUPP)
            "3c000000 1000 0506 00000000 00000000",  // echoed request header only (capped)
            "1800 0100 556e6b6e6f776e206465766963652074797065 00")  // NLMSGERR_ATTR_MSG "Unknown device type\0"
        #expect(reply == RecordingTransport.ack(error: -EOPNOTSUPP, for: request, extAck: "Unknown device type"))
        let t = RecordingTransport(replies: [[reply]])
        let error = #expect(throws: NetlinkError.self) {
            try RouteNetlink(transport: t).createLink(name: "wg0", kind: "wireguard")
        }
        #expect(error?.code == .unknownLinkKind)
        #expect(error?.extAck == "Unknown device type")
        #expect(error?.description.contains("the kernel has no WireGuard module") == true)
        #expect(error?.description.contains("Sigil will use wireguard-go") == true)
    }

    @Test func uncappedErrorSkipsTheEchoedRequestBeforeTLVs() throws {
        let request = try RouteMessages.createLink(name: "v0", kind: "veth")  // 60 bytes
        var b = NetlinkMessageBuilder(type: 2, flags: .ackTLVs)
        b.putExtraHeader(hostBytes(Int32(-EEXIST)) + request)  // whole request echoed
        b.putStringZ(1, "File exists, really")
        b.putU32(2, 32)  // NLMSGERR_ATTR_OFFS, ignored
        let t = RecordingTransport(replies: [[b.bytes]])
        let error = #expect(throws: NetlinkError.self) {
            try RouteNetlink(transport: t).createLink(name: "v0", kind: "veth")
        }
        #expect(error?.code == .exists)
        #expect(error?.extAck == "File exists, really")
        #expect(error?.description.contains("create interface `v0`") == true)
    }

    @Test func plainAckIsSuccess() throws {
        let t = RecordingTransport(replies: [[RecordingTransport.ack()]])
        try RouteNetlink(transport: t).deleteLink(name: "wg0")
        #expect(t.requests == [try RouteMessages.deleteLink(name: "wg0")])
    }

    @Test func repliesWithForeignSequenceOrPortAreIgnored() throws {
        func error(_ code: Int32, sequence: UInt32, port: UInt32) -> [UInt8] {
            var b = NetlinkMessageBuilder(type: 2, flags: .capped, sequence: sequence, portID: port)
            b.putExtraHeader(hostBytes(-code) + [UInt8](repeating: 0, count: 16))
            return b.bytes
        }
        var reader = NetlinkReplyReader(sequence: 7, portID: 1234)
        #expect(try reader.append(error(EPERM, sequence: 99, port: 1234)) == false)  // stale answer
        #expect(try reader.append(error(EPERM, sequence: 7, port: 555)) == false)  // someone else's
        #expect(try reader.append(error(0, sequence: 7, port: 1234)) == true)
        var failing = NetlinkReplyReader(sequence: 7, portID: 1234)
        #expect(throws: NetlinkError(.permissionDenied, "")) {
            _ = try failing.append(error(EPERM, sequence: 7, port: 1234))
        }
    }

    @Test func addressDumpPrefersLocalOverPeerAddress() throws {
        var p2p = NetlinkMessageBuilder(type: 20, flags: .multi)
        p2p.putExtraHeader(RouteMessages.ifaddrmsg(family: 2, prefixLength: 32, index: 9))
        p2p.put(1, [10, 0, 0, 2])  // IFA_ADDRESS = the peer on a point-to-point link
        p2p.put(2, [10, 0, 0, 1])  // IFA_LOCAL = ours
        var v6 = NetlinkMessageBuilder(type: 20, flags: .multi)
        v6.putExtraHeader(RouteMessages.ifaddrmsg(family: 10, prefixLength: 64, index: 3))
        v6.put(1, IPAddress("fd00::5")!.bytes)
        let t = RecordingTransport(replies: [[p2p.bytes + v6.bytes, RecordingTransport.done()]])
        let addrs = try RouteNetlink(transport: t).addresses()
        #expect(addrs == [
            InterfaceAddress(interfaceIndex: 9, cidr: CIDR("10.0.0.1/32")!),
            InterfaceAddress(interfaceIndex: 3, cidr: CIDR("fd00::5/64")!),
        ])
    }

    @Test func routeGetResolvesTheInterfaceName() throws {
        var route = NetlinkMessageBuilder(type: 24, flags: [])
        route.putExtraHeader(RouteMessages.rtmsg(family: 2, dstLength: 32, table: 254))
        route.putU32(15, 254)  // RTA_TABLE
        route.put(1, [10, 200, 0, 2])  // RTA_DST
        route.putU32(4, 6)  // RTA_OIF
        route.put(7, [10, 200, 0, 1])  // RTA_PREFSRC
        let t = RecordingTransport(replies: [
            [route.bytes, RecordingTransport.ack()],
            [Self.linkMessage(index: 6, name: "wg0", kind: "wireguard", flags: []), RecordingTransport.ack()],
        ])
        let info = try RouteNetlink(transport: t).route(to: IPAddress("10.200.0.2")!)
        #expect(info == RouteInfo(interfaceIndex: 6, interfaceName: "wg0",
                                  preferredSource: IPAddress("10.200.0.1"), gateway: nil, table: 254))
        #expect(t.requests == [RouteMessages.getRoute(to: IPAddress("10.200.0.2")!), RouteMessages.getLink(index: 6)])
    }

    @Test func familyIDFromControllerReply() throws {
        var reply = GenericMessages.builder(familyID: 0x10, command: 1, version: 2, flags: [])
        reply.putStringZ(2, "wireguard")
        reply.putU16(1, 0x1c)  // CTRL_ATTR_FAMILY_ID
        reply.putU32(3, 1)  // CTRL_ATTR_VERSION
        let t = RecordingTransport(replies: [[reply.bytes, RecordingTransport.ack()]])
        #expect(try GenericNetlink(transport: t).resolveFamily("wireguard") == 0x1c)
    }

    @Test func missingFamilyIsDistinct() {
        let t = RecordingTransport(replies: [[RecordingTransport.ack(error: -ENOENT)]])
        let error = #expect(throws: NetlinkError.self) { try GenericNetlink(transport: t).resolveFamily("wireguard") }
        #expect(error?.code == .familyNotFound)
        #expect(error?.description
            == "the kernel has no WireGuard module (genl family `wireguard` not found); Sigil will use wireguard-go")
    }

    @Test(arguments: [
        hex("10000000 0200 0000 00000000 00000000"),  // NLMSG_ERROR too short for nlmsgerr
        hex("ff000000 1000 0200 00000000 00000000"),  // length beyond the datagram
        hex("0c000000 1000 0200 00000000"),  // length below a header
    ])
    func malformedDatagramsThrow(_ datagram: [UInt8]) {
        var reader = NetlinkReplyReader(sequence: 0)
        #expect(throws: NetlinkError(.malformedReply, "")) { _ = try reader.append(datagram) }
    }

    @Test func truncatedAttributeThrowsInsteadOfReadingPastTheEnd() {
        // IFLA_IFNAME claims 12 bytes but only 8 follow the ifinfomsg.
        let m = NetlinkMessage(type: 16, flags: [],
                               payload: [UInt8](repeating: 0, count: 16) + hex("0c00 0300 77673000"))
        #expect(throws: NetlinkError(.malformedReply, "")) { try RouteMessages.parseLink(m) }
        let short = NetlinkMessage(type: 16, flags: [], payload: [1, 2, 3])
        #expect(throws: NetlinkError(.malformedReply, "")) { try RouteMessages.parseLink(short) }
    }

    @Test func wrongScalarWidthIsRejected() throws {
        let attrs = try NetlinkAttribute.parse(hex("0600 0400 0102 0000"))  // a u16 where a u32 belongs
        #expect(throws: NetlinkError(.malformedReply, "")) { try attrs[0].u32() }
        #expect(try attrs[0].u16() == 0x0201)
    }
}
