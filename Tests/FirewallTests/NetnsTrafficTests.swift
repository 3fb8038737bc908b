import Foundation
import Sockets
import Testing
import TestSupport

@testable import Firewall

/// Loads the rendered scripts with the real `nft -f` into throwaway namespaces and sends real traffic through them.
/// Each test first shows the traffic passing without the rules, so a rule set that drops nothing fails.
@Suite(.enabled(if: getuid() == 0 || Vectors.isCI), .serialized)
struct NetnsTrafficTests {
    static let validatorPolicy = try! FirewallPolicy(
        role: .validator, peerEndpoint: PeerEndpoint(address: IPAddress("198.51.100.20")!),
        peerTunnelIP: IPAddress("10.200.0.2")!, localTunnelIP: IPAddress("10.200.0.1")!, profile: .scoped)

    static let signerPolicy = try! FirewallPolicy(
        role: .signer, peerEndpoint: PeerEndpoint(address: IPAddress("198.51.100.1")!, port: 51820),
        peerTunnelIP: IPAddress("10.200.0.1")!, localTunnelIP: IPAddress("10.200.0.2")!, profile: .lockdown)

    @Test func scopedValidatorLetsOnlyThePeerTunnelAddressReachPrivval() throws {
        let lab = try NetnsLab()
        defer { lab.remove() }
        let dir = try TempDir("sigil-netns")
        defer { dir.remove() }
        let server = try lab.listen(in: "srv", ["tcp,10.200.0.1,26659", "udp,0.0.0.0,51820", "tcp,0.0.0.0,8080"])

        // Without rules the outsider reaches the privval port and the WireGuard port.
        #expect(try lab.connect(from: "stranger", source: "192.0.2.66", to: "10.200.0.1", port: 26659) == .connected)
        try lab.sendUDP("stranger", "192.0.2.66", 40000, to: "192.0.2.1:51820", "early")
        #expect(server.waitForOutput(timeout: 10) { $0.contains("udp early from 192.0.2.66") })

        try lab.load(NftRenderer.render(Self.validatorPolicy), into: "srv", dir: dir)
        let listed = try lab.sh("srv", "nft", "list", "table", "inet", "sigil")
        #expect(listed.contains("iifname \"wg0\" ip saddr 10.200.0.2 ip daddr 10.200.0.1 tcp dport 26659 accept"))
        #expect(listed.contains("policy accept"))

        #expect(try lab.connect(from: "peer", source: "10.200.0.2", to: "10.200.0.1", port: 26659) == .connected)
        #expect(try lab.connect(from: "stranger", source: "192.0.2.66", to: "10.200.0.1", port: 26659) == .timeout)
        // Right interface, wrong source address: still dropped.
        #expect(try lab.connect(from: "peer", source: "10.200.0.3", to: "10.200.0.1", port: 26659) == .timeout)
        // Scoped leaves other services alone off the tunnel, but the tunnel carries privval only.
        #expect(try lab.connect(from: "stranger", source: "192.0.2.66", to: "192.0.2.1", port: 8080) == .connected)
        #expect(try lab.connect(from: "peer", source: "10.200.0.2", to: "10.200.0.1", port: 8080) == .timeout)

        // WireGuard UDP: the outsider's datagram is counted as dropped, the peer's arrives.
        try lab.sendUDP("stranger", "192.0.2.66", 40000, to: "192.0.2.1:51820", "late")
        #expect(try lab.eventually { try lab.counter(in: "srv", rule: "udp dport 51820 counter") >= 1 })
        try lab.sendUDP("peer", "198.51.100.20", 51820, to: "198.51.100.1:51820", "handshake")
        #expect(server.waitForOutput(timeout: 10) { $0.contains("udp handshake from 198.51.100.20") })
        #expect(!server.output.contains("udp late"))

        // Replacing the table is atomic and idempotent: loading twice leaves one table with the same rules.
        try lab.load(NftRenderer.render(Self.validatorPolicy), into: "srv", dir: dir)
        #expect(try lab.sh("srv", "nft", "list", "tables").split(separator: "\n") == ["table inet sigil"])
        #expect(try lab.connect(from: "stranger", source: "192.0.2.66", to: "10.200.0.1", port: 26659) == .timeout)
        try lab.sh("srv", "nft", "delete", "table", "inet", "sigil")
        #expect(try lab.connect(from: "stranger", source: "192.0.2.66", to: "10.200.0.1", port: 26659) == .connected)
    }

    @Test func lockdownSignerDropsEverythingButSSHRepliesAndThePeer() throws {
        let lab = try NetnsLab()
        defer { lab.remove() }
        let dir = try TempDir("sigil-netns")
        defer { dir.remove() }
        let validator = try lab.listen(in: "srv", ["tcp,10.200.0.1,26659"])
        let signer = try lab.listen(in: "peer", ["tcp,0.0.0.0,22", "tcp,0.0.0.0,8080", "udp,0.0.0.0,51820"])
        #expect(try lab.connect(from: "srv", source: "198.51.100.1", to: "198.51.100.20", port: 8080) == .connected)

        try lab.load(NftRenderer.render(Self.signerPolicy), into: "peer", dir: dir)
        #expect(try lab.sh("peer", "nft", "list", "table", "inet", "sigil").contains("policy drop"))

        #expect(try lab.connect(from: "srv", source: "198.51.100.1", to: "198.51.100.20", port: 22) == .connected)
        #expect(try lab.connect(from: "srv", source: "198.51.100.1", to: "198.51.100.20", port: 8080) == .timeout)
        // SSH is not offered over the tunnel: nothing new may arrive on wg0.
        #expect(try lab.connect(from: "srv", source: "10.200.0.1", to: "10.200.0.2", port: 22) == .timeout)
        // The signer dials out through the tunnel; the replies are established and get through.
        #expect(try lab.connect(from: "peer", source: "10.200.0.2", to: "10.200.0.1", port: 26659) == .connected)
        #expect(validator.waitForOutput(timeout: 10) { $0.contains("tcp 26659 from 10.200.0.2") })

        // WireGuard only from the peer's endpoint and port.
        try lab.sendUDP("srv", "198.51.100.1", 40000, to: "198.51.100.20:51820", "wrongport")
        #expect(try lab.eventually { try lab.counter(in: "peer", rule: "counter packets") >= 1 })
        try lab.sendUDP("srv", "198.51.100.1", 51820, to: "198.51.100.20:51820", "hello")
        #expect(signer.waitForOutput(timeout: 10) { $0.contains("udp hello from 198.51.100.1") })
        #expect(!signer.output.contains("wrongport"))
    }

    /// `--docker`: a published WireGuard port forwards only the peer's datagrams, and a published privval port
    /// (the mistake the forward guard exists for) forwards nothing.
    @Test func dockerForwardGuardFiltersPublishedPorts() throws {
        let lab = try NetnsLab()
        defer { lab.remove() }
        let dir = try TempDir("sigil-netns")
        defer { dir.remove() }
        try lab.addContainer(published: [("udp", 51820), ("tcp", 26659)])
        let container = try lab.listen(in: "ctr", ["udp,0.0.0.0,51820", "tcp,0.0.0.0,26659"])

        #expect(try lab.connect(from: "stranger", source: "192.0.2.66", to: "192.0.2.1", port: 26659) == .connected)
        try lab.sendUDP("stranger", "192.0.2.66", 40000, to: "192.0.2.1:51820", "before")
        #expect(container.waitForOutput(timeout: 10) { $0.contains("udp before from 192.0.2.66") })

        let policy = try FirewallPolicy(
            role: .validator, peerEndpoint: PeerEndpoint(address: IPAddress("198.51.100.20")!),
            peerTunnelIP: IPAddress("10.200.0.2")!, localTunnelIP: IPAddress("10.200.0.1")!, docker: true)
        try lab.load(NftRenderer.render(policy), into: "srv", dir: dir)

        #expect(try lab.connect(from: "stranger", source: "192.0.2.66", to: "192.0.2.1", port: 26659) == .timeout)
        #expect(try lab.connect(from: "peer", source: "198.51.100.20", to: "198.51.100.1", port: 26659) == .timeout)
        try lab.sendUDP("stranger", "192.0.2.66", 40001, to: "192.0.2.1:51820", "after")
        let dropped = "ct direction original ct status dnat udp"
        #expect(try lab.eventually { try lab.counter(in: "srv", rule: dropped) >= 1 })
        try lab.sendUDP("peer", "198.51.100.20", 51820, to: "198.51.100.1:51820", "handshake")
        #expect(container.waitForOutput(timeout: 10) { $0.contains("udp handshake from 198.51.100.20") })
        #expect(!container.output.contains("udp after"))
    }

    /// IPv6 end to end under lockdown: neighbour discovery still works (ICMPv6 is kept), the signer's dial
    /// through the tunnel is answered, nothing new gets in over the tunnel or from the validator's public side.
    @Test func lockdownOverIPv6KeepsNeighbourDiscoveryAndTheOutboundLink() throws {
        let lab = try NetnsLab()
        defer { lab.remove() }
        let dir = try TempDir("sigil-netns")
        defer { dir.remove() }
        let validator = try lab.listen(in: "srv", ["tcp,fd00:200::1,26659"])
        let signer = try lab.listen(in: "peer", ["tcp,::,8080"])
        #expect(try lab.connect(from: "srv", source: "2001:db8:1::1", to: "2001:db8:1::20", port: 8080) == .connected)

        let policy = try FirewallPolicy(
            role: .signer, peerEndpoint: PeerEndpoint(address: IPAddress("2001:db8:1::1")!, port: 51820),
            peerTunnelIP: IPAddress("fd00:200::1")!, localTunnelIP: IPAddress("fd00:200::2")!, profile: .lockdown)
        try lab.load(NftRenderer.render(policy), into: "peer", dir: dir)
        // Forget learned neighbours so the next packets need fresh neighbour discovery through the drop policy.
        try lab.sh("peer", "ip", "-6", "neigh", "flush", "all")
        try lab.sh("srv", "ip", "-6", "neigh", "flush", "all")

        #expect(try lab.connect(from: "peer", source: "fd00:200::2", to: "fd00:200::1", port: 26659) == .connected)
        #expect(validator.waitForOutput(timeout: 10) { $0.contains("tcp 26659 from fd00:200::2") })
        #expect(try lab.connect(from: "srv", source: "2001:db8:1::1", to: "2001:db8:1::20", port: 8080) == .timeout)
        #expect(try lab.connect(from: "srv", source: "fd00:200::1", to: "fd00:200::2", port: 8080) == .timeout)
        #expect(signer.output.split(separator: "\n").filter { $0.hasPrefix("tcp 8080") }.count == 1)
    }
}
