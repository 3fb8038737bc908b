import Glibc
import Netlink
import Sockets
import Testing

@testable import WireGuard

/// GET replies laid out as the kernel's `wg_get_device_dump` writes them.
enum KernelReplies {
    static let family: UInt16 = 0x1c

    static func familyReply() -> [[UInt8]] {
        var b = GenericMessages.builder(familyID: 0x10, command: 1, version: 2, flags: [])
        b.putStringZ(2, "wireguard")
        b.putU16(1, family)
        return [b.bytes, RecordingTransport.ack()]
    }

    static func message(flags: NetlinkFlags = .multi, _ fill: (inout NetlinkMessageBuilder) -> Void) -> [UInt8] {
        var b = GenericMessages.builder(familyID: family, command: 0, version: 1, flags: flags)
        fill(&b)
        return b.bytes
    }

    static func allowedIP(_ b: inout NetlinkMessageBuilder, _ cidr: CIDR) {
        let n = b.beginNest(0)
        b.putU16(1, UInt16(cidr.address.family))
        b.put(2, cidr.address.bytes)
        b.putU8(3, UInt8(cidr.prefixLength))
        b.endNest(n)
    }

    /// Two messages: device header + peer A (first IP), then peer A continued (two IPs) + peer B; then DONE.
    static func twoPartDump(interrupted: Bool = false) -> [[UInt8]] {
        let first = message(flags: interrupted ? [.multi, .dumpInterrupted] : .multi) { b in
            b.putU16(6, 51820)  // LISTEN_PORT
            b.putU32(7, 0)  // FWMARK
            b.putU32(1, 9)  // IFINDEX
            b.putStringZ(2, "wg0")
            b.put(3, kernelTestKey(0x11).raw)  // PRIVATE_KEY
            b.put(4, kernelTestKey(0x12).raw)  // PUBLIC_KEY
            let peers = b.beginNest(8)
            let a = b.beginNest(0)
            b.put(1, kernelTestKey(0x22).raw)
            b.put(2, [UInt8](repeating: 0, count: 32))  // no PSK: zeros
            b.put(4, kernelHex("0a00 ca6c 00000000 20010db8000000000000000000000001 00000000"))
            b.putU16(5, 25)
            b.put(6, hostBytes(Int64(1_700_000_000)) + hostBytes(Int64(123_456_789)))
            b.putU64(7, 1000)
            b.putU64(8, 2000)
            b.putU32(10, 1)
            let ips = b.beginNest(9)
            allowedIP(&b, CIDR("10.200.0.2/32")!)
            b.endNest(ips)
            b.endNest(a)
            b.endNest(peers)
        }
        let second = message { b in
            b.putStringZ(2, "wg0")
            let peers = b.beginNest(8)
            let a = b.beginNest(0)
            b.put(1, kernelTestKey(0x22).raw)
            let ips = b.beginNest(9)
            allowedIP(&b, CIDR("10.201.0.0/16")!)
            allowedIP(&b, CIDR("fd00::/8")!)
            b.endNest(ips)
            b.endNest(a)
            let c = b.beginNest(0)
            b.put(1, kernelTestKey(0x44).raw)
            b.put(2, kernelTestKey(0x45).raw)
            b.put(4, kernelHex("0200 0035 c0000202 0000000000000000"))  // 192.0.2.2:53
            b.put(6, [UInt8](repeating: 0, count: 16))
            b.endNest(c)
            b.endNest(peers)
        }
        return [first, second, RecordingTransport.done()]
    }

    static let expectedDevice = Device(
        name: "wg0", ifindex: 9, privateKey: kernelTestKey(0x11), publicKey: kernelTestKey(0x12), listenPort: 51820, fwmark: 0,
        peers: [
            Peer(publicKey: kernelTestKey(0x22), presharedKey: nil,
                 endpoint: Endpoint(address: IPAddress("2001:db8::1")!, port: 51820), persistentKeepalive: 25,
                 lastHandshakeSeconds: 1_700_000_000, lastHandshakeNanoseconds: 123_456_789, rxBytes: 1000,
                 txBytes: 2000,
                 allowedIPs: [CIDR("10.200.0.2/32")!, CIDR("10.201.0.0/16")!, CIDR("fd00::/8")!], protocolVersion: 1),
            Peer(publicKey: kernelTestKey(0x44), presharedKey: kernelTestKey(0x45),
                 endpoint: Endpoint(address: IPAddress("192.0.2.2")!, port: 53)),
        ])
}

@Suite struct KernelParserTests {
    @Test func multiPartDumpCoalescesPeers() throws {
        let messages = try KernelReplies.twoPartDump().dropLast().map { try NetlinkMessage($0) }
        #expect(try WireGuardDeviceParser.parse(Array(messages)) == KernelReplies.expectedDevice)
    }

    @Test func backendReadsADumpOverTheTransport() throws {
        let t = RecordingTransport(replies: [KernelReplies.familyReply(), KernelReplies.twoPartDump()])
        let backend = KernelBackend(transport: { t })
        #expect(try backend.device(named: "wg0") == KernelReplies.expectedDevice)
        #expect(t.requests == [GenericMessages.getFamily("wireguard"),
                               try WireGuardSetMessages.get(interface: "wg0", familyID: KernelReplies.family)])
    }

    @Test func interruptedDumpIsRetried() throws {
        let t = RecordingTransport(replies: [
            KernelReplies.familyReply(), KernelReplies.twoPartDump(interrupted: true), KernelReplies.twoPartDump(),
        ])
        #expect(try KernelBackend(transport: { t }).device(named: "wg0") == KernelReplies.expectedDevice)
        #expect(t.requests.count == 3)
    }

    @Test func doneWithErrorFailsTheRead() {
        let dump = Array(KernelReplies.twoPartDump().dropLast()) + [RecordingTransport.done(error: -ENODEV)]
        let t = RecordingTransport(replies: [KernelReplies.familyReply(), dump])
        let e = #expect(throws: NetlinkError.self) { try KernelBackend(transport: { t }).device(named: "wg0") }
        #expect(e?.code == .noSuchInterface)
        #expect(e?.description == "no such interface `wg0`")
    }

    @Test func nonWireGuardInterface() {
        let t = RecordingTransport(replies: [KernelReplies.familyReply(), [RecordingTransport.ack(error: -EOPNOTSUPP)]])
        let e = #expect(throws: NetlinkError.self) { try KernelBackend(transport: { t }).device(named: "eth0") }
        #expect(e?.code == .notSupported)
        #expect(e?.description.contains("`eth0` is not a kernel WireGuard interface") == true)
    }

    @Test func missingModuleIsFamilyNotFound() {
        let t = RecordingTransport(replies: [[RecordingTransport.ack(error: -ENOENT)]])
        #expect(throws: NetlinkError(.familyNotFound, "")) {
            try KernelBackend(transport: { t }).configure("wg0", DeviceConfig())
        }
    }

    @Test func permissionDenied() {
        let t = RecordingTransport(replies: [KernelReplies.familyReply(), [RecordingTransport.ack(error: -EPERM)]])
        let e = #expect(throws: NetlinkError.self) {
            try KernelBackend(transport: { t }).configure("wg0", DeviceConfig(listenPort: 1))
        }
        #expect(e?.code == .permissionDenied)
        #expect(e?.description.contains("CAP_NET_ADMIN") == true)
    }

    @Test func configureSendsEverySplitMessage() throws {
        let config = KernelSplitTests.bigConfig()
        let expected = try WireGuardSetMessages.build(interface: "wg0", config: config, familyID: KernelReplies.family,
                                                      bufferSize: 4096)
        let t = RecordingTransport(replies: [KernelReplies.familyReply()]
            + Array(repeating: [RecordingTransport.ack()], count: expected.count))
        try KernelBackend(bufferSize: 4096, transport: { t }).configure("wg0", config)
        #expect(t.requests == [GenericMessages.getFamily("wireguard")] + expected)
    }

    @Test func malformedPeersAreErrorsNotCrashes() {
        let noKey = KernelReplies.message { b in
            b.putStringZ(2, "wg0")
            let peers = b.beginNest(8)
            let p = b.beginNest(0)
            b.putU16(5, 25)
            b.endNest(p)
            b.endNest(peers)
        }
        let shortKey = KernelReplies.message { b in
            b.putStringZ(2, "wg0")
            b.put(3, [1, 2, 3])
        }
        let badMask = KernelReplies.message { b in
            b.putStringZ(2, "wg0")
            let peers = b.beginNest(8)
            let p = b.beginNest(0)
            b.put(1, kernelTestKey(1).raw)
            let ips = b.beginNest(9)
            let ip = b.beginNest(0)
            b.putU16(1, UInt16(AF_INET))
            b.put(2, [10, 0, 0, 1])
            b.putU8(3, 33)
            b.endNest(ip)
            b.endNest(ips)
            b.endNest(p)
            b.endNest(peers)
        }
        for bytes in [noKey, shortKey, badMask] {
            #expect(throws: NetlinkError(.malformedReply, "")) { try WireGuardDeviceParser.parse(bytes: [bytes]) }
        }
        #expect(throws: NetlinkError(.malformedReply, "")) { try WireGuardDeviceParser.parse(bytes: []) }
    }
}
