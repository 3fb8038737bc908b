import Netlink
import Sockets
import Testing
@testable import TunnelGuard
@testable import WireGuard

struct TunnelGuardTests {
    static let peerKey = WireGuardKey(raw: .init(repeating: 7, count: 32))
    static let now: Int64 = 1_800_000_000

    /// A healthy wireguard-go tunnel: tun link with a live socket, route via wg0, fresh handshake.
    static var good: GuardFacts {
        var f = GuardFacts(interface: "wg0", destination: IPAddress("10.200.0.1")!,
                           link: Link(index: 5, name: "wg0", kind: "tun", flags: 1, mtu: 1420), now: now)
        f.hasLiveUAPISocket = true
        f.interfaceAddresses = [CIDR("10.200.0.2/32")!]
        f.route = RouteInfo(interfaceIndex: 5, interfaceName: "wg0", preferredSource: IPAddress("10.200.0.2"))
        f.peers = [Peer(publicKey: peerKey, lastHandshakeSeconds: now - 30, allowedIPs: [CIDR("10.200.0.1/32")!])]
        return f
    }

    func refusal(_ f: GuardFacts) -> GuardError? {
        if case .failure(let e) = TunnelGuard.evaluate(facts: f) { return e }
        return nil
    }

    @Test func acceptsLiveTunnel() throws {
        let r = try TunnelGuard.evaluate(facts: Self.good).get()
        #expect(r == GuardedRoute(sourceAddress: IPAddress("10.200.0.2")!, device: "wg0"))
        var kernel = Self.good
        kernel.link?.kind = "wireguard"
        kernel.hasLiveUAPISocket = false
        #expect(try TunnelGuard.evaluate(facts: kernel).get().device == "wg0")
    }

    @Test func refusesPublicDestination() {
        var f = Self.good
        f.destination = IPAddress("198.51.100.1")!
        #expect(refusal(f)?.code == .notPrivate)
        f.destination = IPAddress("0.0.0.0")!
        #expect(refusal(f)?.code == .notPrivate)
    }

    @Test func refusesMissingOrForeignInterface() {
        var f = Self.good
        f.link = nil
        #expect(refusal(f)?.code == .noSuchInterface)
        f = Self.good
        f.link?.kind = "veth"
        let e = refusal(f)
        #expect(e?.code == .notWireGuard)
        #expect(e?.reason.contains("kind veth") == true)
        f = Self.good
        f.hasLiveUAPISocket = false
        #expect(refusal(f)?.reason.contains("without a live wireguard-go socket") == true)
        f = Self.good
        f.link?.flags = 0
        #expect(refusal(f)?.code == .interfaceDown)
    }

    @Test func refusesRouteOutsideTheTunnel() {
        var f = Self.good
        f.route = RouteInfo(interfaceIndex: 2, interfaceName: "eth0", preferredSource: IPAddress("192.0.2.2"))
        let e = refusal(f)
        #expect(e?.code == .wrongRoute)
        #expect(e?.reason.contains("leaves through eth0, not wg0") == true)
        f.route = nil
        #expect(refusal(f)?.code == .wrongRoute)
    }

    @Test func refusesStaleOrMissingHandshake() {
        var f = Self.good
        f.peers?[0].lastHandshakeSeconds = Self.now - 180
        #expect(refusal(f)?.code == .staleHandshake)
        #expect(refusal(f)?.reason.contains("180 s old") == true)
        f.peers?[0].lastHandshakeSeconds = 0
        #expect(refusal(f)?.reason.contains("never happened") == true)
        f = Self.good
        f.peers?[0].allowedIPs = [CIDR("10.9.0.0/16")!]
        #expect(refusal(f)?.code == .noPeer)
        f = Self.good
        f.peers = nil
        f.deviceError = "boom"
        #expect(refusal(f)?.code == .notWireGuard)
    }

    @Test func sourceAddressComesFromTheTunnel() throws {
        var f = Self.good
        f.route?.preferredSource = nil
        #expect(try TunnelGuard.evaluate(facts: f).get().sourceAddress == IPAddress("10.200.0.2"))
        f.interfaceAddresses = [CIDR("fd00::2/128")!]
        #expect(refusal(f)?.code == .noSourceAddress)
    }
}

struct LaddrGuardTests {
    static let interfaces = [
        InterfaceFacts(name: "lo", kind: nil, addresses: [CIDR("127.0.0.1/8")!]),
        InterfaceFacts(name: "eth0", kind: "veth", addresses: [CIDR("192.0.2.1/24")!, CIDR("10.1.0.3/16")!]),
        InterfaceFacts(name: "wg0", kind: "tun", hasLiveUAPISocket: true, addresses: [CIDR("10.200.0.1/24")!]),
        InterfaceFacts(name: "tun9", kind: "tun", hasLiveUAPISocket: false, addresses: [CIDR("10.77.0.1/24")!]),
        InterfaceFacts(name: "wgpub", kind: "wireguard", addresses: [CIDR("203.0.113.9/32")!]),
    ]

    func code(_ laddr: String) -> GuardError.Code? {
        if case .failure(let e) = LaddrGuard.evaluate(laddr: laddr, interfaces: Self.interfaces) { return e.code }
        return nil
    }

    @Test func acceptsWireGuardAddress() throws {
        let ok = try LaddrGuard.evaluate(laddr: "tcp://10.200.0.1:26659", interfaces: Self.interfaces).get()
        #expect(ok == GuardedListen(address: IPAddress("10.200.0.1")!, port: 26659, interface: "wg0"))
    }

    @Test(arguments: [
        ("", GuardError.Code.laddrEmpty),
        ("unix:///run/privval.sock", .laddrNotTCP),
        ("http://10.200.0.1:26659", .laddrNotTCP),
        ("tcp://0.0.0.0:26659", .laddrUnspecified),
        ("tcp://[::]:26659", .laddrUnspecified),
        ("tcp://192.0.2.1:26659", .laddrNotWireGuard),
        ("tcp://10.1.0.3:26659", .laddrNotWireGuard),
        ("tcp://127.0.0.1:26659", .laddrNotWireGuard),
        ("tcp://10.77.0.1:26659", .laddrNotWireGuard),
        ("tcp://10.200.0.9:26659", .laddrNotLocal),
        ("tcp://validator.local:26659", .laddrInvalid),
        ("tcp://10.200.0.1", .laddrInvalid),
        ("tcp://203.0.113.9:26659", .notPrivate),
    ])
    func refuses(_ laddr: String, _ expected: GuardError.Code) {
        #expect(code(laddr) == expected, "\(laddr)")
    }

    @Test func refusalSaysWhatToUse() {
        guard case .failure(let e) = LaddrGuard.evaluate(laddr: "tcp://0.0.0.0:26659", interfaces: Self.interfaces,
                                                         source: "/node/config.toml") else {
            Issue.record("accepted 0.0.0.0")
            return
        }
        #expect(e.reason.contains("/node/config.toml"))
        #expect(e.reason.contains("tcp://0.0.0.0:26659"))
        #expect(e.reason.contains("10.200.0.1 (wg0)"))
    }
}
